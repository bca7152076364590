import type { JsonSchema } from './bundle.js';
import { formatChecks } from './formats.js';
import { re2PatternProblem } from './re2.js';

export interface ConvertOptions {
  /** Maps a `$ref` as written in the source to the output's; undefined drops it (anything is accepted there). */
  rewriteRef(ref: string): string | undefined;
  /**
   * CustomResourceDefinition mode. The API server prunes every field a structural
   * schema does not declare, so an object without `properties` or
   * `x-kubernetes-preserve-unknown-fields` keeps no field at all; with
   * `kubectl --validate=strict` (the default) each one is an error. Built-in
   * definitions such as RawExtension use a bare `type: object` for free-form data.
   */
  structural: boolean;
  /** `$ref` to ObjectMeta, for the metadata of embedded resources; without it metadata is free-form. */
  objectMetaRef?: string;
  /**
   * Called for a `pattern` Go's regexp (RE2 syntax) does not compile, which
   * kube-apiserver refuses in a CRD (re2.ts), with its path inside the source
   * schema and why; the pattern is left out.
   */
  onUnsafePattern?: (path: (string | number)[], pattern: string, problem: string) => void;
  /** The schema a `$ref` of the source points at, to read the defaults of a map list's key fields. */
  resolveRef?: (ref: string) => unknown;
}

/** Keywords whose value needs no conversion. */
const copiedKeywords = [
  'required', 'pattern', 'minimum', 'maximum', 'minLength', 'maxLength', 'minItems', 'maxItems',
  'uniqueItems', 'multipleOf', 'minProperties', 'maxProperties',
] as const;

/**
 * Converts a Kubernetes OpenAPI v3 schema (a built-in definition or a CRD's
 * `openAPIV3Schema`) into a JSON Schema Ajv compiles, strict like `kubeconform -strict`:
 * - objects with `properties` refuse other fields unless `x-kubernetes-preserve-unknown-fields`;
 * - `allOf: [{$ref}]` wrappers become the plain `$ref`;
 * - int-or-string (`x-kubernetes-int-or-string`, or a `oneOf` of bare types) becomes a type list;
 * - `nullable`, and every optional field, accept null: the API server decodes null into the
 *   zero value for built-in types and prunes it for custom resources;
 * - OpenAPI 3.0 boolean `exclusiveMinimum`/`exclusiveMaximum` become draft-07 numbers;
 * - `set` and `map` lists keep `x-kubernetes-list-type` and `x-kubernetes-list-map-keys`, and the
 *   defaults of their key fields as `x-ladder-list-key-defaults` (see list-keys.ts): server-side
 *   apply refuses two entries with one key;
 * - descriptions, other defaults, examples, other `x-kubernetes-*` hints and unknown formats are dropped.
 */
export function convertOpenApiSchema(source: unknown, options: ConvertOptions): JsonSchema {
  return convertNode(source, options, false, []);
}

function convertNode(source: unknown, options: ConvertOptions, inLogic: boolean, at: (string | number)[]): JsonSchema {
  if (!isObject(source)) return {};
  const nullable = source['nullable'] === true;
  const wrapped = wrappedRef(source);
  if (wrapped !== undefined) {
    const target = options.rewriteRef(wrapped);
    const ref: JsonSchema = target === undefined ? {} : { $ref: target };
    return nullable ? allowNull(ref) : ref;
  }

  const out: JsonSchema = {};
  const types = source['x-kubernetes-int-or-string'] === true ? ['integer', 'string'] : bareTypes(source['oneOf']) ?? bareTypes(source['anyOf']);
  if (types) out['type'] = types;
  else if (typeof source['type'] === 'string') out['type'] = source['type'];

  if (Array.isArray(source['enum'])) out['enum'] = [...source['enum']];
  if (typeof source['format'] === 'string' && source['format'] in formatChecks) out['format'] = source['format'];
  for (const keyword of copiedKeywords) if (source[keyword] !== undefined) out[keyword] = source[keyword];
  const patternProblem = typeof out['pattern'] === 'string' ? re2PatternProblem(out['pattern']) : undefined;
  if (typeof out['pattern'] === 'string' && patternProblem !== undefined) {
    options.onUnsafePattern?.([...at, 'pattern'], out['pattern'], patternProblem);
    delete out['pattern'];
  }
  convertExclusive(source, out, 'exclusiveMinimum', 'minimum');
  convertExclusive(source, out, 'exclusiveMaximum', 'maximum');

  const properties = isObject(source['properties']) ? source['properties'] : undefined;
  if (properties) {
    const required = new Set(Array.isArray(source['required']) ? source['required'] : []);
    const converted: JsonSchema = {};
    for (const [name, property] of Object.entries(properties)) {
      const schema = convertNode(property, options, inLogic, [...at, 'properties', name]);
      converted[name] = required.has(name) || inLogic ? schema : allowNull(schema);
    }
    if (source['x-kubernetes-embedded-resource'] === true) addEmbeddedResourceFields(converted, options.objectMetaRef);
    out['properties'] = converted;
  }

  const additional = source['additionalProperties'];
  if (typeof additional === 'boolean') out['additionalProperties'] = additional;
  else if (isObject(additional)) out['additionalProperties'] = convertNode(additional, options, inLogic, [...at, 'additionalProperties']);
  else if (!inLogic && source['x-kubernetes-preserve-unknown-fields'] !== true) {
    const bareObject = source['type'] === 'object' && options.structural;
    if (properties || bareObject) out['additionalProperties'] = false;
  }

  copyListType(source, out, options);

  if (Array.isArray(source['items'])) out['items'] = source['items'].map((item, i) => convertNode(item, options, inLogic, [...at, 'items', i]));
  else if (source['items'] !== undefined) out['items'] = convertNode(source['items'], options, inLogic, [...at, 'items']);

  for (const keyword of ['allOf', 'anyOf', 'oneOf'] as const) {
    const list = source[keyword];
    if (Array.isArray(list) && !(types && keyword !== 'allOf')) out[keyword] = list.map((item, i) => convertNode(item, options, true, [...at, keyword, i]));
  }
  if (source['not'] !== undefined) out['not'] = convertNode(source['not'], options, true, [...at, 'not']);

  return nullable ? allowNull(out) : out;
}

