import { resolvePlainScalar } from './scalars.js';

/**
 * The values of one-line quoted scalars and of flow collections, for the block
 * reader (block-index.ts), decoded exactly as `yaml` decodes them, or
 * `undefined` for whatever is left to `yaml` (the careful path): escapes
 * other than the usual ones, and flow collections with anything but quoted
 * and simple plain scalars in them (see `readFlow`).
 */
export type Decoded = { value: unknown } | undefined;

const escapes: Record<string, string> = {
  '0': '\0', a: '\x07', b: '\b', t: '\t', '\t': '\t', n: '\n', v: '\v', f: '\f', r: '\r', e: '\x1b',
  ' ': ' ', '"': '"', '/': '/', '\\': '\\', N: '\u0085', _: '\u00a0', L: '\u2028', P: '\u2029',
};

/** The text between a `"` at `from - 1` and its closing `"` at `to`, on one line. */
export function decodeDoubleQuoted(text: string, from: number, to: number): Decoded {
  const raw = text.slice(from, to);
  if (!raw.includes('\\')) return { value: raw };
  let value = '';
  let copied = 0;
  for (let i = raw.indexOf('\\'); i !== -1; i = raw.indexOf('\\', copied)) {
    const escaped = escapes[raw[i + 1] ?? ''];
    // `\x`, `\u`, `\U` (code points) and a `\` before the line break are left to `yaml`.
    if (escaped === undefined) return undefined;
    value += raw.slice(copied, i) + escaped;
    copied = i + 2;
  }
  return { value: value + raw.slice(copied) };
}

/** The text between a `'` at `from - 1` and its closing `'` at `to`, on one line. */
export function decodeSingleQuoted(text: string, from: number, to: number): Decoded {
  const raw = text.slice(from, to);
  return { value: raw.includes("''") ? raw.replaceAll("''", "'") : raw };
}

// A plain scalar in a flow collection without anything that would need a second look:
// no indicator at its start, no `:`, `#`, quote, tab, line break or flow indicator inside.
const simplePlain = /^(?:[^-?:,[\]{}#&*!|>'"%@`\s]|-[^\s,[\]{}])[^,[\]{}#:'"\t\r\n]*$/;
/** Flow collections nested deeper are left to `yaml` (the reader recurses per level). */
const maxFlowDepth = 64;

/**
 * The flow collection from `at` to `end` (after its closing bracket), on one
 * line or several: nested `[...]` and `{key: value}` of quoted and simple plain
 * scalars, separated by spaces and line breaks. Left to `yaml`: comments, tabs,
 * empty entries and values, a trailing comma, `key:value` without a blank,
 * plain scalars with `:` or over several lines, quoted ones over several lines,
 * null, repeated and `__proto__` keys.
 */
export function readFlow(text: string, at: number, end: number): Decoded {
  const reader = new FlowReader(text, end);
  reader.at = at;
  const value = reader.node(0);
  if (value === undeclined) return undefined;
  reader.skipSpace();
  return reader.at === end ? { value } : undefined;
}

/** Said by a FlowReader step that leaves the collection to `yaml`. */
const undeclined = Symbol('left to yaml');

class FlowReader {
  at = 0;

  constructor(
    private readonly text: string,
    private readonly end: number,
  ) {}

  skipSpace(): void {
    while (this.at < this.end) {
      const c = this.text.charCodeAt(this.at);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d) return;
      this.at++;
    }
  }

  node(depth: number): unknown {
    if (depth > maxFlowDepth) return undeclined;
    const c = this.text[this.at];
    if (c === '[') return this.sequence(depth);
    if (c === '{') return this.mapping(depth);
    const scalar = this.scalar(false);
    return scalar === undeclined ? undeclined : scalar.value;
  }

  private sequence(depth: number): unknown {
    this.at++;
    const items: unknown[] = [];
    this.skipSpace();
    if (this.text[this.at] === ']') {
      this.at++;
      return items;
    }
    for (;;) {
      const item = this.node(depth + 1);
      if (item === undeclined) return undeclined;
      items.push(item);
      const next = this.separator(']');
      if (next !== 'more') return next === 'end' ? items : undeclined;
    }
  }

  private mapping(depth: number): unknown {
    this.at++;
    const record: Record<string, unknown> = {};
    this.skipSpace();
    if (this.text[this.at] === '}') {
      this.at++;
      return record;
    }
    for (;;) {
      const key = this.scalar(true);
      if (key === undeclined) return undeclined;
      const name = key.name;
      if (name === undefined || name === '__proto__' || Object.hasOwn(record, name)) return undeclined;
      // `key: value`, the value after a blank or a line break.
      if (this.text[this.at] !== ':' || !' \r\n'.includes(this.text[this.at + 1] ?? '')) return undeclined;
      this.at++;
      this.skipSpace();
      const value = this.node(depth + 1);
      if (value === undeclined) return undeclined;
      record[name] = value;
      const next = this.separator('}');
      if (next !== 'more') return next === 'end' ? record : undeclined;
    }
  }

  /** After an entry: `,` and another entry, or the closing bracket. */
  private separator(close: string): 'more' | 'end' | 'other' {
    this.skipSpace();
    const c = this.text[this.at];
    if (c === close) {
      this.at++;
      return 'end';
    }
    if (c !== ',') return 'other';
    this.at++;
    this.skipSpace();
    // `[a, ]`: a trailing comma, which `yaml` allows and this reader leaves to it.
    const after = this.text[this.at];
    return after === ']' || after === '}' || after === ',' ? 'other' : 'more';
  }

  /** A quoted or plain scalar; as a key, its name as `yaml` gives it (undefined for a null key). */
  private scalar(key: boolean): { value: unknown; name?: string | undefined } | typeof undeclined {
    const c = this.text[this.at];
    if (c === '"' || c === "'") {
      const close = closingQuote(this.text, this.at, this.end);
      if (close === -1) return undeclined;
      const raw = this.text.slice(this.at + 1, close);
      if (raw.includes('\n') || raw.includes('\r')) return undeclined;
      const decoded = c === '"' ? decodeDoubleQuoted(this.text, this.at + 1, close) : decodeSingleQuoted(this.text, this.at + 1, close);
      if (decoded === undefined) return undeclined;
      this.at = close + 1;
      if (key) this.skipBlanks();
      return { value: decoded.value, name: decoded.value as string };
    }
    let stop = this.at;
    while (stop < this.end && !',[]{}\r\n'.includes(this.text[stop]!) && !(key && this.text[stop] === ':')) stop++;
    let last = stop;
    while (last > this.at && this.text[last - 1] === ' ') last--;
    const plain = this.text.slice(this.at, last);
    if (!simplePlain.test(plain)) return undeclined;
    this.at = last;
    if (key) this.skipBlanks();
    const resolved = resolvePlainScalar(plain);
    if (!resolved) return { value: plain, name: plain };
    return { value: resolved.value, name: resolved.value === null ? undefined : String(resolved.value) };
  }

  /** Spaces between a key and its `:`. */
  private skipBlanks(): void {
    while (this.at < this.end && this.text[this.at] === ' ') this.at++;
  }
}

/** The index of the quote that closes the one opened at `at`, before `end`, or -1. */
function closingQuote(text: string, at: number, end: number): number {
  const quote = text[at];
  for (let i = at + 1; i < end; i++) {
    const c = text[i];
    if (quote === '"' && c === '\\') i++;
    else if (c === quote) {
      if (quote === "'" && text[i + 1] === "'") i++;
      else return i;
    }
  }
  return -1;
}
