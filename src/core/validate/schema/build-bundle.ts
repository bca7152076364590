import { definitionRefPrefix, schemaBundleFormat, type BundledKind, type JsonSchema, type SchemaBundle } from './bundle.js';
import { convertOpenApiSchema } from './convert-openapi.js';
import type { FieldEnum } from './go-enums.js';

/** One `api/openapi-spec/v3/*.json` document, the parts the bundle needs. */
export interface OpenApiDocument {
  paths?: Record<string, Record<string, unknown>>;
  components?: { schemas?: Record<string, unknown> };
}

export interface BuildBundleInput {
  kubernetesVersion: string;
  source: string;
  documents: readonly OpenApiDocument[];
  enums?: readonly FieldEnum[];
}

export interface BuildBundleResult {
  bundle: SchemaBundle;
  /** Things the maintainer should look at (enums that found no field, conflicting definitions). */
  warnings: string[];
  /** Enums from the Go source that landed on a field of the bundle's definitions. */
  enumsApplied: number;
}

const sourceRefPrefix = '#/components/schemas/';
const quantityDefinition = 'io.k8s.apimachinery.pkg.api.resource.Quantity';

/**
 * Builds a schema bundle from the OpenAPI v3 documents of one release: merges
 * their definitions, finds the kinds the API serves (every group-version-kind
 * an operation in `paths` names) and whether each is namespaced (served under
 * `/namespaces/{namespace}/`), adds the enums, converts the definitions those
 * kinds reach, and drops the rest.
 */
export function buildSchemaBundle(input: BuildBundleInput): BuildBundleResult {
  const warnings = new Set<string>();
  const raw = new Map<string, Record<string, unknown>>();
  const conflicting = new Set<string>();
  for (const document of input.documents) {
    for (const [name, schema] of Object.entries(document.components?.schemas ?? {})) {
      const known = raw.get(name);
      // Each group's file lists only its own group-version-kinds on shared types such as DeleteOptions.
      if (known && withoutKinds(known) !== withoutKinds(schema)) conflicting.add(name);
      if (!known) raw.set(name, schema as Record<string, unknown>);
    }
  }

  const served = findServedKinds(input.documents);
  const definitionOfKind = new Map<string, string>();
  for (const [name, schema] of raw) {
    for (const gvk of asArray(schema['x-kubernetes-group-version-kind'])) {
      const key = gvkKey(gvk);
      if (key && served.has(key)) definitionOfKind.set(key, name);
    }
  }

  const kinds: Record<string, Record<string, BundledKind>> = {};
  for (const [key, namespaced] of served) {
    const definition = definitionOfKind.get(key);
    if (!definition) {
      warnings.add(`no definition carries group-version-kind ${key}; left out`);
      continue;
    }
    const [apiVersion, kind] = splitKey(key);
    (kinds[apiVersion] ??= {})[kind] = { definition, namespaced };
  }

  // The Go source also holds types the release does not serve (internal, removed versions): skip those quietly.
  let enumsApplied = 0;
  for (const fieldEnum of input.enums ?? []) {
    if (!raw.has(fieldEnum.definition)) continue;
    if (applyEnum(raw, fieldEnum)) enumsApplied++;
    else warnings.add(`enum ${fieldEnum.definition}.${fieldEnum.path.join('.')} found no string field`);
  }

  const definitions: Record<string, JsonSchema> = {};
  const pending = [...definitionOfKind.values()];
  const rewriteRef = (ref: string): string | undefined => {
    if (!ref.startsWith(sourceRefPrefix)) return undefined;
    const name = ref.slice(sourceRefPrefix.length);
    if (!raw.has(name)) return undefined;
    pending.push(name);
    return definitionRefPrefix + name;
  };
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    if (definitions[name]) continue;
    const resolveRef = (ref: string) => (ref.startsWith(sourceRefPrefix) ? raw.get(ref.slice(sourceRefPrefix.length)) : undefined);
    const converted = convertOpenApiSchema(raw.get(name), { rewriteRef, resolveRef, structural: false });
    if (name === quantityDefinition) converted['format'] = 'quantity';
    definitions[name] = converted;
    if (conflicting.has(name)) warnings.add(`definition ${name} differs between spec files; kept the first`);
  }

  return {
    bundle: { bundleFormat: schemaBundleFormat, kubernetesVersion: input.kubernetesVersion, source: input.source, definitions, kinds },
    warnings: [...warnings],
    enumsApplied,
  };
}

/** `group/version/Kind` of every operation's `x-kubernetes-group-version-kind` → namespaced. */
function findServedKinds(documents: readonly OpenApiDocument[]): Map<string, boolean> {
  const served = new Map<string, boolean>();
  for (const document of documents) {
    for (const [path, item] of Object.entries(document.paths ?? {})) {
      for (const operation of Object.values(item)) {
        const op = operation as Record<string, unknown> | null;
        // `connect` operations (exec, attach, proxy) name option kinds, not objects one can apply.
        if (op?.['x-kubernetes-action'] === 'connect') continue;
        const key = gvkKey(op?.['x-kubernetes-group-version-kind']);
        if (!key) continue;
        served.set(key, (served.get(key) ?? false) || path.includes('/namespaces/{namespace}/'));
      }
    }
  }
  return served;
}

function gvkKey(gvk: unknown): string | undefined {
  if (typeof gvk !== 'object' || gvk === null) return undefined;
  const { group, version, kind } = gvk as Record<string, unknown>;
  if (typeof group !== 'string' || typeof version !== 'string' || typeof kind !== 'string') return undefined;
  return `${group ? `${group}/` : ''}${version}/${kind}`;
}

/** `apps/v1/Deployment` → [`apps/v1`, `Deployment`]; `v1/Pod` → [`v1`, `Pod`]. */
function splitKey(key: string): [string, string] {
  const slash = key.lastIndexOf('/');
  return [key.slice(0, slash), key.slice(slash + 1)];
}

function applyEnum(raw: Map<string, Record<string, unknown>>, { definition, path, values }: FieldEnum): boolean {
  let node: unknown = raw.get(definition);
  for (const part of path) {
    const container = node as Record<string, unknown> | undefined;
    if (part === '[]') node = container?.['items'];
    else if (part === '{}') node = container?.['additionalProperties'];
    else node = (container?.['properties'] as Record<string, unknown> | undefined)?.[part];
  }
  const field = node as Record<string, unknown> | undefined;
  if (field?.['type'] !== 'string') return false;
  // Go cannot tell an empty string from an omitted field: the API server decodes ""
  // as unset, defaults it, and its validation judges it like a missing value.
  field['enum'] = ['', ...[...values].filter((v) => v !== '').sort()];
  return true;
}

function withoutKinds(schema: unknown): string {
  return JSON.stringify(schema, (key, value: unknown) => (key === 'x-kubernetes-group-version-kind' ? undefined : value));
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
