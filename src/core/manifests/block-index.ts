import { decodeDoubleQuoted, decodeSingleQuoted, readFlow } from './block-values.js';
import { resolvePlainScalar } from './scalars.js';

/**
 * One block-style YAML document read from its lines alone, in two passes:
 * - `readBlockDocument`, on every document, reads all of it and builds its
 *   value, exactly as the careful path (`yaml` with Kubernetes' scalars)
 *   builds it, or declines: it is the quick path's only parser;
 * - `locateInBlockDocument`, only for a document with a finding, reads it
 *   again as far as one path, and stops there, allocating nothing per node.
 * A tree of every node's position was built for every document before; all
 * documents of a large set then paid for the positions of the few that were
 * ever asked for.
 * Offsets match what `yaml` gives (`node.range[0]`): a mapping starts at its
 * first key, a sequence at its first `-`, a scalar or flow collection at its
 * first character, an empty value after its indicator and spaces.
 *
 * It reads the common shapes: block mappings and sequences, plain, quoted and
 * `|`/`>` block scalars, flow collections (as leaves: the caller leaves paths
 * into them to `yaml`). It gives `undefined` for anything else — explicit `?`
 * keys, tags, anchors, tabs where indentation ends, indentation indicators,
 * keys with escapes, duplicate keys — and, building values, for any value it
 * does not decode exactly (block-values.ts): multi-line plain and quoted
 * scalars, folding around blank or more-indented lines, flow collections
 * with comments or anything but quoted and simple plain scalars in them.
 * The caller then takes the careful path, which also reports every error.
 */

/**
 * A document the reader took: where it is in the text, and where its root
 * node starts. Its lines are split again only if a finding asks for a position.
 */
export interface BlockDocument {
  start: number;
  end: number;
  root: number;
}

/**
 * The lines of the document, in typed arrays: a Kubernetes object has dozens
 * of lines, and an object per line was most of what this reader allocated.
 */
interface Lines {
  count: number;
  start: Int32Array;
  /** Offset after the last character, before `\n` or `\r\n`. */
  end: Int32Array;
  /** Leading spaces. */
  indent: Int32Array;
  /**
   * BLANK: no content (empty, white space only, or a comment). TAB: content
   * after a tab where the indentation ends — indentation, which YAML forbids,
   * or separation? Read as structure, such a line is left to `yaml`; inside a
   * block scalar it is just text.
   */
  flags: Uint8Array;
}

const BLANK = 1;
const TAB_INDENT = 2;

class Unreadable extends Error {}
/** Thrown, without a stack, when the located node is reached: the rest of the document need not be read. */
class Found {
  constructor(readonly offset: number) {}
}
/** The path goes into a flow collection, which this reader treats as one node. */
const intoFlow = Symbol('into a flow collection');

type Path = readonly (string | number)[];

/**
 * The document between `start` and `end` of `text` and its value, if this
 * reader takes it; `undefined` otherwise.
 */
export function readBlockDocument(text: string, start: number, end: number): { block: BlockDocument; value: unknown } | undefined {
  scratch = splitLines(text, start, end, scratch);
  const reader = new BlockReader(text, scratch, true, []);
  try {
    const root = reader.readDocument();
    return { block: { start, end, root }, value: reader.value };
  } catch (error) {
    if (error instanceof Unreadable) return undefined;
    throw error;
  }
}

/**
 * Where the value at `path` starts in a document `readBlockDocument` took, or
 * where the deepest part of the path that exists starts; `undefined` when the
 * path goes into a flow collection.
 */
export function locateInBlockDocument(text: string, document: BlockDocument, path: Path): number | undefined {
  if (locatedDocument !== document) {
    locatedLines = splitLines(text, document.start, document.end, locatedLines);
    locatedDocument = document;
  }
  try {
    new BlockReader(text, locatedLines!, false, path).readDocument();
  } catch (outcome) {
    if (outcome instanceof Found) return outcome.offset;
    if (outcome === intoFlow) return undefined;
    throw outcome;
  }
  return document.root; // not reached: a read of a path ends at a node of it
}

const SPACE = 0x20;
const TAB = 0x09;
const HASH = 0x23;

