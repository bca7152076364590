import { LineCounter, parseDocument, type Document, type YAMLError, type YAMLWarning } from 'yaml';
import { formatKeyPath } from '../errors.js';
import { configLocator, pathAtOffset, type Locate } from './locate.js';
import type { ConfigProblem } from './problem.js';
import { findAliasCycle, findDepthOver, findNestingOver, findNonPlainTag, isStackOverflow } from '../yaml/budget.js';
import { aliasOffset, findNonNameKey, findProtoKey, unclosedQuoteOffset } from './yaml-scan.js';

export interface ConfigReadLimits {
  /** A config is a page of YAML; anything near this size is a mistake or an attack. */
  maxBytes: number;
  /**
   * Deepest nesting of lists and mappings (`[`, `{`, `- - -` or indentation).
   * The yaml parser recurses per level and, far beyond its own guard, can
   * exhaust memory instead of throwing.
   */
  maxDepth: number;
  /** Alias expansions allowed per document (billion-laughs guard). */
  maxAliasCount: number;
}

export const defaultConfigReadLimits: ConfigReadLimits = { maxBytes: 1024 * 1024, maxDepth: 200, maxAliasCount: 100 };

/** How messages name the kind of file and the keys it needs; `.github/ladder.yml`'s when not given. */
export interface ConfigFileKind {
  /** e.g. `a Ladder config` */
  name: string;
  /** Keys every file needs, in words: `service, image, manifests and environments`. */
  requiredKeys: string;
  /** Keys to name as examples of what the mapping holds. */
  exampleKeys: string;
}

export const ladderConfigKind: ConfigFileKind = { name: 'a Ladder config', requiredKeys: 'service, image, manifests and environments', exampleKeys: 'service and environments' };

export type ReadConfigYaml =
  | { ok: true; value: Record<string, unknown>; locate: Locate }
  | { ok: false; problems: ConfigProblem[] };

/**
 * Turns the text of a config file into plain data, or into problems with
 * line and column: size, nesting, YAML syntax, duplicate keys, unknown tags,
 * aliases, an empty file, or a document that is not a mapping.
 */
export function readConfigYaml(text: string, limits: ConfigReadLimits = defaultConfigReadLimits, kind: ConfigFileKind = ladderConfigKind): ReadConfigYaml {
  const fail = (message: string, line = 1, column = 1, key = ''): ReadConfigYaml => ({ ok: false, problems: [{ message, key, line, column }] });

  const bytes = Buffer.byteLength(text);
  if (bytes > limits.maxBytes) return fail(`file is ${bytes} bytes; ${kind.name} may be at most ${limits.maxBytes} bytes`);
  const deepText = findNestingOver(text, limits.maxDepth);
  if (deepText) return fail(nestedTooDeep(limits), deepText.line, deepText.column);

  const lineCounter = new LineCounter();
  let doc: Document;
  try {
    // logLevel 'error': the parser would otherwise print warnings to the
    // process (e.g. for a mapping used as a key); they are problems here.
    doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false, strict: true, merge: true, logLevel: 'error' });
  } catch (error) {
    // The parser reports problems as errors on the document; a throw is a bug
    // in it, and the user still deserves a located answer rather than a crash.
    return fail(`could not read the file as YAML: ${firstLine(error)}`);
  }

  // After the first syntax error the parser's view of the rest is guesswork,
  // and its further errors (duplicate keys included) are mostly echoes. In a
  // well-formed file, each duplicate key and unknown tag is a problem of its own.
  const syntax = doc.errors.find((error) => error.code !== 'DUPLICATE_KEY');
  if (syntax && isStackOverflow(syntax.message)) {
    const { line, col } = lineCounter.linePos(syntax.pos[0]);
    return fail(nestedTooDeep(limits), line, col);
  }
  const reported = syntax ? [syntax] : [...doc.errors, ...doc.warnings];
  const yamlProblems = reported.map((problem) => fromYamlProblem(problem, doc, lineCounter, text));
  if (yamlProblems.length > 0) return { ok: false, problems: yamlProblems };

  // Structure before content: the later scans walk the tree recursively, so its depth comes first,
  // then cycles (which make every walk of the value endless), then the depth of the value as loaded.
  const deep = findDepthOver(doc, limits.maxDepth, { followAliases: false });
  if (deep !== undefined) return failAt(nestedTooDeep(limits), deep, doc, lineCounter);
  const cycle = findAliasCycle(doc);
  if (cycle) return failAt(`alias *${cycle.name} stands inside the value &${cycle.name} names, which makes an endless value; write the value out`, cycle.offset, doc, lineCounter);
  const deepExpanded = findDepthOver(doc, limits.maxDepth, { followAliases: true });
  if (deepExpanded !== undefined) return failAt(`${nestedTooDeep(limits)} once its aliases are expanded`, deepExpanded, doc, lineCounter);
  const tagged = findNonPlainTag(doc);
  if (tagged) {
    const message = `the tag ${tagged.tag} makes something other than plain data (text, a number, true/false, a list or a mapping); remove it`;
    return failAt(message, tagged.offset, doc, lineCounter);
  }

  const locate = configLocator(doc, lineCounter);
  if (doc.contents === null) {
    return fail(`the file is empty; ${kind.name} needs at least ${kind.requiredKeys}`);
  }
  const badKey = findNonNameKey(doc);
  if (badKey) {
    const { line, col } = lineCounter.linePos(badKey.offset);
    const path = pathAtOffset(doc, badKey.offset);
    // An empty scalar key is found as a key named "null" or ""; the mapping holding it is the useful name.
    if (badKey.scalar) path.pop();
    return fail(badKey.message, line, col, formatKeyPath(path));
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: limits.maxAliasCount });
  } catch (error) {
    const offset = aliasOffset(doc) ?? (doc.contents.range?.[0] ?? 0);
    const { line, col } = lineCounter.linePos(offset);
    const reason = firstLine(error);
    const unresolved = /^Unresolved alias.*: (.+)$/.exec(reason);
    const message = /excessive alias count/i.test(reason)
      ? `aliases expand too far (more than ${limits.maxAliasCount} copies); write the values out or use fewer aliases`
      : unresolved
        ? `alias *${unresolved[1]} has no anchor &${unresolved[1]} before it`
        : reason;
    return fail(message, line, col, formatKeyPath(pathAtOffset(doc, offset)));
  }
  if (value === null || value === undefined) {
    return fail(`the file has no keys; ${kind.name} needs at least ${kind.requiredKeys}`);
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    const { line, column } = locate([]);
    return fail(`the file must be a mapping of keys such as ${kind.exampleKeys}, not ${describeKind(value)}`, line, column);
  }

  const unsafe = findProtoKey(value);
  if (unsafe) {
    const { line, column } = locate(unsafe, 'key');
    return fail("the key '__proto__' is not allowed", line, column, formatKeyPath(unsafe));
  }
  return { ok: true, value: value as Record<string, unknown>, locate };
}

