/**
 * Readers with Go's zero values: a field that is absent or null reads as "",
 * 0, false or an empty list, as the API server sees it after decoding. The
 * objects reaching these rules have passed the schema check, so a present
 * field has its declared type; these readers still never throw on one that
 * does not.
 */

export type Obj = Record<string, unknown>;

export function obj(value: unknown): Obj | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Obj) : undefined;
}

export function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/**
 * The items of a list of objects, each with its index; items that are not
 * objects read as {}. A list of objects only (what passed the schema) is
 * returned as it is, not copied: callers read it and never change it.
 */
export function objects(value: unknown): readonly Obj[] {
  if (!Array.isArray(value)) return noObjects;
  for (let i = 0; i < value.length; i++) {
    if (obj(value[i]) === undefined) return value.map((item) => obj(item) ?? {});
  }
  return value as Obj[];
}

const noObjects: readonly Obj[] = Object.freeze([]);

export function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

export function num(value: unknown): number {
  return typeof value === 'number' ? value : 0;
}

export function bool(value: unknown): boolean {
  return value === true;
}

/** Whether a pointer field is set (not absent, not null). */
export function isSet(value: unknown): boolean {
  return value !== undefined && value !== null;
}

/** A map field's entries (labels, data, nodeSelector); non-string values read as "". */
export function entries(value: unknown): [string, unknown][] {
  const map = obj(value);
  return map ? Object.entries(map) : [];
}

export function strings(value: unknown): string[] {
  return list(value).map(str);
}

/** An int-or-string as Go's intstr: `{ isInt, int, str }`. */
export interface IntOrString {
  isInt: boolean;
  int: number;
  str: string;
}

export function intOrString(value: unknown): IntOrString {
  return typeof value === 'number' ? { isInt: true, int: value, str: '' } : { isInt: false, int: 0, str: str(value) };
}

/**
 * A deep copy of parsed manifest data (objects, arrays, scalars): several
 * times faster than structuredClone, which also handles what JSON cannot hold.
 */
export function cloneData<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    const items: unknown[] = [];
    for (let i = 0; i < value.length; i++) items.push(cloneData(value[i]));
    return items as T;
  }
  const copy: Record<string, unknown> = {};
  // for…in allocates no list of keys; parsed data has no inherited enumerable keys, and hasOwn makes sure.
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    const item = cloneData((value as Record<string, unknown>)[key]);
    // A `__proto__` key from YAML is data: define it, never assign through it.
    if (key === '__proto__') Object.defineProperty(copy, key, { value: item, enumerable: true, writable: true, configurable: true });
    else copy[key] = item;
  }
  return copy as T;
}
