import type { Finding } from '../../findings.js';
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
    kinds.push({
      apiVersion: `${group}/${name}`,
      kind,
      namespaced,
      schema: openApi ? customResourceSchema(openApi, objectMetaRef) : undefined,
      definedIn: { document, path },
    });
  });
  return kinds;
}

/**
 * The schema a custom resource is checked against: the CRD's own, with
 * apiVersion, kind and metadata as the API server treats them (metadata is
 * always ObjectMeta, whatever the CRD says about it).
 */
function customResourceSchema(openApi: Record<string, unknown>, objectMetaRef: string): JsonSchema {
  const schema = convertOpenApiSchema(openApi, { rewriteRef: () => undefined, structural: true, objectMetaRef });
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
  const { document, path } = custom.definedIn;
  const where = document.positionOf(path);
  return {
    file: document.file,
    line: where.line,
    column: where.column,
    kind: crdKind,
    name: nameOf(document),
    rule: 'schema',
    severity: 'error',
    message: `the schema of ${custom.apiVersion} ${custom.kind} cannot be used to check its objects: ${reason}`,
    hint: 'Fix the openAPIV3Schema; the API server would refuse this CustomResourceDefinition too.',
  };
}

export function nameOf(document: ManifestDocument): string | undefined {
  const name = asRecord(document.object['metadata'])?.['name'];
  return typeof name === 'string' && name ? name : undefined;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
