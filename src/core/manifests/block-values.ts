import { resolvePlainScalar } from './scalars.js';

/**
 * The values of one-line quoted scalars and flow collections, for the block
 * reader (block-index.ts), decoded exactly as `yaml` decodes them, or
 * `undefined` for whatever is left to `yaml` (the careful path): escapes
 * other than the usual ones, and flow collections other than `{}` and a list
 * of scalars. Manifests rarely have either.
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

const BLANK = /^[ \t]*$/;
// A plain scalar in a flow collection without anything that would need a second look:
// no indicator at its start, no `:`, `#`, quote, tab or flow indicator inside.
const simplePlain = /^(?:[^-?:,[\]{}#&*!|>'"%@`\s]|-[^\s,[\]{}])[^,[\]{}#:'"\t]*$/;

/** The flow collection from `at` to `end` (after its closing bracket), on one line: `{}`, `[]` or a list of scalars. */
export function readOneLineFlow(text: string, at: number, end: number): Decoded {
  const inner = text.slice(at + 1, end - 1);
  if (BLANK.test(inner)) return { value: text[at] === '[' ? [] : {} };
  if (text[at] !== '[') return undefined;
  const items: unknown[] = [];
  let i = 0;
  for (;;) {
    while (inner[i] === ' ') i++;
    const c = inner[i];
    let item: Decoded;
    if (c === '"' || c === "'") {
      const close = closingQuote(inner, i);
      if (close === -1) return undefined;
      item = c === '"' ? decodeDoubleQuoted(inner, i + 1, close) : decodeSingleQuoted(inner, i + 1, close);
      i = close + 1;
      while (inner[i] === ' ') i++;
    } else {
      let comma = inner.indexOf(',', i);
      if (comma === -1) comma = inner.length;
      const plain = inner.slice(i, comma).trimEnd();
      if (!simplePlain.test(plain)) return undefined;
      const resolved = resolvePlainScalar(plain);
      item = { value: resolved ? resolved.value : plain };
      i = comma;
    }
    if (item === undefined) return undefined;
    items.push(item.value);
    if (i === inner.length) return { value: items };
    if (inner[i] !== ',') return undefined;
    i++;
  }
}

/** The index of the quote that closes the one opened at `at`, or -1. */
function closingQuote(text: string, at: number): number {
  const quote = text[at];
  for (let i = at + 1; i < text.length; i++) {
    const c = text[i];
    if (quote === '"' && c === '\\') i++;
    else if (c === quote) {
      if (quote === "'" && text[i + 1] === "'") i++;
      else return i;
    }
  }
  return -1;
}
