import type { PathSegment } from './field-path.js';

/** One field that differs. A missing `before` (or `after`) means the field is absent on that side. */
export interface ValueChange {
  path: PathSegment[];
  before?: unknown;
  after?: unknown;
}

/**
 * Compares two JSON values and lists the fields that differ, deepest first
 * where both sides still have the same shape. Object keys are visited in
 * code-point order so the result does not depend on key order in the files.
 */
export function diffValues(before: unknown, after: unknown, path: PathSegment[] = []): ValueChange[] {
  const changes: ValueChange[] = [];
  collect(before, after, path, changes);
  return changes;
}

function collect(before: unknown, after: unknown, path: PathSegment[], out: ValueChange[]): void {
  if (isEqual(before, after)) return;
  if (isRecord(before) && isRecord(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort(compareCodePoints);
    for (const key of keys) {
      const inBefore = Object.hasOwn(before, key);
      const inAfter = Object.hasOwn(after, key);
      if (inBefore && inAfter) collect(before[key], after[key], [...path, key], out);
      else if (inBefore) out.push({ path: [...path, key], before: before[key] });
      else out.push({ path: [...path, key], after: after[key] });
    }
    return;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    collectList(before, after, path, out);
    return;
  }
  out.push({ path, before, after });
}

function collectList(before: unknown[], after: unknown[], path: PathSegment[], out: ValueChange[]): void {
  const beforeNames = namesOf(before);
  const afterNames = namesOf(after);
  if (beforeNames && afterNames) {
    // Lists of named objects (containers, env, ports) are matched by name, so
    // inserting a container does not show every later one as changed.
    const byName = new Map(after.map((item, i) => [afterNames[i]!, item]));
    const beforeSet = new Set(beforeNames);
    before.forEach((item, i) => {
      const name = beforeNames[i]!;
      if (byName.has(name)) collect(item, byName.get(name), [...path, { name }], out);
      else out.push({ path: [...path, { name }], before: item });
    });
    after.forEach((item, i) => {
      if (!beforeSet.has(afterNames[i]!)) out.push({ path: [...path, { name: afterNames[i]! }], after: item });
    });
    const common = new Set(afterNames.filter((n) => beforeSet.has(n)));
    const orderBefore = beforeNames.filter((n) => common.has(n));
    const orderAfter = afterNames.filter((n) => common.has(n));
    // Order can matter (env entries may refer to earlier ones with $(VAR)), so a reorder is a change too.
    if (!isEqual(orderBefore, orderAfter)) out.push({ path, before: orderBefore, after: orderAfter });
    return;
  }
  if (before.length === after.length && before.some(isContainer)) {
    before.forEach((item, i) => collect(item, after[i], [...path, i], out));
    return;
  }
  // Lists of scalars (args, command, hosts) read best as a whole.
  out.push({ path, before, after });
}

/** Names of a list whose items are all objects with distinct string `name`s; undefined otherwise. */
function namesOf(list: unknown[]): string[] | undefined {
  if (list.length === 0) return undefined;
  const names: string[] = [];
  for (const item of list) {
    if (!isRecord(item) || typeof item.name !== 'string') return undefined;
    names.push(item.name);
  }
  return new Set(names).size === names.length ? names : undefined;
}

export function isEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((item, i) => isEqual(item, b[i]));
  if (isRecord(a) && isRecord(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && isEqual(a[key], b[key]));
  }
  // NaN cannot come from YAML/JSON manifests except `.nan`; treat it as equal to itself.
  return typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isContainer(value: unknown): boolean {
  return typeof value === 'object' && value !== null;
}

function compareCodePoints(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
