import type { Finding } from '../findings.js';
import type { ManifestDocument } from './document.js';
import { parseQuickly } from './parse-quick.js';
import { parseWithYaml } from './parse-yaml.js';

export interface ParseLimits {
  /** Largest file read, in bytes. A Kubernetes object cannot exceed 1.5 MiB in etcd. */
  maxBytes: number;
  /** Largest number of alias dereferences per document (billion-laughs guard). */
  maxAliasCount: number;
}

export const defaultParseLimits: ParseLimits = { maxBytes: 8 * 1024 * 1024, maxAliasCount: 100 };

export interface ParsedManifests {
  documents: ManifestDocument[];
  /** `yaml-syntax` and `input` findings; a file with findings may still have good documents. */
  findings: Finding[];
}

/**
 * Parses a multi-document YAML manifest file. Never throws on bad input:
 * every problem becomes a finding with file, line and column. Plain scalars
 * resolve as Kubernetes reads them (YAML 1.1: `yes` is a boolean; see
 * scalars.ts). Most files take the quick path (parse-quick.ts); any file
 * with a problem, or that it declines, takes the careful one (parse-yaml.ts).
 */
export function parseManifests(
  content: string | Uint8Array,
  file: string,
  limits: ParseLimits = defaultParseLimits,
): ParsedManifests {
  const size = typeof content === 'string' ? Buffer.byteLength(content) : content.byteLength;
  if (size > limits.maxBytes) return { documents: [], findings: [tooLargeFinding(file, size, limits)] };
  const text = typeof content === 'string' ? content : decodeUtf8(content);
  if (typeof text !== 'string') {
    const message = `file is not valid UTF-8 (invalid byte 0x${text.byte.toString(16).padStart(2, '0')})`;
    return { documents: [], findings: [{ file, line: text.line, column: text.column, rule: 'input', severity: 'error', message }] };
  }

  const documents = parseQuickly(text, file);
  if (documents) return { documents, findings: [] };
  return parseWithYaml(text, file, limits.maxAliasCount);
}

function decodeUtf8(bytes: Uint8Array): string | { byte: number; line: number; column: number } {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const offset = firstInvalidUtf8Offset(bytes);
    const before = new TextDecoder('utf-8').decode(bytes.subarray(0, offset));
    const lines = before.split('\n');
    return { byte: bytes[offset] ?? 0, line: lines.length, column: (lines.at(-1)?.length ?? 0) + 1 };
  }
}

/** Offset of the first byte that starts an invalid UTF-8 sequence (RFC 3629: no overlongs, no surrogates). */
function firstInvalidUtf8Offset(bytes: Uint8Array): number {
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

/** The finding for a file over the size limit; readers that know the size use it without reading the file. */
export function tooLargeFinding(file: string, size: number, limits: ParseLimits = defaultParseLimits): Finding {
  return {
    file, line: 0, column: 0, rule: 'input', severity: 'error',
    message: `file is ${formatBytes(size)}; Ladder reads at most ${formatBytes(limits.maxBytes)} per manifest file`,
    hint: 'Split the file, or check that it is a manifest: the Kubernetes API server stores at most 1.5 MiB per object.',
  };
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} B`;
}
