import type { ErrorObject } from 'ajv';
import type { ApiServerRules, ServerRefusal } from '../apiserver/index.js';
import { definitionRefPrefix, type JsonSchema } from './bundle.js';
import { pointerToPath } from './messages.js';

type Obj = Record<string, unknown>;
type Path = (string | number)[];

/**
 * The API server decodes an object before it validates it, and its decoder
 * enforces types, formats and known fields, but not the schema's `required`
 * and `enum`: a missing field is Go's zero value (`sleep: {}` has 0 seconds),
 * and a field of a feature that is off is dropped before validation looks at
 * it (`lifecycle.stopSignal` while ContainerStopSignals is off). For a kind
 * whose validation Ladder ports, such schema errors stand only when the
 * server's rules would refuse the object as the server sees it.
 */
export interface ServerView {
  /** Schema errors on fields the server drops: no effect, so a warning. */
  dropped: ErrorObject[];
  /** What the rules warn about in the object as the server sees it. */
  warnings: ServerRefusal[];
}

const lenientKeywords = new Set(['required', 'enum', 'if']);

/**
 * undefined when the schema errors stand (the server would refuse the object
 * too, or Ladder cannot tell); otherwise what to report instead of them.
 */
export function serverView(
  errors: readonly ErrorObject[], object: Obj, rules: ApiServerRules,
  matchesSchema: (object: unknown) => boolean, definitions: Record<string, JsonSchema>,
): ServerView | undefined {
  if (errors.length === 0 || !errors.every((error) => lenientKeywords.has(error.keyword))) return undefined;
  let prepared: Obj | undefined;
  try {
    prepared = rules.prepared(object);
  } catch {
    return undefined; // a shape the rules do not expect: the schema errors stand
  }
  if (!prepared) return undefined;
  const candidate = structuredClone(object);
  const dropped: ErrorObject[] = [];
  for (const error of errors) {
    if (error.keyword === 'if') continue; // the null wrapper's echo of its `else` error
    const path = pointerToPath(error.instancePath, object);
    if (valueAt(prepared, path) === undefined) {
      dropped.push(error);
      // What the server drops is the outermost part gone (a lifecycle left empty goes with its stopSignal).
      const gone = path.findIndex((_, i) => valueAt(prepared, path.slice(0, i + 1)) === undefined);
      removeAt(candidate, path.slice(0, gone + 1));
      continue;
    }
    if (error.keyword === 'enum') return undefined; // validation checks the value too
    const missing = String((error.params as { missingProperty?: unknown }).missingProperty);
    const zero = zeroOf(propertySchema(error.parentSchema, missing, definitions));
    if (zero === undefined) return undefined; // a missing object or list: Go's zero value is not what a user meant
    const parent = valueAt(candidate, path);
    if (typeof parent !== 'object' || parent === null) return undefined;
    (parent as Obj)[missing] = zero;
  }
  if (!matchesSchema(candidate)) return undefined;
  const refusals = rules.check(candidate);
  if (refusals.some((refusal) => refusal.severity === 'error')) return undefined;
  return { dropped, warnings: refusals };
}

function valueAt(root: unknown, path: Path): unknown {
  let node = root;
  for (const part of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string | number, unknown>)[part];
  }
  return node;
}

function removeAt(root: Obj, path: Path): void {
  const parent = valueAt(root, path.slice(0, -1));
  if (typeof parent === 'object' && parent !== null && !Array.isArray(parent)) delete (parent as Obj)[path.at(-1) as string];
}

function propertySchema(parent: unknown, name: string, definitions: Record<string, JsonSchema>): JsonSchema | undefined {
  let node = (parent as { properties?: Record<string, JsonSchema> } | undefined)?.properties?.[name];
  for (let i = 0; i < 5 && node; i++) {
    const ref = node['$ref'];
    if (typeof ref === 'string') node = definitions[ref.slice(ref.indexOf(definitionRefPrefix) + definitionRefPrefix.length)];
    else if (node['else'] && typeof node['else'] === 'object') node = node['else'] as JsonSchema;
    else break;
  }
  return node;
}

/** Go's zero value of a scalar field; undefined for anything else. */
function zeroOf(schema: JsonSchema | undefined): unknown {
  const types = ([] as unknown[]).concat(schema?.['type'] ?? []).filter((type) => type !== 'null');
  if (types.length !== 1 || schema?.['format'] === 'quantity') return undefined;
  switch (types[0]) {
    case 'string': return '';
    case 'integer': case 'number': return 0;
    case 'boolean': return false;
    default: return undefined;
  }
}
