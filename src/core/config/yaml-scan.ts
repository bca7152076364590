import { isScalar, visit, type Document } from 'yaml';

// Scans of a parsed (or raw) config file for the problems the yaml library
// reports late, vaguely or not at all.

/** Start of the quoted scalar a missing-quote error at `errorOffset` belongs to. */
export function unclosedQuoteOffset(doc: Document, errorOffset: number): number | undefined {
  let found: number | undefined;
  visit(doc, {
    Scalar(_, node) {
      const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE';
      if (found === undefined && quoted && node.range && node.range[1] >= errorOffset) found = node.range[0];
    },
  });
  return found;
}

/** Offset of the first alias that names no anchor, else of the first alias: errors found only when expanding. */
export function aliasOffset(doc: Document): number | undefined {
  let first: number | undefined;
  let unresolved: number | undefined;
  visit(doc, {
    Alias(_, node) {
      const start = node.range?.[0];
      if (start === undefined) return;
      first ??= start;
      if (unresolved === undefined && node.resolve(doc) === undefined) unresolved = start;
    },
  });
  return unresolved ?? first;
}

/** Keys are names; a list, mapping or nothing as a key is a slip of indentation or punctuation. */
export function findNonNameKey(doc: Document): { offset: number; message: string; scalar: boolean } | undefined {
  let found: { offset: number; message: string; scalar: boolean } | undefined;
  visit(doc, {
    Pair(_, pair) {
      if (found) return visit.BREAK;
      const key = pair.key as { range?: readonly [number, number, number] } | null;
      const valueStart = (pair.value as { range?: readonly [number, number, number] } | null)?.range?.[0];
      if (isScalar(pair.key) && pair.key.value !== null && pair.key.value !== '') return undefined;
      const offset = key?.range?.[0] ?? valueStart;
      if (offset === undefined) return undefined;
      found = isScalar(pair.key) || !pair.key
        ? { offset, message: 'empty key; every value needs a name', scalar: isScalar(pair.key) }
        : { offset, message: 'a key must be a plain name, not a list or mapping', scalar: false };
      return visit.BREAK;
    },
  });
  return found;
}

/** `__proto__` as a key is at best a mistake; kept, it would be a prototype-pollution path in later merges. */
export function findProtoKey(root: object): (string | number)[] | undefined {
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value: root, path: [] }];
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (Array.isArray(value)) {
      value.forEach((item, index) => stack.push({ value: item, path: [...path, index] }));
      continue;
    }
    for (const key of Object.keys(value)) {
      if (key === '__proto__') return [...path, key];
      stack.push({ value: (value as Record<string, unknown>)[key], path: [...path, key] });
    }
  }
  return undefined;
}
