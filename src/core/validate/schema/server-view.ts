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
  /** What the rules find in the object as the server sees it, when no schema error stands. */
  refusals: ServerRefusal[];
  /** Schema errors that stand: the server refuses there too (or Ladder cannot tell it would not). */
  standing: ErrorObject[];
}

const lenientKeywords = new Set(['required', 'enum', 'if']);

/**
 * undefined when the schema errors are of a kind the decoder enforces (or
 * the kind's rules cannot tell); otherwise what to report instead of them.
 */
export function serverView(errors: readonly ErrorObject[], object: Obj, rules: ApiServerRules, definitions: Record<string, JsonSchema>): ServerView | undefined {
  if (errors.length === 0 || !errors.every((error) => lenientKeywords.has(error.keyword))) return undefined;
  try {
    const prepared = rules.prepared(object);
    if (!prepared) return undefined;
    const candidate = structuredClone(object);
    const dropped: ErrorObject[] = [];
    const open: { error: ErrorObject; path: Path; zeroFilled: boolean }[] = [];
    for (const error of errors) {
      if (error.keyword === 'if') continue; // the null wrapper's echo of its `else` error
      const at = pointerToPath(error.instancePath, object);
      if (valueAt(prepared, at) === undefined) {
        dropped.push(error);
        // What the server drops is the outermost part gone (a lifecycle left empty goes with its stopSignal).
        const gone = at.findIndex((_, i) => valueAt(prepared, at.slice(0, i + 1)) === undefined);
        removeAt(candidate, at.slice(0, gone + 1));
        continue;
      }
      if (error.keyword === 'enum') {
        open.push({ error, path: at, zeroFilled: false }); // validation checks the value as well; the rules say how
        continue;
      }
      const missing = String((error.params as { missingProperty?: unknown }).missingProperty);
      const zero = zeroOf(propertySchema(error.parentSchema, missing, definitions));
      const parent = valueAt(candidate, at);
      // A missing object or list stays missing: the rules report it as the server does.
      const zeroFilled = zero !== undefined && typeof parent === 'object' && parent !== null;
      if (zeroFilled) (parent as Obj)[missing] = zero;
      open.push({ error, path: [...at, missing], zeroFilled });
    }
    const refusals = rules.check(candidate);
    const explained = (path: Path) => refusals.some((r) => r.severity === 'error' && (related(r.error.path, path) || related(r.location, path)));
    // An error stands in the schema's words unless it was a number or string the server fills with its
    // zero value and then accepts. With one standing, the object is wrong as written: the rules wait.
    const standing = open.filter((item) => explained(item.path) || !item.zeroFilled).map((item) => item.error);
    return { dropped, refusals: standing.length === 0 ? refusals : [], standing };
  } catch {
    return undefined; // a shape the rules do not expect: the schema errors stand
  }
}

/** One path lies within the other. */
function related(a: readonly (string | number)[], b: readonly (string | number)[]): boolean {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) if (String(a[i]) !== String(b[i])) return false;
  return true;
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
