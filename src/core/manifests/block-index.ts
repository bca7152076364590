import { resolvePlainScalar } from './scalars.js';

/**
 * Where the nodes of one block-style YAML document start, read from its lines
 * alone — several times cheaper than composing it with the `yaml` package,
 * which matters because every document with a finding needs positions.
 * Offsets match what `yaml` gives (`node.range[0]`): a mapping starts at its
 * first key, a sequence at its first `-`, a scalar or flow collection at its
 * first character, an empty value after its indicator and spaces.
 *
 * It reads the common shapes: block mappings and sequences, plain, quoted and
 * `|`/`>` block scalars, flow collections (as leaves: the caller leaves paths
 * into them to `yaml`). It gives `undefined` for anything else — explicit `?`
 * keys, tags, anchors, tabs where indentation ends, indentation indicators,
 * keys with escapes — and for what `yaml` would refuse but js-yaml lets
 * through, such as a multi-line flow collection or quoted scalar that is not
 * indented past its parent; the caller then takes the careful path.
 */
export type BlockNode =
  | { kind: 'map'; offset: number; entries: Map<string, BlockNode> }
  | { kind: 'seq'; offset: number; items: BlockNode[] }
  | { kind: 'scalar' | 'flow'; offset: number };

interface Line {
  start: number;
  /** Offset after the last character, before `\n` or `\r\n`. */
  end: number;
  /** Leading spaces. */
  indent: number;
  /** No content: empty, white space only, or a comment. */
  blank: boolean;
  /**
   * Content after a tab where the indentation ends: indentation, which YAML
   * forbids, or separation? Read as structure, such a line is left to `yaml`;
   * inside a block scalar it is just text.
   */
  tab: boolean;
}

class Unreadable extends Error {}

/** The document between `start` and `end` of `text`, or `undefined` when this reader does not take it. */
export function indexBlockDocument(text: string, start: number, end: number): BlockNode | undefined {
  try {
    return new BlockReader(text, splitLines(text, start, end)).readDocument();
  } catch (error) {
    if (error instanceof Unreadable) return undefined;
    throw error;
  }
}

const SPACE = 0x20;
const TAB = 0x09;
const HASH = 0x23;

function splitLines(text: string, start: number, end: number): Line[] {
  const lines: Line[] = [];
  let lineStart = start;
  while (lineStart < end) {
    let next = text.indexOf('\n', lineStart);
    if (next === -1 || next > end) next = end;
    let lineEnd = next;
    if (lineEnd > lineStart && text.charCodeAt(lineEnd - 1) === 0x0d) lineEnd--;
    let indent = 0;
    while (lineStart + indent < lineEnd && text.charCodeAt(lineStart + indent) === SPACE) indent++;
    let first = lineStart + indent;
    while (first < lineEnd && text.charCodeAt(first) === TAB) first++;
    const blank = first === lineEnd || text.charCodeAt(first) === HASH;
    lines.push({ start: lineStart, end: lineEnd, indent, blank, tab: !blank && first > lineStart + indent });
    lineStart = next + 1;
  }
  return lines;
}

class BlockReader {
  /** The next line to read. */
  private next = 0;

  constructor(private readonly text: string, private readonly lines: Line[]) {}

  readDocument(): BlockNode {
    const first = this.skipBlank(0);
    if (first === this.lines.length) throw new Unreadable(); // an empty document has no node to index
    const root = this.readNodeOnOwnLine(first, -1);
    if (this.skipBlank(this.next) !== this.lines.length) throw new Unreadable();
    return root;
  }

  private skipBlank(index: number): number {
    let i = index;
    while (i < this.lines.length && this.lines[i]!.blank) i++;
    return i;
  }

  /** A line read as structure (a key, a `-`, the start of a node). */
  private structural(index: number): Line | undefined {
    const line = this.lines[index];
    if (line?.tab) throw new Unreadable();
    return line;
  }

  /** A node that starts a line: the root, or a value below its key or `-`. */
  private readNodeOnOwnLine(index: number, parentIndent: number): BlockNode {
    const line = this.structural(index)!;
    const at = line.start + line.indent;
    if (this.isDash(at, line)) return this.readSequence(index, at);
    const key = this.keyAt(at, line);
    if (key) return this.readMapping(index, at, key);
    return this.readLeaf(index, at, parentIndent);
  }

