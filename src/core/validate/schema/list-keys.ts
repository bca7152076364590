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

/** A schema node as the walk uses it (resolved through `$ref` and nullable wrappers). */
interface WalkPlan {
  rule: ListRule | undefined;
  items: JsonSchema | undefined;
  properties: Record<string, JsonSchema> | undefined;
  additional: JsonSchema | undefined;
  /** The plans of the values under each key met so far (null: nothing there can hold a keyed list). */
  children: Map<string, WalkPlan | null>;
  /** The items' plan, once worked out. */
  itemPlan: WalkPlan | null | undefined;
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
  const resolved = new WeakMap<JsonSchema, JsonSchema | null>();
  const resolve = (schema: JsonSchema | undefined): JsonSchema | undefined => {
    if (!schema) return undefined;
    let found = resolved.get(schema);
    if (found === undefined) {
      let node: JsonSchema | undefined = schema;
      for (let i = 0; i < 8 && node; i++) {
        const ref: unknown = node['$ref'];
        if (typeof ref === 'string') node = definitions[ref.slice(ref.indexOf(definitionRefPrefix) + definitionRefPrefix.length)];
        else if (node['else'] && typeof node['else'] === 'object') node = node['else'] as JsonSchema;
        else break;
      }
      found = node ?? null;
      resolved.set(schema, found);
    }
    return found ?? undefined;
  };
  // Whether a value of this (resolved) schema can hold a keyed list at all; most of an object cannot.
  const holdsLists = new WeakMap<JsonSchema, boolean>();
  const mayHoldLists = (schema: JsonSchema): boolean => {
    let answer = holdsLists.get(schema);
    if (answer !== undefined) return answer;
    holdsLists.set(schema, true); // a recursive definition (JSONSchemaProps) is assumed to, while it is worked out
    answer = listRule(schema) !== undefined || childSchemas(schema).some((child) => {
      const node = resolve(child);
      return node !== undefined && mayHoldLists(node);
    });
    holdsLists.set(schema, answer);
    return answer;
  };
  // What a walk needs of a schema node, worked out once per node; a plan links to its children's
  // plans (by key), so the walk looks up no schema object while it goes.
  const plans = new WeakMap<JsonSchema, WalkPlan | null>();
  const planOf = (schemaNode: JsonSchema | undefined): WalkPlan | null => {
    if (!schemaNode) return null;
    let plan = plans.get(schemaNode);
    if (plan === undefined) {
      const schema = resolve(schemaNode);
      if (!schema || !mayHoldLists(schema)) plan = null;
      else {
        const items = schema['items'];
        const additional = schema['additionalProperties'];
        plan = {
          rule: listRule(schema),
          items: items && typeof items === 'object' && !Array.isArray(items) ? (items as JsonSchema) : undefined,
          properties: schema['properties'] as Record<string, JsonSchema> | undefined,
          additional: typeof additional === 'object' ? (additional as JsonSchema) : undefined,
          children: new Map(),
          itemPlan: undefined,
        };
      }
      plans.set(schemaNode, plan);
    }
    return plan;
  };
  const childPlan = (plan: WalkPlan, key: string): WalkPlan | null => {
    let child = plan.children.get(key);
    if (child === undefined) {
      const { properties } = plan;
      child = planOf(properties && Object.hasOwn(properties, key) ? properties[key] : plan.additional);
      plan.children.set(key, child);
    }
    return child;
  };
  // One path, extended and shortened as the walk goes; copied only into a problem.
  const path: (string | number)[] = [];
  const walk = (plan: WalkPlan, value: object, problems: SchemaProblem[]): void => {
    if (Array.isArray(value)) {
      if (plan.rule) findDuplicates(plan.rule, value, path, problems);
      const items = plan.itemPlan === undefined ? (plan.itemPlan = planOf(plan.items)) : plan.itemPlan;
      if (items) {
        for (let i = 0; i < value.length; i++) {
          const item: unknown = value[i];
          if (typeof item !== 'object' || item === null) continue;
          path.push(i);
          walk(items, item, problems);
          path.pop();
        }
      }
      return;
    }
    for (const key of Object.keys(value)) {
      const child = (value as Record<string, unknown>)[key];
      if (typeof child !== 'object' || child === null) continue;
      const next = childPlan(plan, key);
      if (!next) continue;
      path.push(key);
      walk(next, child, problems);
      path.pop();
    }
  };
  return {
    check(schema, object) {
      const problems: SchemaProblem[] = [];
      path.length = 0;
      const plan = planOf(schema);
      if (plan && typeof object === 'object' && object !== null) walk(plan, object, problems);
      return problems;
    },
  };
}

/** The schemas a walk can step into from `schema`: items, properties and additionalProperties. */
function childSchemas(schema: JsonSchema): JsonSchema[] {
  const children: JsonSchema[] = [];
  const { items, properties, additionalProperties } = schema as Record<string, unknown>;
  if (items && typeof items === 'object' && !Array.isArray(items)) children.push(items as JsonSchema);
  if (properties && typeof properties === 'object') children.push(...Object.values(properties as Record<string, JsonSchema>));
  if (additionalProperties && typeof additionalProperties === 'object') children.push(additionalProperties as JsonSchema);
  return children;
}

function listRule(schema: JsonSchema): ListRule | undefined {
  const listType = schema['x-kubernetes-list-type'];
  if (listType !== 'set' && listType !== 'map') return undefined;
  let rule = listRules.get(schema);
  if (!rule) {
    rule = {
      type: listType,
      keys: (schema['x-kubernetes-list-map-keys'] as string[] | undefined) ?? [],
      defaults: (schema['x-ladder-list-key-defaults'] as Record<string, unknown> | undefined) ?? {},
    };
    listRules.set(schema, rule);
  }
  return rule;
}

const listRules = new WeakMap<JsonSchema, ListRule>();

function findDuplicates(rule: ListRule, list: readonly unknown[], path: readonly (string | number)[], problems: SchemaProblem[]): void {
  if (list.length < 2) return;
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
  // Most keyed lists (containers, env, volumes) have one key field.
  if (rule.keys.length === 1) {
    const key = rule.keys[0]!;
    return `${key}=${JSON.stringify(record[key] ?? rule.defaults[key] ?? null)}`;
  }
  return rule.keys.map((key) => `${key}=${JSON.stringify(record[key] ?? rule.defaults[key] ?? null)}`).join(',');
}
