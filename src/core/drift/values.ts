import { canonicalJson, isLeaf, isRecord, type FieldTree, type PathElement } from './field-set.js';

/** Marks a path that has no value on one side. */
export const absent: unique symbol = Symbol('absent');
export type Resolved = unknown | typeof absent;

/** The value one path element selects inside `value`, or `absent`. */
export function step(value: unknown, element: PathElement): Resolved {
  switch (element.type) {
    case 'field':
      return isRecord(value) && Object.hasOwn(value, element.name) ? value[element.name] : absent;
    case 'key':
      return Array.isArray(value) ? find(value, (item) => matchesKey(item, element.fields)) : absent;
    case 'value': {
      const wanted = canonicalJson(element.value);
      return Array.isArray(value) ? find(value, (item) => canonicalJson(item) === wanted) : absent;
    }
    case 'index':
      return Array.isArray(value) && element.index < value.length ? value[element.index] : absent;
  }
}

function find(list: unknown[], predicate: (item: unknown) => boolean): Resolved {
  const index = list.findIndex(predicate);
  return index < 0 ? absent : list[index];
}

function matchesKey(item: unknown, fields: Record<string, unknown>): boolean {
  if (!isRecord(item)) return false;
  return Object.entries(fields).every(([name, expected]) => Object.hasOwn(item, name) && canonicalJson(item[name]) === canonicalJson(expected));
}

export function sameValue(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

/**
 * `value` cut down to the fields of `tree`: what Ladder asked for at a node,
 * without what the server or others added there. Used to show the desired
 * value of a node that is missing live (a removed container, say).
 */
export function project(value: unknown, tree: FieldTree): unknown {
  if (isLeaf(tree)) return value;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const { element, tree: child } of tree.children.values()) {
      const item = step(value, element);
      if (item !== absent) out.push(project(item, child));
    }
    return out;
  }
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = {};
  for (const { element, tree: child } of tree.children.values()) {
    if (element.type !== 'field') continue;
    const item = step(value, element);
    if (item !== absent) out[element.name] = project(item, child);
  }
  return out;
}