  private readSequence(index: number, at: number): BlockNode {
    const indent = at - this.lines[index]!.start;
    const items: BlockNode[] = [];
    let lineIndex = index;
    let dash = at;
    for (;;) {
      items.push(this.readValue(lineIndex, dash + 1, indent, 'seq'));
      const following = this.skipBlank(this.next);
      const line = this.structural(following);
      if (line && line.indent === indent && this.isDash(line.start + indent, line)) {
        lineIndex = following;
        dash = line.start + indent;
        continue;
      }
      if (line && line.indent > indent) throw new Unreadable(); // a continuation line
      this.next = following;
      return { kind: 'seq', offset: at, items };
    }
  }

  private readMapping(index: number, at: number, firstKey: Key): BlockNode {
    const indent = at - this.lines[index]!.start;
    const entries = new Map<string, BlockNode>();
    let lineIndex = index;
    let key: Key | undefined = firstKey;
    for (;;) {
      if (!key || entries.has(key.name)) throw new Unreadable();
      entries.set(key.name, this.readValue(lineIndex, key.colon + 1, indent, 'map'));
      const following = this.skipBlank(this.next);
      const line = this.structural(following);
      if (line && line.indent === indent && !this.isDash(line.start + indent, line)) {
        lineIndex = following;
        key = this.keyAt(line.start + indent, line);
        continue;
      }
      if (line && line.indent > indent) throw new Unreadable();
      this.next = following;
      return { kind: 'map', offset: at, entries };
    }
  }

  /** The value after `-` or `key:`, inline or on the lines below. */
  private readValue(index: number, after: number, parentIndent: number, context: 'map' | 'seq'): BlockNode {
    const line = this.lines[index]!;
    let at = after;
    while (at < line.end && this.isBlankChar(at)) at++;
    if (at === line.end || this.text.charCodeAt(at) === HASH) {
      const below = this.skipBlank(index + 1);
      const next = this.structural(below);
      if (next && (next.indent > parentIndent || (context === 'map' && next.indent === parentIndent && this.isDash(next.start + next.indent, next)))) {
        return this.readNodeOnOwnLine(below, parentIndent);
      }
      this.next = index + 1;
      return { kind: 'scalar', offset: at };
    }
    if (context === 'seq') {
      if (this.isDash(at, line)) return this.readSequence(index, at);
      const key = this.keyAt(at, line);
      if (key) return this.readMapping(index, at, key);
    }
    return this.readLeaf(index, at, parentIndent);
  }

  private readLeaf(index: number, at: number, parentIndent: number): BlockNode {
    const line = this.lines[index]!;
    const c = this.text[at]!;
    if (c === '|' || c === '>') {
      let after = at + 1;
      if (this.text[after] === '-' || this.text[after] === '+') after++;
      // Not followed by a blank: an explicit indentation indicator, for one.
      if (!this.isSpaceOrEnd(after, line)) throw new Unreadable();
      this.expectLineEnd(after, line);
      this.next = this.skipBlockScalar(index + 1, parentIndent);
      return { kind: 'scalar', offset: at };
    }
    if (c === '"' || c === "'" || c === '[' || c === '{') {
      const end = c === '[' || c === '{' ? this.flowEnd(at) : this.quotedEnd(at);
      const last = this.lineOf(end, index);
      // `yaml` refuses continuation lines that are not indented past the parent; js-yaml does not.
      for (let i = index + 1; i <= last; i++) {
        const continuation = this.lines[i]!;
        if (continuation.tab || (continuation.indent <= parentIndent && !this.isEmpty(continuation))) throw new Unreadable();
      }
      this.expectLineEnd(end, this.lines[last]!);
      this.next = last + 1;
      return { kind: c === '[' || c === '{' ? 'flow' : 'scalar', offset: at };
    }
    if ('&*!%@`,]}#'.includes(c) || ('-?:'.includes(c) && this.isSpaceOrEnd(at + 1, line))) throw new Unreadable();
    let end = at;
    for (; end < line.end; end++) {
      const code = this.text.charCodeAt(end);
      if (code === HASH && this.isBlankChar(end - 1)) break;
      if (code === 0x3a /* : */ && this.isSpaceOrEnd(end + 1, line)) throw new Unreadable(); // `a: b: c`
    }
    // A plain scalar without a comment goes on over the lines below that are indented more than its parent.
    this.next = end < line.end ? index + 1 : this.skipPlainContinuation(index + 1, parentIndent);
    return { kind: 'scalar', offset: at };
  }

