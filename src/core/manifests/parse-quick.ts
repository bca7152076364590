import { locateInBlockDocument, readBlockDocument, type BlockDocument } from './block-index.js';
import { documentLocator, type KubeObject, type ManifestDocument, type Position } from './document.js';
import { composeYamlDocuments, type YamlDocuments } from './parse-yaml.js';

/**
 * The quick path: the block reader (block-index.ts) builds each document's
 * value in one pass over its lines, as the careful path (`yaml`, parse-yaml.ts)
 * would build it, and finds where a node starts when a finding asks. Returns
 * `undefined` — and the caller takes the careful path — for anything it
 * should not decide itself:
 * - anything the block reader declines: every shape or value it does not
 *   read exactly as `yaml` does, duplicate keys, and any syntax error, so
 *   every finding about bad YAML comes from the careful path, with its
 *   wording and position (the reader's list is in block-index.ts);
 * - a possible anchor: the careful path expands aliases under a budget
 *   (billion laughs);
 * - a collection as a key, `<<` (merge keys), directives, `...`, a
 *   byte-order mark, a `---` line with content, a lone CR, a character YAML
 *   does not allow in a document: rare, and the careful path handles them exactly;
 * - a document that is not a mapping, which is a finding.
 * Positions are not computed here: the block reader finds one when a
 * finding asks for it (most documents of a large set have none).
 * The textual checks are conservative: a false alarm only costs speed.
 * test/unit/manifests-parse-paths.test.ts holds both paths to the same
 * answer on fixtures, shapes and thousands of generated documents.
 */
export function parseQuickly(text: string, file: string): ManifestDocument[] | undefined {
  if (needsCarefulParse(text)) return undefined;
  const segments = splitDocuments(text);
  if (!segments) return undefined;
  let source: SourceText | undefined;
  const documents: ManifestDocument[] = [];
  // Where each document starts, counted on from the one before: the lines before it, once.
  let line = 1;
  let lineStart = 0;
  for (let index = 0; index < segments.length; index++) {
    const segment = segments[index]!;
    // An empty document is skipped, and counted, as `yaml` counts it.
    if (!hasContent(text, segment.start, segment.end)) continue;
    const read = readBlockDocument(text, segment.start, segment.end);
    if (!read || typeof read.value !== 'object' || read.value === null || Array.isArray(read.value)) return undefined;
    const { root } = read.block;
    for (let newline = text.indexOf('\n', lineStart); newline !== -1 && newline < root; newline = text.indexOf('\n', newline + 1)) {
      line++;
      lineStart = newline + 1;
    }
    source ??= new SourceText(text);
    documents.push(new QuickDocument(file, index, read.value as KubeObject, { line, column: root - lineStart + 1 }, read.block, source));
  }
  return documents;
}