function nestedTooDeep(limits: ConfigReadLimits): string {
  return `nested more than ${limits.maxDepth} levels deep`;
}

function failAt(message: string, offset: number, doc: Document, lineCounter: LineCounter): ReadConfigYaml {
  const { line, col } = lineCounter.linePos(offset);
  return { ok: false, problems: [{ message, key: formatKeyPath(pathAtOffset(doc, offset)), line, column: col }] };
}

function fromYamlProblem(problem: YAMLError | YAMLWarning, doc: Document, lineCounter: LineCounter, text: string): ConfigProblem {
  const offset = problem.pos[0];
  const { line, col } = lineCounter.linePos(offset);
  const path = pathAtOffset(doc, offset);
  const key = formatKeyPath(path);
  if (problem.code === 'MISSING_CHAR' && /quote/.test(problem.message)) {
    // The parser notices at the end of the file; the user needs the opening quote.
    const start = unclosedQuoteOffset(doc, offset);
    if (start !== undefined) {
      const at = lineCounter.linePos(start);
      return { message: 'this quoted string is never closed', key: formatKeyPath(pathAtOffset(doc, start)), line: at.line, column: at.col };
    }
  }
  switch (problem.code) {
    case 'DUPLICATE_KEY': {
      const name = path.length > 0 ? String(path[path.length - 1]) : text.slice(problem.pos[0], problem.pos[1]);
      return { message: `duplicate key${name ? ` '${name}'` : ''}; each key may appear once in a mapping`, key, line, column: col };
    }
    case 'MULTIPLE_DOCS':
      return { message: 'a config file holds one YAML document; remove the --- separator and what follows it', key: '', line, column: col };
    case 'TAG_RESOLVE_FAILED': {
      const tag = /tag: (.*)$/.exec(firstLine(problem))?.[1] ?? 'tag';
      return { message: `unknown tag ${tag}; Ladder knows only the standard YAML tags such as !!str`, key, line, column: col };
    }
    default:
      // In a broken document the key path is guesswork; the position is not.
      return { message: firstLine(problem), key: '', line, column: col };
  }
}

function describeKind(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `a ${typeof value}`;
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]!.trim();
}