  /** The line after a block scalar's content: lines that are empty or indented more than the parent. */
  private skipBlockScalar(index: number, parentIndent: number): number {
    let i = index;
    let contentIndent = -1;
    let leadingBlankIndent = 0;
    for (; i < this.lines.length; i++) {
      const line = this.lines[i]!;
      const empty = this.isEmpty(line);
      if (!empty && line.indent <= parentIndent) break;
      if (contentIndent === -1) {
        if (empty) leadingBlankIndent = Math.max(leadingBlankIndent, line.indent);
        else contentIndent = line.indent;
      } else if (!empty && line.indent < contentIndent) {
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
    for (; i < this.lines.length; i++) {
      const line = this.lines[i]!;
      if (this.isEmpty(line)) continue;
      if (line.indent <= parentIndent) break;
      if (line.tab || line.blank) throw new Unreadable();
      for (let at = line.start + line.indent; at < line.end; at++) {
        const code = this.text.charCodeAt(at);
        if ((code === HASH && this.isBlankChar(at - 1)) || (code === 0x3a && this.isSpaceOrEnd(at + 1, line))) throw new Unreadable();
      }
    }
    return i;
  }

  /** The line that holds `offset`, searching from line `from`. */
  private lineOf(offset: number, from: number): number {
    let i = from;
    while (i < this.lines.length - 1 && this.lines[i]!.end < offset) i++;
    return i;
  }

  /** Only blanks and a comment may follow a value on its line. */
  private expectLineEnd(at: number, line: Line): void {
    let i = at;
    while (i < line.end && this.isBlankChar(i)) i++;
    if (i < line.end && !(this.text.charCodeAt(i) === HASH && i > at)) throw new Unreadable();
  }

  /** Offset after the closing quote, which may be on a later line of the document. */
  private quotedEnd(at: number): number {
    const quote = this.text[at];
    const limit = this.lines.at(-1)!.end;
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
    const limit = this.lines.at(-1)!.end;
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

  private isDash(at: number, line: Line): boolean {
    return this.text.charCodeAt(at) === 0x2d /* - */ && this.isSpaceOrEnd(at + 1, line);
  }

  private isBlankChar(at: number): boolean {
    const code = this.text.charCodeAt(at);
    return code === SPACE || code === TAB;
  }

  private isSpaceOrEnd(at: number, line: Line): boolean {
    return at >= line.end || this.isBlankChar(at);
  }

  private isEmpty(line: Line): boolean {
    for (let at = line.start; at < line.end; at++) if (!this.isBlankChar(at)) return false;
    return true;
  }

  /** The key that starts at `at` (plain, or quoted without escapes) and its `:`, if the line is a mapping entry. */
  private keyAt(at: number, line: Line): Key | undefined {
    if (at >= line.end) return undefined;
    const c = this.text[at]!;
    let key: Key | undefined;
    if (c === '"' || c === "'") {
      const close = this.text.indexOf(c, at + 1);
      if (close === -1 || close >= line.end) return undefined;
      let colon = close + 1;
      while (colon < line.end && this.isBlankChar(colon)) colon++;
      if (this.text[colon] !== ':' || !this.isSpaceOrEnd(colon + 1, line)) return undefined;
      const name = this.text.slice(at + 1, close);
      // Escapes (and `''` in single quotes) would make the key differ from its text.
      if ((c === '"' && name.includes('\\')) || (c === "'" && this.text[close + 1] === "'")) throw new Unreadable();
      key = { name, colon };
    } else {
      if ('[]{},#&*!|>%@`'.includes(c) || ('-?:'.includes(c) && this.isSpaceOrEnd(at + 1, line))) return undefined;
      let colon = at;
      for (; colon < line.end; colon++) {
        const code = this.text.charCodeAt(colon);
        if (code === 0x3a && this.isSpaceOrEnd(colon + 1, line)) break;
        if (code === HASH && this.isBlankChar(colon - 1)) return undefined;
      }
      if (colon === line.end) return undefined;
      let end = colon;
      while (end > at && this.isBlankChar(end - 1)) end--;
      const text = this.text.slice(at, end);
      if (text.includes('\t')) throw new Unreadable();
      const resolved = resolvePlainScalar(text);
      // A null key: `yaml` names it "", js-yaml "null" (and Kubernetes refuses it).
      if (resolved?.value === null) throw new Unreadable();
      key = { name: resolved ? String(resolved.value) : text, colon };
    }
    // `yaml` refuses implicit keys longer than 1024 characters.
    if (key.colon - at > 1024) throw new Unreadable();
    return key;
  }
}

interface Key {
  /** The key as a JavaScript property name (what `String(key)` gives for a boolean or number key). */
  name: string;
  /** Offset of the `:` after it. */
  colon: number;
}
