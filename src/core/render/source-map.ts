import type { Finding, TemplateLocation } from '../findings.js';
import type { Position } from '../manifests/document.js';

export type { TemplateLocation } from '../findings.js';

/**
 * Where the nodes of one rendered file came from: for the line and column of
 * each key and value in the file as written, the template location. Plain
 * data, so `ladder render --out` can keep it beside the files it writes.
 */
export interface RenderedSourceMap {
  /** The template file, as errors name it. */
  template: string;
  /** `[line, column, templateLine, templateColumn, valuesKey?]`, sorted by line and column. */
  entries: SourceMapEntry[];
  /** Set by whoever knows: the template is one of Ladder's defaults, not a file of the repository. */
  builtIn?: boolean;
}

export type SourceMapEntry = [number, number, number, number] | [number, number, number, number, string];

type KeyPath = (string | number)[];

/**
 * Builds the map of a rendered file: every path of `object`, located in the
 * file as written (`writtenAt`) and in the template (`originOf`).
 */
export function buildSourceMap(
  template: string,
  object: unknown,
  writtenAt: (path: KeyPath) => Position,
  originOf: (path: KeyPath) => { line: number; column: number; valuesKey?: string } | undefined,
): RenderedSourceMap {
  const seen = new Map<string, SourceMapEntry>();
  const visit = (value: unknown, path: KeyPath): void => {
    const origin = originOf(path);
    if (origin) {
      const at = writtenAt(path);
      const key = `${at.line}:${at.column}`;
      if (!seen.has(key)) {
        seen.set(key, origin.valuesKey ? [at.line, at.column, origin.line, origin.column, origin.valuesKey] : [at.line, at.column, origin.line, origin.column]);
      }
    }
    if (Array.isArray(value)) value.forEach((item, i) => visit(item, [...path, i]));
    else if (typeof value === 'object' && value !== null) for (const [key, item] of Object.entries(value)) visit(item, [...path, key]);
  };
  visit(object, []);
  const entries = [...seen.values()].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return { template, entries };
}

/**
 * The template location of a position in the rendered file: the node that
 * starts there, else the closest one before it. Undefined for a position
 * before the first node (a finding about the file as a whole points at the template's start).
 */
export function templateLocationAt(map: RenderedSourceMap, line: number, column: number): TemplateLocation {
  const { entries } = map;
  let low = 0;
  let high = entries.length - 1;
  let found: SourceMapEntry | undefined;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const entry = entries[mid]!;
    if (entry[0] < line || (entry[0] === line && entry[1] <= column)) {
      found = entry;
      low = mid + 1;
    } else high = mid - 1;
  }
  const builtIn = map.builtIn ? { builtIn: true } : {};
  if (!found || line === 0) return { file: map.template, line: entries[0]?.[2] ?? 1, column: entries[0]?.[3] ?? 1, ...builtIn };
  return { file: map.template, line: found[2], column: found[3], ...(found[4] ? { valuesKey: found[4] } : {}), ...builtIn };
}

/** A map is plain data read back from a file: check its shape before trusting it. */
export function isRenderedSourceMap(value: unknown): value is RenderedSourceMap {
  if (typeof value !== 'object' || value === null) return false;
  const map = value as Partial<RenderedSourceMap>;
  return typeof map.template === 'string' && Array.isArray(map.entries) && map.entries.every((entry) =>
    Array.isArray(entry) && (entry.length === 4 || entry.length === 5) &&
    entry.slice(0, 4).every((n) => Number.isInteger(n) && (n as number) >= 0) && (entry.length === 4 || typeof entry[4] === 'string'));
}

/**
 * Findings on rendered files with the template location of each, where
 * `mapOf` has the file's source map; other findings are returned as they are.
 */
export function withTemplateLocations<F extends Finding>(findings: readonly F[], mapOf: (file: string) => RenderedSourceMap | undefined): F[] {
  return findings.map((finding) => {
    const map = mapOf(finding.file);
    return map ? { ...finding, template: templateLocationAt(map, finding.line, finding.column) } : finding;
  });
}