/**
 * Makes a converted schema also accept null. A `$ref` cannot carry a type, so it
 * goes under `else` of an `if: {type: null}`; message code ignores `if` errors.
 */
export function allowNull(schema: JsonSchema): JsonSchema {
  if (schema['$ref'] !== undefined) return { if: { type: 'null' }, else: schema };
  const out = { ...schema };
  const type = out['type'];
  if (typeof type === 'string') out['type'] = type === 'null' ? type : [type, 'null'];
  else if (Array.isArray(type) && !type.includes('null')) out['type'] = [...type, 'null'];
  if (Array.isArray(out['enum']) && !out['enum'].includes(null)) out['enum'] = [...out['enum'], null];
  return out;
}

/** `{$ref}` or `{allOf: [{$ref}]}` plus only annotations: the target of the reference. */
function wrappedRef(source: Record<string, unknown>): string | undefined {
  if (typeof source['$ref'] === 'string') return source['$ref'];
  const allOf = source['allOf'];
  if (!Array.isArray(allOf) || allOf.length !== 1) return undefined;
  const only: unknown = allOf[0];
  if (!isObject(only) || typeof only['$ref'] !== 'string' || Object.keys(only).length !== 1) return undefined;
  const validating = Object.keys(source).filter((key) => !['allOf', 'description', 'default', 'nullable', 'example'].includes(key) && !key.startsWith('x-'));
  return validating.length === 0 ? only['$ref'] : undefined;
}

/** `[{type: integer}, {type: string}]` → `['integer', 'string']`; anything richer → undefined. */
function bareTypes(list: unknown): string[] | undefined {
  if (!Array.isArray(list) || list.length === 0) return undefined;
  const types: string[] = [];
  for (const item of list) {
    if (!isObject(item) || typeof item['type'] !== 'string' || Object.keys(item).length !== 1) return undefined;
    types.push(item['type']);
  }
  return types;
}

function convertExclusive(source: Record<string, unknown>, out: JsonSchema, keyword: string, bound: 'minimum' | 'maximum'): void {
  const value = source[keyword];
  if (typeof value === 'number') out[keyword] = value;
  else if (value === true && typeof source[bound] === 'number') {
    out[keyword] = source[bound];
    delete out[bound];
  }
}

/** Keys that merge a list's entries under server-side apply, and the defaults a missing key field takes. */
function copyListType(source: Record<string, unknown>, out: JsonSchema, options: ConvertOptions): void {
  const listType = source['x-kubernetes-list-type'];
  if (listType === 'set') out['x-kubernetes-list-type'] = 'set';
  if (listType !== 'map') return;
  const keys = source['x-kubernetes-list-map-keys'];
  if (!Array.isArray(keys) || keys.length === 0 || !keys.every((key) => typeof key === 'string')) return;
  out['x-kubernetes-list-type'] = 'map';
  out['x-kubernetes-list-map-keys'] = [...keys];
  let items = source['items'];
  const ref = isObject(items) ? wrappedRef(items) : undefined;
  if (ref !== undefined) items = options.resolveRef?.(ref);
  const properties = isObject(items) && isObject(items['properties']) ? items['properties'] : {};
  const defaults: Record<string, unknown> = {};
  for (const key of keys as string[]) {
    const property = properties[key];
    if (isObject(property) && property['default'] !== undefined) defaults[key] = property['default'];
  }
  if (Object.keys(defaults).length > 0) out['x-ladder-list-key-defaults'] = defaults;
}

/**
 * An embedded object (a Pod template inside a custom resource) may carry
 * apiVersion, kind and metadata, and the API server checks its metadata as ObjectMeta.
 */
function addEmbeddedResourceFields(properties: JsonSchema, objectMetaRef: string | undefined): void {
  properties['apiVersion'] ??= allowNull({ type: 'string' });
  properties['kind'] ??= allowNull({ type: 'string' });
  properties['metadata'] = allowNull(objectMetaRef ? { $ref: objectMetaRef } : { type: 'object' });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
