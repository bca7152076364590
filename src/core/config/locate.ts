import type { Document, LineCounter } from 'yaml';
import { isAlias, isMap, isPair, isScalar, isSeq } from 'yaml';
import type { Position } from '../manifests/document.js';

export type KeyPath = readonly (string | number)[];

/** Where a problem points: at a key itself (`enviroments:`) or at its value. */
export type Anchor = 'key' | 'value';

export type Locate = (path: KeyPath, anchor?: Anchor) => Position;

type Range = readonly [number, number, number];

/**
 * Position of the key or value at `path`. When the path does not exist (a
 * missing required key), the position of the deepest part that does, so the
 * problem points at the mapping that lacks the key. Aliases are followed to
 * their anchor, where the value is written.
 */
export function configLocator(doc: Document, lineCounter: LineCounter): Locate {
  const position = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const rootStart = (doc.contents as { range?: Range } | null)?.range?.[0] ?? 0;
  return (path, anchor = 'value') => {
    let node: unknown = doc.contents;
    let offset = rootStart;
    for (const [index, part] of path.entries()) {
      if (isAlias(node)) node = node.resolve(doc);
      let next: unknown;
      if (isMap(node)) {
        const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(part));
        const keyRange = pair && isScalar(pair.key) ? pair.key.range : undefined;
        if (keyRange && (anchor === 'key' && index === path.length - 1)) return position(keyRange[0]);
        // `key:` with nothing after it has an empty value node; the key is the better place to point.
        if (keyRange && (!pair?.value || (isScalar(pair.value) && pair.value.value === null && pair.value.source === ''))) {
          return position(keyRange[0]);
        }
        next = pair?.value;
      } else if (isSeq(node) && typeof part === 'number') {
        next = node.items[part];
      }
      const range = (next as { range?: Range } | undefined)?.range;
      if (!next || !range) break;
      node = next;
      offset = range[0];
    }
    return position(offset);
  };
}

/** The key path of the deepest node that contains `offset`, for naming the key of a YAML syntax error. */
export function pathAtOffset(doc: Document, offset: number): (string | number)[] {
  const path: (string | number)[] = [];
  let node: unknown = doc.contents;
  for (;;) {
    let next: unknown;
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isScalar(pair.key) || !pair.key.range) continue;
        const end = (pair.value as { range?: Range } | null)?.range?.[1] ?? pair.key.range[1];
        // Ranges end exclusively: the next key starts where a value ends.
        if (offset < pair.key.range[0] || offset >= Math.max(end, pair.key.range[1])) continue;
        path.push(String(pair.key.value));
        next = offset < pair.key.range[1] ? undefined : pair.value;
        break;
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => {
        const range = (item as { range?: Range } | null)?.range;
        if (next === undefined && range && offset >= range[0] && offset < range[1]) {
          path.push(index);
          next = item;
        }
      });
    }
    if (next === undefined || next === null) return path;
    node = next;
  }
}
