import type { Finding } from '../findings.js';
import type { ManifestDocument } from './document.js';
import { parseQuickly } from './parse-quick.js';
import { parseWithYaml } from './parse-yaml.js';
import { decodeUtf8, invalidUtf8Message } from '../text/utf8.js';
import { findNestingOver, type Position } from '../yaml/budget.js';

export interface ParseLimits {
  /** Largest file read, in bytes. A Kubernetes object cannot exceed 1.5 MiB in etcd. */
  maxBytes: number;
  /** Largest number of alias dereferences per document (billion-laughs guard). */
  maxAliasCount: number;
  /**
   * Deepest nesting of lists and mappings. Parsers recurse per level: 8 MiB
   * of `[` took 3 GB and a minute before this was checked first.
   */
  maxDepth: number;
}

export const defaultParseLimits: ParseLimits = { maxBytes: 8 * 1024 * 1024, maxAliasCount: 100, maxDepth: 256 };

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
    return { documents: [], findings: [{ file, line: text.line, column: text.column, rule: 'input', severity: 'error', message: invalidUtf8Message('file', text) }] };
  }

  const deep = findNestingOver(text, limits.maxDepth);
  if (deep) return { documents: [], findings: [tooDeepFinding(file, deep, limits.maxDepth)] };

  const documents = parseQuickly(text, file);
  if (documents) return { documents, findings: [] };
  return parseWithYaml(text, file, limits);
}

/** The finding for a file over the size limit; readers that know the size use it without reading the file. */
export function tooLargeFinding(file: string, size: number, limits: ParseLimits = defaultParseLimits): Finding {
  return {
    file, line: 0, column: 0, rule: 'input', severity: 'error',
    message: `file is ${formatBytes(size)}; Ladder reads at most ${formatBytes(limits.maxBytes)} per manifest file`,
    hint: 'Split the file, or check that it is a manifest: the Kubernetes API server stores at most 1.5 MiB per object.',
  };
}

export function tooDeepFinding(file: string, at: Position, maxDepth: number): Finding {
  return {
    file, line: at.line, column: at.column, rule: 'input', severity: 'error',
    message: `nested more than ${maxDepth} levels deep`,
    hint: 'No Kubernetes object nests this deep; check that the file is a manifest.',
  };
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} B`;
}
