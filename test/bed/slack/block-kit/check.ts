// Small helpers that walk untrusted JSON and record what is wrong with it.
// Messages mimic the wording Slack puts in `invalid_blocks` responses
// ("must be less than 3001 characters [json-pointer:/blocks/0/text/text]"), so a
// test failure reads like the production error the same payload would cause.

export interface BlockKitError {
  /** JSON pointer into the message payload, e.g. `/blocks/0/text/text`. */
  pointer: string;
  message: string;
}

export type Json = Record<string, unknown>;

export class Issues {
  readonly list: BlockKitError[] = [];

  add(pointer: string, message: string): void {
    this.list.push({ pointer, message });
  }
}

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function expectObject(issues: Issues, value: unknown, pointer: string): Json | undefined {
  if (isObject(value)) return value;
  issues.add(pointer, 'must provide an object');
  return undefined;
}

export function allowKeys(issues: Issues, object: Json, pointer: string, allowed: readonly string[]): void {
  for (const key of Object.keys(object)) {
    if (!allowed.includes(key)) issues.add(`${pointer}/${escapePointer(key)}`, `invalid additional property: ${key}`);
  }
}

interface StringRule {
  required?: boolean;
  min?: number;
  max?: number;
  oneOf?: readonly string[];
}

/** Checks `object[key]`; returns the string when present and of the right type. */
export function expectString(issues: Issues, object: Json, key: string, pointer: string, rule: StringRule): string | undefined {
  const at = `${pointer}/${key}`;
  const value = object[key];
  if (value === undefined) {
    if (rule.required) issues.add(pointer, `missing required field: ${key}`);
    return undefined;
  }
  if (typeof value !== 'string') {
    issues.add(at, 'must be a string');
    return undefined;
  }
  // Slack counts characters, not UTF-16 code units: an emoji is one character.
  const length = [...value].length;
  if (rule.min !== undefined && length < rule.min) issues.add(at, `must be more than ${rule.min - 1} characters`);
  if (rule.max !== undefined && length > rule.max) issues.add(at, `must be less than ${rule.max + 1} characters`);
  if (rule.oneOf && !rule.oneOf.includes(value)) issues.add(at, `must be one of: ${rule.oneOf.join(', ')}`);
  return value;
}

export function expectBoolean(issues: Issues, object: Json, key: string, pointer: string): void {
  const value = object[key];
  if (value !== undefined && typeof value !== 'boolean') issues.add(`${pointer}/${key}`, 'must be a boolean');
}

interface ArrayRule {
  required?: boolean;
  min?: number;
  max?: number;
}

export function expectArray(issues: Issues, object: Json, key: string, pointer: string, rule: ArrayRule): unknown[] | undefined {
  const at = `${pointer}/${key}`;
  const value = object[key];
  if (value === undefined) {
    if (rule.required) issues.add(pointer, `missing required field: ${key}`);
    return undefined;
  }
  if (!Array.isArray(value)) {
    issues.add(at, 'must provide an array');
    return undefined;
  }
  if (rule.min !== undefined && value.length < rule.min) issues.add(at, `must provide at least ${rule.min} items`);
  if (rule.max !== undefined && value.length > rule.max) issues.add(at, `no more than ${rule.max} items allowed`);
  return value;
}

/** RFC 6901: `~` and `/` inside a key are escaped. */
export function escapePointer(key: string): string {
  return key.replaceAll('~', '~0').replaceAll('/', '~1');
}
