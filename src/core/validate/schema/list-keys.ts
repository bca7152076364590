import { formatKeyPath } from '../../errors.js';
import { definitionRefPrefix, type JsonSchema } from './bundle.js';
import type { SchemaProblem } from './messages.js';

/**
 * Server-side apply merges the entries of a `set` list by value and of a `map`
 * list by its key fields (containers by name, ports by port and protocol), so
 * the API server refuses an applied object with two entries of one key before
 * its validation runs ("duplicate entries for key [name="app"]"), even where
 * validation alone would allow them (two env vars of one name). A key field
 * left out takes its schema default (a port's protocol is TCP).
 */
export interface ListKeyChecker {
  /** Duplicate entries in the lists of `object`, which `schema` (a kind's schema) describes. */
  check(schema: JsonSchema, object: unknown): SchemaProblem[];
}

interface ListRule {
  type: 'set' | 'map';
  keys: readonly string[];
  defaults: Record<string, unknown>;
}

/**
 * Walks the object and its schema together, so the cost follows the object's
 * size, not the size of everything its kind could hold. Call on objects that
 * match their schema.
 */
export function createListKeyChecker(definitions: Record<string, JsonSchema>): ListKeyChecker {
  const resolve = (schema: JsonSchema | undefined): JsonSchema | undefined => {
    let node = schema;
    for (let i = 0; i < 8 && node; i++) {
      const ref = node['$ref'];
      if (typeof ref === 'string') node = definitions[ref.slice(ref.indexOf(definitionRefPrefix) + definitionRefPrefix.length)];
      else if (node['else'] && typeof node['else'] === 'object') node = node['else'] as JsonSchema;
      else break;
    }
    return node;
  };
  const walk = (schemaNode: JsonSchema | undefined, value: unknown, path: (string | number)[], problems: SchemaProblem[]): void => {
    if (typeof value !== 'object' || value === null) return;
    const schema = resolve(schemaNode);
    if (!schema) return;
    if (Array.isArray(value)) {
      const rule = listRule(schema);
      if (rule) findDuplicates(rule, value, path, problems);
      const items = schema['items'];
      if (items && typeof items === 'object' && !Array.isArray(items)) value.forEach((item, i) => walk(items as JsonSchema, item, [...path, i], problems));
      return;
    }
    const properties = schema['properties'] as Record<string, JsonSchema> | undefined;
    const additional = schema['additionalProperties'];
    for (const [key, child] of Object.entries(value)) {
      if (typeof child !== 'object' || child === null) continue;
      const childSchema = properties && Object.hasOwn(properties, key) ? properties[key] : typeof additional === 'object' ? (additional as JsonSchema) : undefined;
      walk(childSchema, child, [...path, key], problems);
    }
  };
  return {
    check(schema, object) {
      const problems: SchemaProblem[] = [];
      walk(schema, object, [], problems);
      return problems;
    },
  };
}

function listRule(schema: JsonSchema): ListRule | undefined {
  const listType = schema['x-kubernetes-list-type'];
  if (listType !== 'set' && listType !== 'map') return undefined;
  return {
    type: listType,
    keys: (schema['x-kubernetes-list-map-keys'] as string[] | undefined) ?? [],
    defaults: (schema['x-ladder-list-key-defaults'] as Record<string, unknown> | undefined) ?? {},
  };
}

function findDuplicates(rule: ListRule, list: readonly unknown[], path: (string | number)[], problems: SchemaProblem[]): void {
  const seen = new Map<string, number>();
  list.forEach((entry, i) => {
    const key = keyOf(rule, entry);
    if (key === undefined) return;
    const first = seen.get(key);
    if (first === undefined) {
      seen.set(key, i);
      return;
    }
    const what = rule.type === 'set' ? `value ${key}` : `key [${key}]`;
    // Point at the key field itself (the second `name:`), when the entry spells it out.
    const keyField = rule.type === 'map' ? rule.keys.find((k) => (entry as Record<string, unknown>)[k] !== undefined) : undefined;
    problems.push({
      path: keyField ? [...path, i, keyField] : [...path, i],
      message: `${formatKeyPath([...path, i])}: duplicate entries for ${what} (first at ${formatKeyPath([...path, first])}); server-side apply merges this list by ${rule.type === 'set' ? 'value' : rule.keys.join(' and ')}, so the API server refuses two entries with one ${rule.type === 'set' ? 'value' : 'key'}`,
    });
  });
}

/** The key as the API server prints it (`name="app"`, `containerPort=80,protocol="TCP"`); undefined for entries the schema already refuses. */
function keyOf(rule: ListRule, entry: unknown): string | undefined {
  if (rule.type === 'set') return entry === null || typeof entry === 'object' ? undefined : JSON.stringify(entry);
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return undefined;
  const record = entry as Record<string, unknown>;
  return rule.keys.map((key) => `${key}=${JSON.stringify(record[key] ?? rule.defaults[key] ?? null)}`).join(',');
}
