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
export function templateSourceError(error: unknown, file: string): LadderInputError {
  if (error instanceof TemplateSourceError) {
    return new LadderInputError(error.message, { file, line: error.line, column: error.column || undefined });
  }
  const { message, line, column } = describeHandlebarsError(error);
  // The parser's own message: "Parse error on line 3:\n<source>\n----^\nExpecting 'ID', got 'EOF'"
  const parse = /^Parse error on line (\d+):\n([^\n]*)\n([^\n]*)\n([\s\S]*)$/.exec(message);
  if (parse) {
    const [, lineText, source, caret, expected] = parse;
    return new LadderInputError(`template syntax error: ${expected!.replace(/\n/g, ' ')}\n  ${source}\n  ${caret}`, {
      file,
      line: Number(lineText),
    });
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
