import { createHash } from 'node:crypto';
import { describeValue, type HelperCall } from './call.js';
import { flowNode } from '../yaml-text.js';

/** `{{toYaml x}}`: any plain data as one flow node (`{"a":"b"}`, `["x"]`, `"s"`), valid in any value position. */
export function toYaml(call: HelperCall): string {
  const value = call.defined(0);
  assertPlainData(call, value);
  return flowNode(value);
}

/**
 * `(checksum x)`: 16 hex digits of the SHA-256 of `x` with sorted keys, so a pod
 * template annotation changes exactly when the data changes, whatever its key order.
 */
export function checksum(call: HelperCall): string {
  const value = call.defined(0);
  assertPlainData(call, value);
  return createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, 16);
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).sort(compareCodeUnits);
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Orders strings by UTF-16 code units: unlike localeCompare, the same on every machine. */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Data as YAML can hold it: maps, lists, strings, finite numbers, booleans and null. */
function assertPlainData(call: HelperCall, root: unknown): void {
  const visit = (value: unknown, path: string): void => {
    if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
    if (typeof value === 'number') {
      if (Number.isFinite(value)) return;
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => visit(item, `${path}[${i}]`));
      return;
    } else if (typeof value === 'object') {
      const proto = Object.getPrototypeOf(value) as unknown;
      if (proto === Object.prototype || proto === null) {
        for (const [key, item] of Object.entries(value)) visit(item, path ? `${path}.${key}` : key);
        return;
      }
    }
    const where = path ? ` at ${path}` : '';
    call.fail(`${call.describe(0)} contains ${describeValue(value)}${where}, which YAML cannot hold`, 0);
  };
  visit(root, '');
}
