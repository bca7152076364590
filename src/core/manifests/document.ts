import type { Document, LineCounter } from 'yaml';
import { yamlLibrary } from './yaml-library.js';

/** A Kubernetes object as parsed from YAML: plain JSON-compatible data. */
export type KubeObject = Record<string, unknown>;

export interface Position {
  line: number;
  column: number;
}

/**
 * One YAML document of a manifest file that parsed into an object, with the
 * means to point at any of its keys. `index` counts documents in the file from 0.
 */
export interface ManifestDocument {
  file: string;
  index: number;
  object: KubeObject;
  /** Where the document starts (its first content line). */
  start: Position;
  /**
   * Position of the value at `path` (keys and array indexes). When the path
   * does not exist, the position of the deepest part of it that does, so a
   * "missing field" finding points at the object that lacks it.
   */
  positionOf(path: readonly (string | number)[]): Position;
}

export function documentLocator(
  doc: Document,
  lineCounter: LineCounter,
): (path: readonly (string | number)[]) => Position {
  const toPosition = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const rootStart = doc.contents?.range?.[0] ?? doc.range?.[0] ?? 0;
  const { isMap, isSeq, isScalar, isPair } = yamlLibrary();
  return (path) => {
    let node: unknown = doc.contents;
    let offset = rootStart;
    for (const part of path) {
      let next: unknown;
      if (isMap(node)) {
        const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(part));
        if (pair) {
          next = pair.value ?? pair.key;
          if (!pair.value && isScalar(pair.key) && pair.key.range) offset = pair.key.range[0];
        }
      } else if (isSeq(node) && typeof part === 'number') {
        next = node.items[part];
      }
      const range = (next as { range?: [number, number, number] } | undefined)?.range;
      if (!next || !range) break;
      node = next;
      offset = range[0];
    }
    return toPosition(offset);
  };
}
