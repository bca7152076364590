import type { ErrorObject } from 'ajv';
import { formatKeyPath } from '../../errors.js';
import { suggestNearest } from '../../text/suggest.js';
import { formatChecks } from './formats.js';

/** One schema problem in words, at a path of keys and indexes inside the object. */
export interface SchemaProblem {
  path: (string | number)[];
  message: string;
}

/**
 * Turns Ajv's errors into one plain sentence each, prefixed with the field
 * path users write (`spec.template.spec.containers[0].image`). Errors inside
 * the branches of an `anyOf`/`oneOf` are folded into that keyword's error:
 * listing why each alternative failed confuses more than it helps.
 */
export function describeSchemaErrors(
  errors: readonly ErrorObject[],
  data: unknown,
  /** Paths whose values must not appear in messages (Secret data): they end up in logs and check runs. */
  isSensitive: (path: readonly (string | number)[]) => boolean = () => false,
): SchemaProblem[] {
  const branchRoots = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf').map((e) => `${e.schemaPath}/`);
  // `replicas: 1.5` fails both `type: integer` and `format: int32`; the type error says it all.
  const wrongType = new Set(errors.filter((e) => e.keyword === 'type').map((e) => e.instancePath));
  const seen = new Set<string>();
  const problems: SchemaProblem[] = [];
  for (const error of errors) {
    if (error.keyword === 'if') continue; // the null wrapper's own report; its `else` branch error says what is wrong
    if (branchRoots.some((root) => error.schemaPath.startsWith(root))) continue;
    if (error.keyword === 'format' && wrongType.has(error.instancePath)) continue;
    const path = pointerToPath(error.instancePath, data);
    const problem = describe(error, path, isSensitive(path) || error.keyword === 'format' && (error.params as { format?: string }).format === 'byte');
    const key = `${formatKeyPath(problem.path)}\0${problem.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push({ path: problem.path, message: `${formatKeyPath(problem.path) || '(document)'}: ${problem.message}` });
  }
  return problems;
}

/** A typo is usually made many times in a set (one template, many renders): each is looked up once per schema. */
const nearestFields = new WeakMap<object, Map<string, string | undefined>>();

function nearestField(field: string, parentSchema: { properties?: object } | undefined): string | undefined {
  const known = (): string[] => Object.keys(parentSchema?.properties ?? {});
  if (typeof parentSchema !== 'object' || parentSchema === null) return suggestNearest(field, known());
  let answers = nearestFields.get(parentSchema);
  if (!answers) nearestFields.set(parentSchema, (answers = new Map()));
  if (!answers.has(field)) {
    // Bounded: a long-running App sees fields of many sets.
    if (answers.size >= 1000) answers.clear();
    answers.set(field, suggestNearest(field, known()));
  }
  return answers.get(field);
}

function describe(error: ErrorObject, path: (string | number)[], redact: boolean): SchemaProblem {
  const params = error.params as Record<string, unknown>;
  const got = redact ? describeType(error.data) : describeValue(error.data);
  switch (error.keyword) {
    case 'additionalProperties': {
      const field = String(params['additionalProperty']);
      const nearest = nearestField(field, error.parentSchema as { properties?: object } | undefined);
      return { path: [...path, field], message: `unknown field${nearest ? ` (did you mean ${nearest}?)` : ''}` };
    }
    case 'required':
      return { path: [...path, String(params['missingProperty'])], message: 'required field missing' };
    case 'type':
      return { path, message: `expected ${describeTypes(params['type'])}, got ${got}` };
    case 'enum': {
      const allowed = (params['allowedValues'] as unknown[]).filter((v) => v !== null && v !== '').map(String);
      return { path, message: `must be one of ${allowed.join(', ')}; got ${got}` };
    }
    case 'const':
      return { path, message: `must be ${JSON.stringify(params['allowedValue'])}; got ${got}` };
    case 'format': {
      const check = formatChecks[String(params['format'])];
      return { path, message: `expected ${check?.expected ?? `format ${String(params['format'])}`}, got ${got}` };
    }
    case 'pattern':
      return { path, message: `must match the pattern ${String(params['pattern'])}; got ${got}` };
    case 'minimum': case 'maximum': case 'exclusiveMinimum': case 'exclusiveMaximum':
      return { path, message: `must be ${String(params['comparison'])} ${String(params['limit'])}; got ${got}` };
    case 'minLength':
      return { path, message: `must be at least ${plural(params['limit'], 'character')} long` };
    case 'maxLength':
      return { path, message: `must be at most ${plural(params['limit'], 'character')} long` };
    case 'minItems':
      return { path, message: `must have at least ${plural(params['limit'], 'item')}` };
    case 'maxItems':
      return { path, message: `must have at most ${plural(params['limit'], 'item')}` };
    case 'minProperties':
      return { path, message: `must have at least ${plural(params['limit'], 'field')}` };
    case 'maxProperties':
      return { path, message: `must have at most ${plural(params['limit'], 'field')}` };
    case 'uniqueItems':
      return { path, message: `items ${String(params['j'])} and ${String(params['i'])} are the same; each item must be unique` };
    case 'multipleOf':
      return { path, message: `must be a multiple of ${String(params['multipleOf'])}; got ${got}` };
    case 'anyOf':
      return { path, message: `does not match any of the allowed forms; got ${got}` };
    case 'oneOf':
      return { path, message: params['passingSchemas'] ? 'matches more than one of the allowed forms' : `does not match any of the allowed forms; got ${got}` };
    case 'not':
      return { path, message: `has a value the schema forbids; got ${got}` };
    case 'false schema':
      return { path, message: 'is not allowed here' };
    default:
      return { path, message: error.message ?? `fails the ${error.keyword} check` };
  }
}

/** `/spec/containers/0/image` → `['spec', 'containers', 0, 'image']`, numbers where the data holds a list. */
export function pointerToPath(pointer: string, data: unknown): (string | number)[] {
  if (pointer === '') return [];
  const path: (string | number)[] = [];
  let node = data;
  for (const raw of pointer.slice(1).split('/')) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) {
      const index = Number(part);
      path.push(index);
      node = node[index];
    } else {
      path.push(part);
      node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[part] : undefined;
    }
  }
  return path;
}

const typeNames: Record<string, string> = { array: 'list', object: 'object', string: 'string', integer: 'integer', number: 'number', boolean: 'boolean' };

function describeTypes(types: unknown): string {
  const list = (Array.isArray(types) ? types : String(types).split(',')).map(String).filter((t) => t !== 'null');
  return list.map((t) => typeNames[t] ?? t).join(' or ');
}

/** A value as a message shows it: `string "3"`, `number 3`, `null`, `a list`, `an object`. Long strings are cut. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string': {
      const shown = value.length > 60 ? `${value.slice(0, 57)}...` : value;
      return `string ${JSON.stringify(shown)}`;
    }
    case 'number': return `number ${value}`;
    case 'boolean': return `boolean ${value}`;
    case 'object': return 'an object';
    default: return typeof value;
  }
}

/** A value's kind only, for values that must not be shown: `a string`, `a number`. */
function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' || typeof value === 'undefined' ? 'an object' : `a ${typeof value}`;
}

function plural(count: unknown, noun: string): string {
  return `${String(count)} ${noun}${count === 1 ? '' : 's'}`;
}
