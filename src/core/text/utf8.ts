import { LadderInputError } from '../errors.js';

/** Where bytes stop being UTF-8: the first byte of the first ill-formed sequence, and its line and column. */
export interface InvalidUtf8 {
  offset: number;
  byte: number;
  line: number;
  column: number;
}

// One decoder for every file: a call without `stream` starts afresh (WHATWG Encoding, decode()), and
// constructing one per file was a measurable share of reading 10,000 small manifests.
const strictDecoder = new TextDecoder('utf-8', { fatal: true });

/** The text, or where it is not UTF-8. Every reader of user files (manifests, templates, configs) decodes here. */
export function decodeUtf8(bytes: Uint8Array): string | InvalidUtf8 {
  try {
    return strictDecoder.decode(bytes);
  } catch {
    const offset = firstInvalidUtf8(bytes);
    const lines = new TextDecoder('utf-8').decode(bytes.subarray(0, offset)).split('\n');
    return { offset, byte: bytes[offset] ?? 0, line: lines.length, column: (lines.at(-1)?.length ?? 0) + 1 };
  }
}

/** `<what> is not valid UTF-8 (invalid byte 0x..)`: the message every reader gives. */
export function invalidUtf8Message(what: string, invalid: InvalidUtf8): string {
  return `${what} is not valid UTF-8 (invalid byte 0x${invalid.byte.toString(16).padStart(2, '0')})`;
}

/** The text, or a LadderInputError that names the file, line and column of the first bad byte. */
export function decodeUtf8OrThrow(bytes: Uint8Array, file: string, what = 'file'): string {
  const decoded = decodeUtf8(bytes);
  if (typeof decoded === 'string') return decoded;
  throw new LadderInputError(invalidUtf8Message(what, decoded), { file, line: decoded.line, column: decoded.column });
}

/**
 * Offset of the first byte that starts an ill-formed UTF-8 sequence (RFC 3629:
 * no overlong forms, no surrogates, nothing above U+10FFFF); the length when
 * all of it is well formed. A sequence cut short points at its lead byte.
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    let length: number, min: number;
    if (b < 0x80) { i++; continue; }
    else if (b >= 0xc2 && b <= 0xdf) { length = 2; min = 0x80; }
    else if (b >= 0xe0 && b <= 0xef) { length = 3; min = 0x800; }
    else if (b >= 0xf0 && b <= 0xf4) { length = 4; min = 0x10000; }
    else return i;
    let codePoint = b & (0xff >> (length + 1));
    for (let k = 1; k < length; k++) {
      const next = bytes[i + k];
      if (next === undefined || (next & 0xc0) !== 0x80) return i;
      codePoint = (codePoint << 6) | (next & 0x3f);
    }
    if (codePoint < min || codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff)) return i;
    i += length;
  }
  return bytes.length;
}