/**
 * The lines every document is read from, reused: four typed arrays per
 * document were a fair share of what reading 10,000 manifests allocated.
 */
let scratch: Lines | undefined;
/**
 * The lines of the document last located in, reused the same way: a document's
 * findings are located one after another, and a set of 10,000 documents with a
 * warning each spent 20 ms allocating four arrays per document to locate them.
 */
let locatedDocument: BlockDocument | undefined;
let locatedLines: Lines | undefined;

/** The lines between `start` and `end`, in `into` when it has room (its arrays are then overwritten). */
function splitLines(text: string, start: number, end: number, into: Lines | undefined): Lines {
  let count = 0;
  for (let at = start; at < end; count++) {
    const next = text.indexOf('\n', at);
    at = next === -1 ? end : next + 1;
  }
  const lines: Lines = into && into.start.length >= count ? into : newLines(Math.max(count, into ? into.start.length * 2 : 0));
  lines.count = count;
  let lineStart = start;
  for (let i = 0; i < count; i++) {
    let next = text.indexOf('\n', lineStart);
    if (next === -1 || next > end) next = end;
    let lineEnd = next;
    if (lineEnd > lineStart && text.charCodeAt(lineEnd - 1) === 0x0d) lineEnd--;
    let indent = 0;
    while (lineStart + indent < lineEnd && text.charCodeAt(lineStart + indent) === SPACE) indent++;
    let first = lineStart + indent;
    while (first < lineEnd && text.charCodeAt(first) === TAB) first++;
    const blank = first === lineEnd || text.charCodeAt(first) === HASH;
    lines.start[i] = lineStart;
    lines.end[i] = lineEnd;
    lines.indent[i] = indent;
    lines.flags[i] = blank ? BLANK : first > lineStart + indent ? TAB_INDENT : 0;
    lineStart = next + 1;
  }
  return lines;
}

function newLines(capacity: number): Lines {
  return { count: 0, start: new Int32Array(capacity), end: new Int32Array(capacity), indent: new Int32Array(capacity), flags: new Uint8Array(capacity) };
}

/**
 * One read of a document. Building (`building`), each read leaves the value
 * of the node it read in `value`. Locating, `depth` is how much of `path`
 * leads to the node being read, or -1 when it is off the path.
 */
class BlockReader {
  /** The value of the node last read, when building. */
  value: unknown = null;
  /** The next line to read. */
  private next = 0;
  /** Set by `keyAt`: where the `:` after the key it found is. */
  private colon = 0;

  constructor(
    private readonly text: string,
    private readonly lines: Lines,
    private readonly building: boolean,
    private readonly path: Path,
  ) {}

  readDocument(): number {
    const first = this.skipBlank(0);
    if (first === this.lines.count) throw new Unreadable(); // an empty document has no node to index
    const root = this.readNodeOnOwnLine(first, -1, this.building ? -1 : 0);
    if (this.skipBlank(this.next) !== this.lines.count) throw new Unreadable();
    return root;
  }

  /** A node that starts at `at`: located if the path ends here (or, for a scalar, goes past it). */
  private arrive(at: number, depth: number, scalar: boolean): void {
    if (depth === this.path.length || (scalar && depth >= 0)) throw new Found(at);
  }

  private skipBlank(index: number): number {
    let i = index;
    while (i < this.lines.count && this.lines.flags[i]! & BLANK) i++;
    return i;
  }

  /** Whether line `index` exists; read as structure (a key, a `-`, the start of a node), it must not start with a tab. */
  private structural(index: number): boolean {
    if (index >= this.lines.count) return false;
    if (this.lines.flags[index]! & TAB_INDENT) throw new Unreadable();
    return true;
  }

  private contentStart(index: number): number {
    return this.lines.start[index]! + this.lines.indent[index]!;
  }

  /** A node that starts a line: the root, or a value below its key or `-`. */
  private readNodeOnOwnLine(index: number, parentIndent: number, depth: number): number {
    this.structural(index);
    const at = this.contentStart(index);
    if (this.isDash(at, index)) return this.readSequence(index, at, depth);
    const key = this.keyAt(at, index);
    if (key !== undefined) return this.readMapping(index, at, key, depth);
    return this.readLeaf(index, at, parentIndent, depth);
  }

