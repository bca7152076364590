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

/** Where, below one schema, lists with keys can be: only the branches that lead to one. */
interface Plan {
  list?: ListRule;
  properties: Map<string, Plan>;
  items?: Plan;
  values?: Plan;
}

export function createListKeyChecker(definitions: Record<string, JsonSchema>): ListKeyChecker {
  const plans = new WeakMap<JsonSchema, Plan | undefined>();

  const planOf = (schema: JsonSchema | undefined): Plan | undefined => {
    if (!schema) return undefined;
    const ref = schema['$ref'];
    if (typeof ref === 'string') return planOfRef(ref);
    if (plans.has(schema)) return plans.get(schema);
    const plan: Plan = { properties: new Map() };
    plans.set(schema, plan); // recursive schemas (JSONSchemaProps) end at the plan being built
    const elseBranch = schema['else'];
    if (elseBranch && typeof elseBranch === 'object') return finish(schema, plan, planOf(elseBranch as JsonSchema));
    const listType = schema['x-kubernetes-list-type'];
    if (listType === 'set' || listType === 'map') {
      const keys = (schema['x-kubernetes-list-map-keys'] as string[] | undefined) ?? [];
      plan.list = { type: listType, keys, defaults: (schema['x-ladder-list-key-defaults'] as Record<string, unknown> | undefined) ?? {} };
    }
    for (const [name, property] of Object.entries((schema['properties'] as Record<string, JsonSchema> | undefined) ?? {})) {
      const child = planOf(property);
      if (child) plan.properties.set(name, child);
    }
    const items = schema['items'];
    if (items && typeof items === 'object' && !Array.isArray(items)) plan.items = planOf(items as JsonSchema);
    const additional = schema['additionalProperties'];
    if (additional && typeof additional === 'object') plan.values = planOf(additional as JsonSchema);
    return finish(schema, plan, plan);
  };
  const finish = (schema: JsonSchema, plan: Plan, result: Plan | undefined): Plan | undefined => {
    const useful = result && (result.list || result.properties.size > 0 || result.items || result.values) ? result : undefined;
    if (useful !== plan) Object.assign(plan, useful ?? {}); // a recursive reference to `plan` sees the final answer
    plans.set(schema, useful);
    return useful;
  };
  const planOfRef = (ref: string): Plan | undefined => planOf(definitions[ref.slice(ref.indexOf(definitionRefPrefix) + definitionRefPrefix.length)]);

  return {
    check(schema, object) {
      const plan = planOf(schema);
      const problems: SchemaProblem[] = [];
      if (plan) walk(plan, object, [], problems);
      return problems;
    },
  };
}

function walk(plan: Plan, value: unknown, path: (string | number)[], problems: SchemaProblem[]): void {
  if (Array.isArray(value)) {
    if (plan.list) findDuplicates(plan.list, value, path, problems);
    if (plan.items) value.forEach((item, i) => walk(plan.items!, item, [...path, i], problems));
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  const record = value as Record<string, unknown>;
  for (const [name, child] of plan.properties) if (record[name] !== undefined) walk(child, record[name], [...path, name], problems);
  if (plan.values) for (const [name, child] of Object.entries(record)) walk(plan.values, child, [...path, name], problems);
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