const anchor = /(?:^|[\s,[{])&[^\s,[\]{}]/;
// A collection as a key (`[a]: b`, `? [a]`): `yaml` turns it into a string with a warning, and
// Kubernetes refuses it. Inside a flow collection (`{{ .Values }}`, `{[a]: b}`) the block reader's
// flow reader declines such a key itself, so nested collections (`[{a: 1}]`) are not flagged here.
const complexKey = /[}\]][ \t]*:(?:[ \t\r]|$)|(?:^|[\s,[{])\?(?:[ \t\r]|$)/m;

// Characters YAML does not allow in a document (C0 and C1 controls but tab and line breaks, a BOM
// inside, non-characters, lone surrogates), and the breaks YAML 1.1 knows and 1.2 does not.
const notAllowed = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

// Every character the checks below start from but the dots of `...`, in one class: most manifests
// have none, and one scan answers for them (nine scans of the text did before).
const anyCheckNeeded = /[&[{?<\r%\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]/;

function needsCarefulParse(text: string): boolean {
  if (!anyCheckNeeded.test(text) && !text.includes('...')) return false;
  // Each pattern runs only when the character it needs is there.
  const has = (character: string): boolean => text.includes(character);
  return (
    text.charCodeAt(0) === 0xfeff ||
    (has('&') && anchor.test(text)) ||
    ((has('[') || has('{') || has('?')) && complexKey.test(text)) ||
    has('<<') ||
    (has('\r') && /\r(?!\n)/.test(text)) ||
    notAllowed.test(text) ||
    ((has('%') || has('...')) && /^(?:%|\.\.\.(?:[ \t\r]|$))/m.test(text))
  );
}

interface Segment {
  /** Offset of the document's first line (after its `---` line). */
  start: number;
  end: number;
}

/**
 * The documents of a file by its `---` lines, numbered as `yaml` numbers
 * them: text before the first `---` is a document only if it has content.
 * `undefined` for a `---` line that carries content (`--- |`, `--- !tag`).
 */
function splitDocuments(text: string): Segment[] | undefined {
  const markers: { start: number; end: number }[] = [];
  if (text.includes('---')) {
    for (const match of text.matchAll(/^---(?=[ \t\r\n]|$).*$/gm)) {
      if (!/^---[ \t]*(?:#.*)?\r?$/.test(match[0])) return undefined;
      markers.push({ start: match.index, end: Math.min(text.length, match.index + match[0].length + 1) });
    }
  }
  const segments: Segment[] = [];
  const firstEnd = markers[0]?.start ?? text.length;
  if (hasContent(text, 0, firstEnd)) segments.push({ start: 0, end: firstEnd });
  markers.forEach((marker, i) => segments.push({ start: marker.end, end: markers[i + 1]?.start ?? text.length }));
  return segments;
}

/** Whether a line between `start` and `end` has anything but blanks and a comment. */
function hasContent(text: string, start: number, end: number): boolean {
  let lineStart = true;
  for (let at = start; at < end; at++) {
    const code = text.charCodeAt(at);
    if (code === 0x0a) lineStart = true;
    else if (lineStart && code !== 0x20 && code !== 0x09 && code !== 0x0d) {
      if (code !== 0x23 /* # */) return true;
      lineStart = false;
    }
  }
  return false;
}

/** The file's text with what positions need, each computed once and shared by its documents. */
class SourceText {
  private lineStarts: number[] | undefined;
  private composed: YamlDocuments | undefined;

  constructor(readonly text: string) {}

  positionAt(offset: number): Position {
    const starts = (this.lineStarts ??= lineStartsOf(this.text));
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - starts[low]! + 1 };
  }

  /** The file composed by `yaml`, for paths into flow collections. */
  yamlDocuments(): YamlDocuments {
    this.composed ??= composeYamlDocuments(this.text);
    return this.composed;
  }
}

function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let newline = text.indexOf('\n'); newline !== -1; newline = text.indexOf('\n', newline + 1)) starts.push(newline + 1);
  return starts;
}

/**
 * A document the quick path read. A class, not an object with closures per
 * document: most documents of a large set are never asked for a position.
 * Its own enumerable properties are the data (file, index, object, start).
 */
class QuickDocument implements ManifestDocument {
  readonly #block: BlockDocument;
  readonly #source: SourceText;
  #yamlLocate: ManifestDocument['positionOf'] | undefined;

  constructor(
    readonly file: string,
    readonly index: number,
    readonly object: KubeObject,
    readonly start: Position,
    block: BlockDocument,
    source: SourceText,
  ) {
    this.#block = block;
    this.#source = source;
  }

  positionOf(path: readonly (string | number)[]): Position {
    const offset = locateInBlockDocument(this.#source.text, this.#block, path);
    return offset === undefined ? this.#locateWithYaml(path) : this.#source.positionAt(offset);
  }

  /** The block reader treats a flow collection (`[a, b]`, `{a: 1}`) as one node; `yaml` finds what is inside. */
  #locateWithYaml(path: readonly (string | number)[]): Position {
    if (!this.#yamlLocate) {
      const { documents, lineCounter } = this.#source.yamlDocuments();
      const doc = documents[this.index];
      this.#yamlLocate = doc ? documentLocator(doc, lineCounter) : () => this.start;
    }
    return this.#yamlLocate(path);
  }
}