  private readSequence(index: number, at: number, depth: number): number {
    this.arrive(at, depth, false);
    const items: unknown[] | undefined = this.building ? [] : undefined;
    const wanted = depth >= 0 ? this.path[depth] : undefined;
    const indent = at - this.lines.start[index]!;
    let count = 0;
    let lineIndex = index;
    let dash = at;
    for (;;) {
      this.readValue(lineIndex, dash + 1, indent, 'seq', wanted === count ? depth + 1 : -1);
      items?.push(this.value);
      count++;
      const following = this.skipBlank(this.next);
      const exists = this.structural(following);
      if (exists && this.lines.indent[following] === indent && this.isDash(this.contentStart(following), following)) {
        lineIndex = following;
        dash = this.contentStart(following);
        continue;
      }
      if (exists && this.lines.indent[following]! > indent) throw new Unreadable(); // a continuation line
      this.next = following;
      if (depth >= 0) throw new Found(at); // no such item
      this.value = items;
      return at;
    }
  }

  private readMapping(index: number, at: number, firstKey: string, depth: number): number {
    this.arrive(at, depth, false);
    const record: Record<string, unknown> | undefined = this.building ? {} : undefined;
    const wanted = depth >= 0 ? String(this.path[depth]) : undefined;
    const indent = at - this.lines.start[index]!;
    let lineIndex = index;
    let key: string | undefined = firstKey;
    for (;;) {
      if (key === undefined) throw new Unreadable();
      // A repeated key is an error the careful path reports; `__proto__` would set the object's prototype.
      if (record && (key === '__proto__' || Object.hasOwn(record, key))) throw new Unreadable();
      this.readValue(lineIndex, this.colon + 1, indent, 'map', key === wanted ? depth + 1 : -1);
      if (record) record[key] = this.value;
      const following = this.skipBlank(this.next);
      const exists = this.structural(following);
      if (exists && this.lines.indent[following] === indent && !this.isDash(this.contentStart(following), following)) {
        lineIndex = following;
        key = this.keyAt(this.contentStart(following), following);
        continue;
      }
      if (exists && this.lines.indent[following]! > indent) throw new Unreadable();
      this.next = following;
      if (depth >= 0) throw new Found(at); // no such key
      this.value = record;
      return at;
    }
  }

  /** The value after `-` or `key:`, inline or on the lines below. */
  private readValue(index: number, after: number, parentIndent: number, context: 'map' | 'seq', depth: number): number {
    const lineEnd = this.lines.end[index]!;
    let at = after;
    while (at < lineEnd && this.isBlankChar(at)) at++;
    if (at === lineEnd || this.text.charCodeAt(at) === HASH) {
      const below = this.skipBlank(index + 1);
      if (this.structural(below)) {
        const indent = this.lines.indent[below]!;
        if (indent > parentIndent || (context === 'map' && indent === parentIndent && this.isDash(this.contentStart(below), below))) {
          return this.readNodeOnOwnLine(below, parentIndent, depth);
        }
      }
      this.arrive(at, depth, true);
      this.next = index + 1;
      this.value = null;
      return at;
    }
    if (context === 'seq') {
      if (this.isDash(at, index)) return this.readSequence(index, at, depth);
      const key = this.keyAt(at, index);
      if (key !== undefined) return this.readMapping(index, at, key, depth);
    }
    return this.readLeaf(index, at, parentIndent, depth);
  }

