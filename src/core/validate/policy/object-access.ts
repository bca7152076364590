import type { KubeObject } from '../../manifests/document.js';

/**
 * Narrow readers for parsed YAML. Manifests reach the policy engine before
 * (or regardless of) schema validation, so any field may have any shape;
 * rules read through these and skip what is malformed, leaving that to the
 * schema findings.
 */

export type Fields = Record<string, unknown>;

export function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function fieldsAt(value: unknown, key: string): Fields | undefined {
  if (!isFields(value)) return undefined;
  const next = value[key];
  return isFields(next) ? next : undefined;
}

export function stringAt(value: unknown, key: string): string | undefined {
  if (!isFields(value)) return undefined;
  const next = value[key];
  return typeof next === 'string' ? next : undefined;
}

export function listAt(value: unknown, key: string): readonly unknown[] {
  if (!isFields(value)) return [];
  const next = value[key];
  return Array.isArray(next) ? next : [];
}

export function kindOf(object: KubeObject): string | undefined {
  return stringAt(object, 'kind');
}

export function nameOf(object: KubeObject): string | undefined {
  return stringAt(fieldsAt(object, 'metadata'), 'name');
}
