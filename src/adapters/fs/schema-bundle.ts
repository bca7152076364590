import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { packageFile } from './package-root.js';
import { LadderInputError, type InputLocation } from '../../core/errors.js';
import { isSchemaBundle, type SchemaBundle } from '../../core/validate/schema/bundle.js';

const bundleFile = /^v(1\.\d+)\.json$/;

/** The bundled schemas live in `src/schemas/kubernetes/` of the package, which ships `src/schemas` next to `dist`. */
function schemaDirectory(): string {
  const dir = packageFile('src', 'schemas', 'kubernetes');
  if (!existsSync(dir)) throw new Error(`the bundled Kubernetes schemas are missing (looked in ${dir}); reinstall Ladder`);
  return dir;
}

/** Kubernetes minor versions with bundled schemas, oldest first, e.g. `['1.34', '1.35', '1.36']`. */
export function bundledKubernetesVersions(): string[] {
  return readdirSync(schemaDirectory())
    .map((name) => bundleFile.exec(name)?.[1])
    .filter((version): version is string => version !== undefined)
    .sort((a, b) => Number(a.split('.')[1]) - Number(b.split('.')[1]));
}

/**
 * Reads the schemas of a Kubernetes minor version (`1.35`; `v1.35` and
 * `1.35.2` name the same bundle), or of the newest bundled one. A version
 * without a bundle is a LadderInputError naming those there are; `from` says
 * where the version was asked for (default: the `kubernetesVersion` setting).
 */
export async function loadSchemaBundle(version?: string, from: InputLocation = { file: 'kubernetesVersion' }): Promise<SchemaBundle> {
  const available = bundledKubernetesVersions();
  const wanted = version === undefined ? available.at(-1) : /^v?(1\.\d+)(?:\.\d+)?$/.exec(version.trim())?.[1];
  if (wanted === undefined || !available.includes(wanted)) {
    const asked = version === undefined ? 'the newest Kubernetes version' : `Kubernetes ${version}`;
    throw new LadderInputError(`${asked} has no bundled schemas; Ladder bundles ${available.join(', ') || 'none'}`, from);
  }
  const file = join(schemaDirectory(), `v${wanted}.json`);
  const bundle: unknown = JSON.parse(await readFile(file, 'utf8'));
  if (!isSchemaBundle(bundle)) throw new Error(`${file} is not a schema bundle this Ladder can read; regenerate it (docs/validation.md)`);
  return { ...bundle, operatorCrds: await readOperatorCrds() };
}

/** The vendored CRDs of secret operators (src/schemas/crds/, docs/secrets.md), beside the Kubernetes schemas. */
async function readOperatorCrds(): Promise<{ file: string; content: string }[]> {
  const dir = join(schemaDirectory(), '..', 'crds');
  if (!existsSync(dir)) return [];
  const names = readdirSync(dir).filter((name) => name.endsWith('.yaml')).sort();
  return Promise.all(names.map(async (name) => ({ file: `src/schemas/crds/${name}`, content: await readFile(join(dir, name), 'utf8') })));
}