  private readLeaf(index: number, at: number, parentIndent: number, depth: number): number {
    const lineEnd = this.lines.end[index]!;
    const c = this.text[at]!;
    const flow = c === '[' || c === '{';
    if (flow) {
      if (depth === this.path.length) throw new Found(at);
      if (depth >= 0) throw intoFlow;
    } else {
      this.arrive(at, depth, true);
    }
    if (c === '|' || c === '>') {
      let after = at + 1;
      const chomp = this.text[after];
      if (chomp === '-' || chomp === '+') after++;
      // Not followed by a blank: an explicit indentation indicator, for one.
      if (!this.isSpaceOrEnd(after, index)) throw new Unreadable();
      this.expectLineEnd(after, index);
      this.next = this.skipBlockScalar(index + 1, parentIndent);
      if (this.building) this.value = this.blockScalarValue(c === '>', chomp === '-' || chomp === '+' ? chomp : '', index + 1, this.next);
      return at;
    }
    if (c === '"' || c === "'" || flow) {
      const end = flow ? this.flowEnd(at) : this.quotedEnd(at);
      const last = this.lineOf(end, index);
      // `yaml` refuses continuation lines that are not indented past the parent.
      for (let i = index + 1; i <= last; i++) {
        if (this.lines.flags[i]! & TAB_INDENT || (this.lines.indent[i]! <= parentIndent && !this.isEmpty(i))) throw new Unreadable();
      }
      this.expectLineEnd(end, last);
      this.next = last + 1;
      if (this.building) {
        // Over several lines, a quoted scalar folds its lines: left to `yaml` (readFlow declines its own).
        if (!flow && last !== index) throw new Unreadable();
        const decoded = flow ? readFlow(this.text, at, end) : c === '"' ? decodeDoubleQuoted(this.text, at + 1, end - 1) : decodeSingleQuoted(this.text, at + 1, end - 1);
        if (decoded === undefined) throw new Unreadable();
        this.value = decoded.value;
      }
      return at;
    }
    if ('&*!%@`,]}#'.includes(c) || ('-?:'.includes(c) && this.isSpaceOrEnd(at + 1, index))) throw new Unreadable();
    let end = at;
    for (; end < lineEnd; end++) {
      const code = this.text.charCodeAt(end);
      if (code === HASH && this.isBlankChar(end - 1)) break;
      if (code === 0x3a /* : */ && this.isSpaceOrEnd(end + 1, index)) throw new Unreadable(); // `a: b: c`
    }
    // A plain scalar without a comment goes on over the lines below that are indented more than its parent.
    this.next = end < lineEnd ? index + 1 : this.skipPlainContinuation(index + 1, parentIndent);
    if (this.building) {
      // Lines that continue a plain scalar fold into it: left to `yaml`.
      for (let i = index + 1; i < this.next; i++) if (!this.isEmpty(i)) throw new Unreadable();
      while (end > at && this.isBlankChar(end - 1)) end--;
      const text = this.text.slice(at, end);
      const resolved = resolvePlainScalar(text);
      this.value = resolved ? resolved.value : text;
    }
    return at;
  }

  /**
   * The text of a block scalar whose lines are `first` up to `end` (as
   * `skipBlockScalar` found them: content, and empty lines of spaces), or
   * Unreadable for what is left to `yaml`: no content, an empty line with
   * more spaces than the content's indentation, the last line without a
   * line break, and folding around empty or more-indented lines.
   */
  private blockScalarValue(folded: boolean, chomp: '' | '-' | '+', first: number, end: number): string {
    let contentIndent = -1;
    let lastContent = -1;
    for (let i = first; i < end; i++) {
      if (this.isEmpty(i)) continue;
      if (contentIndent === -1) contentIndent = this.lines.indent[i]!;
      lastContent = i;
    }
    if (lastContent === -1) throw new Unreadable();
    // A line of more spaces than the content's indentation is content (spaces), even at the end.
    for (let i = first; i < end; i++) if (this.isEmpty(i) && this.lines.end[i]! - this.lines.start[i]! > contentIndent) throw new Unreadable();
    let text = '';
    let emptyRun = 0;
    let started = false;
    for (let i = first; i <= lastContent; i++) {
      const start = this.lines.start[i]!;
      if (this.isEmpty(i)) {
        if (folded) throw new Unreadable();
        emptyRun++;
        continue;
      }
      if (folded && (this.lines.indent[i]! > contentIndent || this.isBlankChar(start + contentIndent))) throw new Unreadable();
      const line = this.text.slice(start + contentIndent, this.lines.end[i]!);
      if (!started) text = '\n'.repeat(emptyRun) + line;
      else text += (folded ? ' ' : '\n'.repeat(emptyRun + 1)) + line;
      started = true;
      emptyRun = 0;
    }
    if (!this.hasBreakAfter(lastContent)) throw new Unreadable();
    if (chomp === '-') return text;
    if (chomp === '') return `${text}\n`;
    // Kept, the empty lines count as line breaks; a last one with no break after it (the file's end) is left to `yaml`.
    if (end - 1 > lastContent && !this.hasBreakAfter(end - 1)) throw new Unreadable();
    return `${text}\n${'\n'.repeat(end - lastContent - 1)}`;
  }

