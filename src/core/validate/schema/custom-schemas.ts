import type { ManifestDocument } from '../../manifests/document.js';
import { parseManifests } from '../../manifests/parse.js';
import type { JsonSchema, SchemaBundle } from './bundle.js';
import { bundleRef } from './compile.js';
import { crdApiVersion, crdKind, readCustomKinds, type CustomKind } from './crds.js';

export const objectMetaRef = bundleRef('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta');

/** What a custom resource whose CRD gives no schema (or one that cannot be used) is held to: the parts every object has. */
export const schemaless: JsonSchema = { type: 'object', properties: { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { $ref: objectMetaRef } } };

const key = (apiVersion: string, kind: string): string => `${apiVersion}\0${kind}`;

/** The kinds of the operator CRDs vendored with the bundle (External Secrets, Sealed Secrets), by apiVersion and kind. */
export function operatorCustomKinds(bundle: SchemaBundle): Map<string, CustomKind> {
  return new Map(
    (bundle.operatorCrds ?? [])
      .flatMap((source) => parseManifests(source.content, source.file).documents)
      .flatMap((document) => readCustomKinds(document, objectMetaRef))
      .map((custom) => [key(custom.apiVersion, custom.kind), custom]),
  );
}

/**
 * Every custom schema that validating `documents` may compile: the schemas of
 * the CRDs among them, of the vendored operator kinds they use, and the
 * fallback `schemaless`. The App compiles these in a worker thread first
 * (src/app/schemas.ts): a CRD is input from a code repository, and Ajv takes
 * about a second for 400 KB of schema, which on the App's thread would stop
 * every other webhook.
 */
export function customSchemasFor(bundle: SchemaBundle, documents: readonly ManifestDocument[]): JsonSchema[] {
  const schemas = new Map<string, JsonSchema>();
  const add = (schema: JsonSchema) => schemas.set(JSON.stringify(schema), schema);
  const defined = new Set<string>();
  for (const document of documents) {
    if (document.object['apiVersion'] !== crdApiVersion || document.object['kind'] !== crdKind) continue;
    for (const custom of readCustomKinds(document, objectMetaRef)) {
      defined.add(key(custom.apiVersion, custom.kind));
      add(custom.schema ?? schemaless);
    }
  }
  let operators: Map<string, CustomKind> | undefined;
  for (const { object } of documents) {
    const { apiVersion, kind } = object;
    if (typeof apiVersion !== 'string' || typeof kind !== 'string' || defined.has(key(apiVersion, kind)) || isBuiltIn(bundle, apiVersion, kind)) continue;
    const operator = (operators ??= operatorCustomKinds(bundle)).get(key(apiVersion, kind));
    if (operator) add(operator.schema ?? schemaless);
  }
  if (schemas.size > 0) add(schemaless);
  return [...schemas.values()];
}

function isBuiltIn(bundle: SchemaBundle, apiVersion: string, kind: string): boolean {
  return Object.hasOwn(bundle.kinds, apiVersion) && Object.hasOwn(bundle.kinds[apiVersion]!, kind);
}
