/**
 * Server-side apply's field sets (`managedFields[].fieldsV1`), read as trees.
 *
 * A fieldsV1 object nests one key per path element:
 * - `f:<name>`  a field of a map or struct;
 * - `k:<json>`  the element of an associative list whose key fields have these values;
 * - `v:<json>`  the element of a set-type list with this value;
 * - `i:<n>`     the element at an index of a list that has no keys;
 * - `.`         the node itself (its existence), next to its children.
 * A node with no children other than `.` is a leaf: its whole value is owned.
 */

export type PathElement =
  | { type: 'field'; name: string }
  | { type: 'key'; fields: Record<string, unknown> }
  | { type: 'value'; value: unknown }
  | { type: 'index'; index: number };

/** A parsed field set: children by their normalised element key (see `elementKey`). */
export interface FieldTree {
  children: Map<string, { element: PathElement; tree: FieldTree }>;
}

/** Reads one fieldsV1 object. Keys it does not understand are skipped, so a newer server cannot break drift. */
export function parseFieldSet(fieldsV1: unknown): FieldTree {
  const tree: FieldTree = { children: new Map() };
  if (!isRecord(fieldsV1)) return tree;
  for (const [raw, child] of Object.entries(fieldsV1)) {
    if (raw === '.') continue;
    const element = parseElement(raw);
    if (!element) continue;
    tree.children.set(elementKey(element), { element, tree: parseFieldSet(child) });
  }
  return tree;
}

export function parseElement(raw: string): PathElement | undefined {
  const body = raw.slice(2);
  try {
    if (raw.startsWith('f:')) return { type: 'field', name: body };
    if (raw.startsWith('k:')) {
      const fields: unknown = JSON.parse(body);
      return isRecord(fields) ? { type: 'key', fields } : undefined;
    }
    if (raw.startsWith('v:')) return { type: 'value', value: JSON.parse(body) };
    if (raw.startsWith('i:')) {
      const index = Number(body);
      return Number.isInteger(index) && index >= 0 ? { type: 'index', index } : undefined;
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/** A string equal for equal elements whatever the key order inside `k:`/`v:` JSON. */
export function elementKey(element: PathElement): string {
  switch (element.type) {
    case 'field':
      return `f:${element.name}`;
    case 'key':
      return `k:${canonicalJson(element.fields)}`;
    case 'value':
      return `v:${canonicalJson(element.value)}`;
    case 'index':
      return `i:${element.index}`;
  }
}

export function isLeaf(tree: FieldTree): boolean {
  return tree.children.size === 0;
}

/** True when the tree holds `path` (as a leaf or as an inner node), or an atomic ancestor of it. */
export function containsPath(tree: FieldTree, path: readonly PathElement[]): boolean {
  let node = tree;
  for (const element of path) {
    const child = node.children.get(elementKey(element));
    if (!child) return false;
    if (isLeaf(child.tree)) return true;
    node = child.tree;
  }
  return true;
}

/** Every leaf path of the tree, in tree order. */
export function leafPaths(tree: FieldTree, prefix: PathElement[] = []): PathElement[][] {
  const out: PathElement[][] = [];
  for (const { element, tree: child } of tree.children.values()) {
    const path = [...prefix, element];
    if (isLeaf(child)) out.push(path);
    else out.push(...leafPaths(child, path));
  }
  return out;
}

/** JSON with object keys sorted by code point, so equal values give equal strings. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isRecord(value)) {
    const keys = Object.keys(value).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