  /** The line after a block scalar's content: lines that are empty or indented more than the parent. */
  private skipBlockScalar(index: number, parentIndent: number): number {
    let i = index;
    let contentIndent = -1;
    let leadingBlankIndent = 0;
    for (; i < this.lines.count; i++) {
      const empty = this.isEmpty(i);
      // A line of blanks with a tab in a block scalar: `yaml` refuses some (`foo: |` then `\t`).
      if (empty && this.hasTab(i)) throw new Unreadable();
      const indent = this.lines.indent[i]!;
      if (!empty && indent <= parentIndent) break;
      if (contentIndent === -1) {
        if (empty) leadingBlankIndent = Math.max(leadingBlankIndent, indent);
        else contentIndent = indent;
      } else if (!empty && indent < contentIndent) {
        throw new Unreadable(); // less indented than the first line: the end of the scalar, and bad YAML after it
      }
    }
    // `yaml` wants an indentation indicator when leading empty lines are indented more than the content.
    if (contentIndent !== -1 && leadingBlankIndent > contentIndent) throw new Unreadable();
    return i;
  }

  /** The line after a plain scalar's continuation lines; a comment or `: ` among them is left to `yaml`. */
  private skipPlainContinuation(index: number, parentIndent: number): number {
    let i = index;
    for (; i < this.lines.count; i++) {
      if (this.isEmpty(i)) continue;
      if (this.lines.indent[i]! <= parentIndent) break;
      if (this.lines.flags[i]) throw new Unreadable(); // a comment or a tab
      for (let at = this.contentStart(i); at < this.lines.end[i]!; at++) {
        const code = this.text.charCodeAt(at);
        if ((code === HASH && this.isBlankChar(at - 1)) || (code === 0x3a && this.isSpaceOrEnd(at + 1, i))) throw new Unreadable();
      }
    }
    return i;
  }

  /** The line that holds `offset`, searching from line `from`. */
  private lineOf(offset: number, from: number): number {
    let i = from;
    while (i < this.lines.count - 1 && this.lines.end[i]! < offset) i++;
    return i;
  }

  /** Only blanks and a comment may follow a value on its line. */
  private expectLineEnd(at: number, index: number): void {
    const lineEnd = this.lines.end[index]!;
    let i = at;
    while (i < lineEnd && this.isBlankChar(i)) i++;
    if (i < lineEnd && !(this.text.charCodeAt(i) === HASH && i > at)) throw new Unreadable();
  }

  /** Offset after the closing quote, which may be on a later line of the document. */
  private quotedEnd(at: number): number {
    const quote = this.text[at];
    const limit = this.lines.end[this.lines.count - 1]!;
    for (let i = at + 1; i < limit; i++) {
      const c = this.text[i];
      if (quote === '"' && c === '\\') i++;
      else if (c === quote) {
        if (quote === "'" && this.text[i + 1] === "'") i++;
        else return i + 1;
      }
    }
    throw new Unreadable();
  }

  /** Offset after the bracket that closes the flow collection at `at`, which may be on a later line. */
  private flowEnd(at: number): number {
    const limit = this.lines.end[this.lines.count - 1]!;
    let depth = 0;
    for (let i = at; i < limit; i++) {
      const c = this.text[i]!;
      const before = this.text[i - 1] ?? ' ';
      if (c === '"' || c === "'") {
        // A quote starts a quoted scalar only at the start of a flow node; elsewhere it is text.
        if ('[{,: \t\r\n'.includes(before)) i = this.quotedEnd(i) - 1;
      } else if (c === '#' && ' \t\r\n'.includes(before)) {
        const newline = this.text.indexOf('\n', i);
        if (newline === -1 || newline >= limit) throw new Unreadable();
        i = newline;
      } else if (c === '[' || c === '{') depth++;
      else if (c === ']' || c === '}') {
        depth--;
        if (depth === 0) return i + 1;
      }
    }
    throw new Unreadable();
  }

