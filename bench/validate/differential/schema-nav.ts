import type { JsonSchema, SchemaBundle } from '../../../src/core/validate/schema/bundle.js';

/** Walks a Ladder schema bundle to the schema of one field, so mutations keep the field's type. */

export type FieldType = 'string' | 'integer' | 'number' | 'boolean' | 'object' | 'map' | 'array' | 'int-or-string' | 'quantity' | 'unknown';

export interface FieldSchema {
  type: FieldType;
  enum?: readonly unknown[];
  node: JsonSchema;
}

function resolve(bundle: SchemaBundle, node: JsonSchema | undefined): JsonSchema | undefined {
  let current = node;
  for (let i = 0; i < 10 && current; i++) {
    if (typeof current['$ref'] === 'string') {
      current = bundle.definitions[(current['$ref'] as string).replace(/^.*#\/definitions\//, '')];
    } else if (current['else'] && typeof current['else'] === 'object') {
      current = current['else'] as JsonSchema;
    } else break;
  }
  return current;
}

export function kindSchema(bundle: SchemaBundle, apiVersion: string, kind: string): JsonSchema | undefined {
  const known = bundle.kinds[apiVersion]?.[kind];
  return known ? resolve(bundle, bundle.definitions[known.definition]) : undefined;
}

/** The schema of the value at `path` below `root`, or undefined when the schema does not declare it. */
export function schemaAt(bundle: SchemaBundle, root: JsonSchema, path: readonly (string | number)[]): JsonSchema | undefined {
  let node: JsonSchema | undefined = resolve(bundle, root);
  for (const part of path) {
    if (!node) return undefined;
    if (typeof part === 'number') node = resolve(bundle, node['items'] as JsonSchema | undefined);
    else {
      const properties = node['properties'] as Record<string, JsonSchema> | undefined;
      const additional = node['additionalProperties'];
      node = resolve(bundle, properties?.[part] ?? (typeof additional === 'object' ? (additional as JsonSchema) : undefined));
    }
  }
  return node;
}

export function describeSchema(node: JsonSchema | undefined): FieldSchema {
  if (!node) return { type: 'unknown', node: {} };
  const types = ([] as unknown[]).concat(node['type'] ?? []).filter((t) => t !== 'null');
  const enumValues = Array.isArray(node['enum']) ? (node['enum'] as unknown[]).filter((v) => v !== null) : undefined;
  const withEnum = (type: FieldType): FieldSchema => (enumValues ? { type, enum: enumValues, node } : { type, node });
  if (node['format'] === 'quantity') return withEnum('quantity');
  if (types.includes('integer') && types.includes('string')) return withEnum('int-or-string');
  if (types.includes('string')) return withEnum('string');
  if (types.includes('integer')) return withEnum('integer');
  if (types.includes('number')) return withEnum('number');
  if (types.includes('boolean')) return withEnum('boolean');
  if (types.includes('array')) return withEnum('array');
  if (types.includes('object') || node['properties'] || node['additionalProperties']) {
    return withEnum(node['properties'] ? 'object' : node['additionalProperties'] && typeof node['additionalProperties'] === 'object' ? 'map' : 'object');
  }
  return { type: 'unknown', node };
}
