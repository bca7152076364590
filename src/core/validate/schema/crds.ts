import type { Finding, Severity } from '../../findings.js';
import type { ManifestDocument } from '../../manifests/document.js';
import { allowNull, convertOpenApiSchema } from './convert-openapi.js';
import type { JsonSchema } from './bundle.js';

/** A kind a CustomResourceDefinition in the manifest set serves. */
export interface CustomKind {
  apiVersion: string;
  kind: string;
  namespaced: boolean;
  /** JSON Schema of the whole custom resource; undefined when the CRD gives none. */
  schema: JsonSchema | undefined;
  /** Where its schema is, for findings about the schema itself. */
  definedIn: { document: ManifestDocument; path: (string | number)[] };
  /** Patterns left out because JavaScript could take exponential time on them; paths are inside the schema. */
  /** Patterns the API server would refuse (not RE2), with why. */
  unsafePatterns: { path: (string | number)[]; pattern: string; problem: string }[];
}

export const crdApiVersion = 'apiextensions.k8s.io/v1';
export const crdKind = 'CustomResourceDefinition';

/**
 * Reads the served versions of a CustomResourceDefinition. Shape problems of the
 * CRD itself are the built-in schema's to report; this only takes what it can use.
 */
export function readCustomKinds(document: ManifestDocument, objectMetaRef: string): CustomKind[] {
  const spec = asRecord(document.object['spec']);
  const group = spec?.['group'];
  const kind = asRecord(spec?.['names'])?.['kind'];
  if (typeof group !== 'string' || typeof kind !== 'string' || !group || !kind) return [];
  const namespaced = spec?.['scope'] !== 'Cluster';
  const versions = Array.isArray(spec?.['versions']) ? spec['versions'] : [];
  const kinds: CustomKind[] = [];
  versions.forEach((entry: unknown, index) => {
    const version = asRecord(entry);
    const name = version?.['name'];
    // A version the API server does not serve cannot be applied; leaving it out makes its objects unknown.
    if (typeof name !== 'string' || !name || version?.['served'] === false) return;
    const openApi = asRecord(asRecord(version?.['schema'])?.['openAPIV3Schema']);
    const path = ['spec', 'versions', index, 'schema', 'openAPIV3Schema'];
    const unsafePatterns: CustomKind['unsafePatterns'] = [];
    const onUnsafePattern = (at: (string | number)[], pattern: string, problem: string) => unsafePatterns.push({ path: at, pattern, problem });
    kinds.push({
      apiVersion: `${group}/${name}`,
      kind,
      namespaced,
      schema: openApi ? customResourceSchema(openApi, objectMetaRef, onUnsafePattern) : undefined,
      definedIn: { document, path },
      unsafePatterns,
    });
  });
  return kinds;
}

/**
 * The schema a custom resource is checked against: the CRD's own, with
 * apiVersion, kind and metadata as the API server treats them (metadata is
 * always ObjectMeta, whatever the CRD says about it).
 */
function customResourceSchema(
  openApi: Record<string, unknown>,
  objectMetaRef: string,
  onUnsafePattern: (path: (string | number)[], pattern: string, problem: string) => void,
): JsonSchema {
  const schema = convertOpenApiSchema(openApi, { rewriteRef: () => undefined, structural: true, objectMetaRef, onUnsafePattern });
  const properties = (schema['properties'] as JsonSchema | undefined) ?? {};
  schema['properties'] = {
    ...properties,
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    metadata: allowNull({ $ref: objectMetaRef }),
  };
  return schema;
}

/** A finding about a CRD's schema that cannot be used to check its custom resources. */
export function unusableSchemaFinding(custom: CustomKind, reason: string): Finding {
  return crdFinding(custom, [], 'error',
    `the schema of ${custom.apiVersion} ${custom.kind} cannot be used to check its objects: ${reason}`,
    'Fix the openAPIV3Schema; the API server would refuse this CustomResourceDefinition too.');
}

/** An error: one `pattern` of a CRD is not RE2, so the API server refuses the CRD. */
export function unsafePatternFinding(custom: CustomKind, unsafe: CustomKind['unsafePatterns'][number]): Finding {
  return crdFinding(custom, unsafe.path, 'error',
    `pattern ${unsafe.pattern} of ${custom.apiVersion} ${custom.kind} is not a valid Go (RE2) regular expression, so the API server refuses this CRD: ${unsafe.problem}`,
    'CRD patterns are RE2 syntax (https://github.com/google/re2/wiki/Syntax): no lookaround or backreferences, repeat counts up to 1000.');
}

/** A `schema` finding on the CRD that defines `custom`, at `subPath` inside its openAPIV3Schema. */
function crdFinding(custom: CustomKind, subPath: readonly (string | number)[], severity: Severity, message: string, hint: string): Finding {
  const { document, path } = custom.definedIn;
  const where = document.positionOf([...path, ...subPath]);
  return { file: document.file, line: where.line, column: where.column, kind: crdKind, name: nameOf(document), rule: 'schema', severity, message, hint };
}

export function nameOf(document: ManifestDocument): string | undefined {
  const name = asRecord(document.object['metadata'])?.['name'];
  return typeof name === 'string' && name ? name : undefined;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