  private hasBreakAfter(index: number): boolean {
    const after = this.text.charCodeAt(this.lines.end[index]!);
    return after === 0x0a || after === 0x0d;
  }

  private isDash(at: number, index: number): boolean {
    return this.text.charCodeAt(at) === 0x2d /* - */ && this.isSpaceOrEnd(at + 1, index);
  }

  private isBlankChar(at: number): boolean {
    const code = this.text.charCodeAt(at);
    return code === SPACE || code === TAB;
  }

  private isSpaceOrEnd(at: number, index: number): boolean {
    return at >= this.lines.end[index]! || this.isBlankChar(at);
  }

  private hasTab(index: number): boolean {
    const end = this.lines.end[index]!;
    for (let at = this.lines.start[index]!; at < end; at++) if (this.text.charCodeAt(at) === TAB) return true;
    return false;
  }

  private isEmpty(index: number): boolean {
    const end = this.lines.end[index]!;
    for (let at = this.lines.start[index]!; at < end; at++) if (!this.isBlankChar(at)) return false;
    return true;
  }

  /**
   * The key that starts at `at` (plain, or quoted without escapes), as a
   * JavaScript property name, if the line is a mapping entry; its `:` is left
   * in `this.colon`.
   */
  private keyAt(at: number, index: number): string | undefined {
    const lineEnd = this.lines.end[index]!;
    if (at >= lineEnd) return undefined;
    const c = this.text[at]!;
    let name: string;
    let colon: number;
    if (c === '"' || c === "'") {
      const close = this.text.indexOf(c, at + 1);
      if (close === -1 || close >= lineEnd) return undefined;
      colon = close + 1;
      while (colon < lineEnd && this.isBlankChar(colon)) colon++;
      if (this.text[colon] !== ':' || !this.isSpaceOrEnd(colon + 1, index)) return undefined;
      name = this.text.slice(at + 1, close);
      // Escapes (and `''` in single quotes) would make the key differ from its text.
      if ((c === '"' && name.includes('\\')) || (c === "'" && this.text[close + 1] === "'")) throw new Unreadable();
    } else {
      if ('[]{},#&*!|>%@`'.includes(c) || ('-?:'.includes(c) && this.isSpaceOrEnd(at + 1, index))) return undefined;
      colon = at;
      for (; colon < lineEnd; colon++) {
        const code = this.text.charCodeAt(colon);
        if (code === 0x3a && this.isSpaceOrEnd(colon + 1, index)) break;
        if (code === HASH && this.isBlankChar(colon - 1)) return undefined;
      }
      if (colon === lineEnd) return undefined;
      let end = colon;
      while (end > at && this.isBlankChar(end - 1)) end--;
      name = this.plainKey(at, end);
    }
    // `yaml` refuses implicit keys longer than 1024 characters.
    if (colon - at > 1024) throw new Unreadable();
    this.colon = colon;
    return name;
  }

  /**
   * The name of the plain key from `at` to `end`. Manifests repeat a few
   * dozen keys: one seen before is compared in place and the same string
   * given again, which spares a copy and a lookup in V8's string table.
   */
  private plainKey(at: number, end: number): string {
    const slot = this.slotOf(at, end);
    const cached = keyCache[slot];
    if (cached !== undefined && cached.length === end - at && this.text.startsWith(cached, at)) return cached;
    const text = this.text.slice(at, end);
    if (text.includes('\t')) throw new Unreadable();
    const resolved = resolvePlainScalar(text);
    // A null key: `yaml` names it "" (and Kubernetes refuses it); left to `yaml`.
    if (resolved?.value === null) throw new Unreadable();
    if (resolved) return String(resolved.value);
    keyCache[slot] = text; // only keys that are their own text
    return text;
  }

  private slotOf(at: number, end: number): number {
    return ((end - at) * 31 + this.text.charCodeAt(at) * 7 + this.text.charCodeAt(end - 1)) & 1023;
  }
}

/**
 * Plain keys read lately that are their own name (see `plainKey`), by a hash of length and ends.
 * Values were tried the same way and gave nothing: they repeat much less.
 */
const keyCache: (string | undefined)[] = new Array<string | undefined>(1024).fill(undefined);
