/**
 * Writes kubeconform's schema layout from a Ladder schema bundle, so both
 * validators judge the corpus by the same schemas and the benchmark measures
 * the validators, not two sets of schemas.
 *
 * One standalone file per kind, named like kubeconform's
 * `{{ .ResourceKind }}{{ .KindSuffix }}.json` template (`deployment-apps-v1.json`),
 * with every definition it reaches under `definitions`. Formats kubeconform's
 * JSON Schema library does not know (int32, int64, byte, quantity) become the
 * equivalent `minimum`/`maximum`/`pattern`, so a value Ladder refuses is refused there too.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { JsonSchema, SchemaBundle } from '../../src/core/validate/schema/bundle.js';
import { base64Pattern, int32Range, int64Range, quantityPattern } from '../../src/core/validate/schema/formats.js';

export const kubeconformTemplate = '{{ .ResourceKind }}{{ .KindSuffix }}.json';

/** kubeconform's file name for a kind: lower-case kind, then `-<first label of the group>` and `-<version>`. */
export function kubeconformFileName(apiVersion: string, kind: string): string {
  const [groupOrVersion, version] = apiVersion.split('/');
  const suffix = `-${groupOrVersion!.split('.')[0]!.toLowerCase()}${version ? `-${version.toLowerCase()}` : ''}`;
  return `${kind.toLowerCase()}${suffix}.json`;
}

/** Writes the schemas once per bundle content into `cacheDir`; returns the directory. */
export async function writeKubeconformSchemas(bundle: SchemaBundle, cacheDir: string): Promise<string> {
  const hash = createHash('sha256').update(JSON.stringify(bundle)).digest('hex').slice(0, 12);
  const dir = join(cacheDir, `kubernetes-${bundle.kubernetesVersion}-${hash}`);
  if (existsSync(dir)) return dir;
  const partial = `${dir}.partial-${process.pid}`;
  await rm(partial, { recursive: true, force: true });
  await mkdir(partial, { recursive: true });
  for (const [apiVersion, kinds] of Object.entries(bundle.kinds)) {
    for (const [kind, { definition }] of Object.entries(kinds)) {
      const schema = { $schema: 'http://json-schema.org/draft-07/schema#', ...standalone(bundle, definition) };
      await writeFile(join(partial, kubeconformFileName(apiVersion, kind)), JSON.stringify(schema));
    }
  }
  await rename(partial, dir);
  return dir;
}

function standalone(bundle: SchemaBundle, root: string): JsonSchema {
  const reached = new Set<string>([root]);
  const pending = [root];
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    for (const match of JSON.stringify(bundle.definitions[name]).matchAll(/"\$ref":"#\/definitions\/([^"]+)"/g)) {
      if (!reached.has(match[1]!)) {
        reached.add(match[1]!);
        pending.push(match[1]!);
      }
    }
  }
  const definitions = Object.fromEntries([...reached].sort().map((name) => [name, translateFormats(bundle.definitions[name])]));
  return { ...(translateFormats(bundle.definitions[root]) as JsonSchema), definitions };
}

function translateFormats(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(translateFormats);
  if (typeof node !== 'object' || node === null) return node;
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) {
    // `properties` maps field names to schemas: a field called `format` is not the keyword.
    out[key] = key === 'properties'
      ? Object.fromEntries(Object.entries(value as JsonSchema).map(([field, schema]) => [field, translateFormats(schema)]))
      : translateFormats(value);
  }
  switch (out['format']) {
    case 'int32': Object.assign(out, int32Range); delete out['format']; break;
    case 'int64': Object.assign(out, int64Range); delete out['format']; break;
    case 'byte': out['pattern'] = base64Pattern.source; delete out['format']; break;
    case 'quantity': out['pattern'] = quantityPattern.source; delete out['format']; break;
  }
  return out;
}
