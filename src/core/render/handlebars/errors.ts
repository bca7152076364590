import { LadderInputError } from '../../errors.js';
import { TemplateValueError } from '../helpers/call.js';
import { TemplateSourceError } from './check.js';

interface HandlebarsException {
  message?: unknown;
  /** Set by Handlebars' Exception when it knows the node: 1-based line, 0-based column. */
  lineNumber?: unknown;
  column?: unknown;
}

/** A template that does not parse, or breaks Ladder's template rules. */
export function templateSourceError(error: unknown, file: string, source: string): LadderInputError {
  if (error instanceof TemplateSourceError) {
    return new LadderInputError(error.message, { file, line: error.line, column: error.column || undefined });
  }
  const { message, line, column } = describeHandlebarsError(error);
  // The parser's message: "Parse error on line 3:\n<excerpt>\n----^\nExpecting 'ID', ..., got 'EOF'".
  // Its excerpt joins lines and its token list is grammar jargon; the line itself says more.
  const parse = /^Parse error on line (\d+):[\s\S]*got '([^']+)'\s*$/.exec(message);
  if (parse) {
    const lineNumber = Number(parse[1]);
    const token = parse[2] === 'EOF' ? 'the end of the template (an unclosed {{ or block?)' : `'${parse[2]}'`;
    const text = source.split('\n')[lineNumber - 1];
    return new LadderInputError(
      `template syntax error: unexpected ${token}` + (text === undefined ? '' : `\n  ${lineNumber} | ${text}`),
      { file, line: lineNumber },
    );
  }
  return new LadderInputError(`template syntax error: ${message}`, { file, line, column }, { cause: error });
}

/** A template that failed while rendering: a helper refused a value, or Handlebars itself threw. */
export function templateRenderError(error: unknown, file: string): LadderInputError {
  if (error instanceof TemplateValueError) {
    return new LadderInputError(error.message, { file, line: error.line, column: error.column, key: error.key });
  }
  const { message, line, column } = describeHandlebarsError(error);
  return new LadderInputError(line ? message : `rendering failed: ${message}`, { file, line, column }, { cause: error });
}

function describeHandlebarsError(error: unknown): { message: string; line?: number; column?: number } {
  const e = (error ?? {}) as HandlebarsException;
  const raw = typeof e.message === 'string' ? e.message : String(error);
  if (typeof e.lineNumber !== 'number') return { message: raw };
  return {
    // Handlebars appends " - line:column" to the message; the location carries it instead.
    message: raw.replace(/ - \d+:\d+$/, ''),
    line: e.lineNumber,
    column: typeof e.column === 'number' ? e.column + 1 : undefined,
  };
}
