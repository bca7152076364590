import { codeSpan } from './markdown.js';
import { suggestNearest } from '../text/suggest.js';
import { commandVerbs, type CommandError, type CommandVerb, type LadderCommand, type ParsedLine } from './types.js';

export interface ParseOptions {
  /** The service's environment names; when given, any other name is an error with a "did you mean". */
  environments?: readonly string[];
}

const prefix = '/ladder';
const shaPattern = /^[0-9a-f]{7,40}$/i;

/**
 * Finds the `/ladder …` lines of a comment body and parses each, in order.
 * Only lines that start with `/ladder` count: quoted lines (`> /ladder …`,
 * someone citing an earlier comment), fenced or indented code (documentation
 * and examples) and HTML comments are text, not commands.
 */
export function parseCommandComment(body: string, options: ParseOptions = {}): ParsedLine[] {
  const parsed: ParsedLine[] = [];
  commandLines(body).forEach(({ line, text }) => {
    const result = parseCommandLine(text, options);
    parsed.push('error' in result ? { ok: false, error: result.error, line, text } : { ok: true, command: result.command, line, text });
  });
  return parsed;
}

/** Lines of `body` that are commands: outside code and comments, starting with `/ladder` as a word. */
export function commandLines(body: string): { line: number; text: string }[] {
  const found: { line: number; text: string }[] = [];
  let fence: string | undefined;
  let inHtmlComment = false;
  body.split(/\r\n|\r|\n/).forEach((raw, index) => {
    if (inHtmlComment) {
      if (raw.includes('-->')) inHtmlComment = false;
      return;
    }
    const opener = /^ {0,3}(`{3,}|~{3,})/.exec(raw);
    if (fence !== undefined) {
      // A fence closes with the same character, at least as long, and nothing after it.
      if (opener && opener[1]![0] === fence[0] && opener[1]!.length >= fence.length && raw.trim() === opener[1]) fence = undefined;
      return;
    }
    if (opener) {
      fence = opener[1]!;
      return;
    }
    if (/^ {0,3}<!--/.test(raw) && !raw.includes('-->')) {
      inHtmlComment = true;
      return;
    }
    // Four spaces or a tab make an indented code block in Markdown.
    if (/^( {4}|\t)/.test(raw)) return;
    const text = raw.trim();
    if (text.toLowerCase() === prefix || text.toLowerCase().startsWith(`${prefix} `) || text.toLowerCase().startsWith(`${prefix}\t`)) {
      found.push({ line: index + 1, text });
    }
  });
  return found;
}

type LineResult = { command: LadderCommand } | { error: CommandError };

/** Parses one `/ladder …` line (already known to start with the prefix). */
export function parseCommandLine(text: string, options: ParseOptions = {}): LineResult {
  const rest = text.trim().slice(prefix.length).trim();
  const words = rest.length > 0 ? rest.split(/\s+/) : [];
  const [verbWord, ...args] = words;
  // A bare `/ladder` asks what Ladder can do.
  if (verbWord === undefined) return { command: { verb: 'help' } };
  const verb = verbWord.toLowerCase();
  if (!isVerb(verb)) {
    const near = suggestNearest(verb, commandVerbs);
    return fail(`${codeSpan(verbWord)} is not a Ladder command`, near ? [near, ...args].join(' ') : undefined);
  }
  switch (verb) {
    case 'help':
      return { command: { verb: 'help' } };
    case 'diff':
      if (args.length > 0) return fail(`\`diff\` takes no arguments (it compares every environment this pull request feeds)`, 'diff');
      return { command: { verb: 'diff' } };
    case 'promote':
    case 'unlock': {
      const environment = checkEnvironment(verb, args, options);
      if ('error' in environment) return environment;
      if (args.length > 1) return unexpected(verb, args.slice(1), `${verb} ${environment.name}`);
      return { command: { verb, environment: environment.name } };
    }
    case 'lock': {
      const environment = checkEnvironment(verb, args, options);
      if ('error' in environment) return environment;
      // The reason is the rest of the line as written, spacing and all.
      const reason = rest.slice(verbWord.length).trim().slice(args[0]!.length).trim();
      if (reason === '') return fail(`\`lock\` needs a reason, so others know why ${environment.name} is locked`, `lock ${environment.name} <reason>`);
      return { command: { verb, environment: environment.name, reason } };
    }
    case 'rollback':
      return parseRollback(args, options);
  }
}

function parseRollback(args: string[], options: ParseOptions): LineResult {
  const environment = checkEnvironment('rollback', args, options);
  if ('error' in environment) return environment;
  const env = environment.name;
  const [, keyword, sha, ...extra] = args;
  if (keyword === undefined) return { command: { verb: 'rollback', environment: env } };
  if (keyword.toLowerCase() !== 'to') {
    // `/ladder rollback prd 1a2b3c4` is a rollback with a forgotten `to`.
    if (shaPattern.test(keyword) && args.length === 2) return fail(`expected \`to <sha>\` after the environment`, `rollback ${env} to ${keyword.toLowerCase()}`);
    return unexpected('rollback', args.slice(1), `rollback ${env}`);
  }
  if (sha === undefined) return fail('`to` needs a commit sha (7 to 40 hexadecimal characters)', `rollback ${env} to <sha>`);
  if (!shaPattern.test(sha)) return fail(`${codeSpan(sha)} is not a commit sha (7 to 40 hexadecimal characters)`);
  if (extra.length > 0) return unexpected('rollback', extra, `rollback ${env} to ${sha.toLowerCase()}`);
  return { command: { verb: 'rollback', environment: env, target: sha.toLowerCase() } };
}

function checkEnvironment(verb: CommandVerb, args: string[], options: ParseOptions): { name: string } | { error: CommandError } {
  const name = args[0];
  const known = options.environments;
  const usage = verb === 'lock' ? `${verb} <environment> <reason>` : verb === 'rollback' ? `${verb} <environment> [to <sha>]` : `${verb} <environment>`;
  if (name === undefined) {
    const list = known && known.length > 0 ? `: one of ${known.map((n) => `\`${n}\``).join(', ')}` : '';
    return fail(`\`${verb}\` needs an environment${list}`, usage);
  }
  if (known && !known.includes(name)) {
    const near = suggestNearest(name, known);
    const list = known.map((n) => `\`${n}\``).join(', ');
    return fail(`no environment named ${codeSpan(name)}; this service has ${list}`, near ? [verb, near, ...args.slice(1)].join(' ') : undefined);
  }
  return { name };
}

function unexpected(verb: CommandVerb, extra: string[], suggestion: string): { error: CommandError } {
  return fail(`unexpected ${codeSpan(extra.join(' '))} after \`${verb}\``, suggestion);
}

function fail(message: string, suggestion?: string): { error: CommandError } {
  return { error: suggestion === undefined ? { message } : { message, suggestion: `${prefix} ${suggestion}` } };
}

function isVerb(word: string): word is CommandVerb {
  return (commandVerbs as readonly string[]).includes(word);
}
