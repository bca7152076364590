/**
 * Regenerates the bundled Kubernetes schemas, one file per minor release:
 *
 *   node --import tsx src/tools/generate-kubernetes-schemas.ts v1.34.4 v1.35.4 v1.36.3
 *
 * For each release it asks the Go module proxy for k8s.io/kubernetes (`go mod
 * download`, cached in the Go module cache), reads `api/openapi-spec/v3/*.json`
 * and the enums of `pkg/generated/openapi/zz_generated.openapi.go`, and writes
 * `src/schemas/kubernetes/v1.NN.json`: minified, keys sorted, so the same release
 * always gives the same bytes. Bundles of minors not named are left alone;
 * delete the oldest by hand when adding a new one. See docs/validation.md.
 */
import { execFile } from 'node:child_process';
import { readdir, readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { buildSchemaBundle, type OpenApiDocument } from '../core/validate/schema/build-bundle.js';
import { extractGoEnums } from '../core/validate/schema/go-enums.js';

const run = promisify(execFile);
const outputDir = fileURLToPath(new URL('../schemas/kubernetes/', import.meta.url));
const releasePattern = /^v1\.(\d+)\.(\d+)$/;

async function main(releases: string[]): Promise<void> {
  if (releases.length === 0 || releases.some((r) => !releasePattern.test(r))) {
    console.error('usage: generate-kubernetes-schemas.ts v1.NN.P [v1.NN.P ...]   (see `go list -m -versions k8s.io/kubernetes`)');
    process.exitCode = 2;
    return;
  }
  const minors = releases.map((r) => r.replace(releasePattern, '1.$1'));
  const duplicate = minors.find((m, i) => minors.indexOf(m) !== i);
  if (duplicate) throw new Error(`two releases of Kubernetes ${duplicate} named; the bundle keeps one per minor`);

  await mkdir(outputDir, { recursive: true });
  for (const release of releases) {
    const started = Date.now();
    const moduleDir = await downloadModule(release);
    const documents = await readSpecs(join(moduleDir, 'api', 'openapi-spec', 'v3'));
    const goSource = await readFile(join(moduleDir, 'pkg', 'generated', 'openapi', 'zz_generated.openapi.go'), 'utf8');
    const enums = extractGoEnums(goSource);
    const { bundle, warnings, enumsApplied } = buildSchemaBundle({
      kubernetesVersion: release.slice(1),
      source: `k8s.io/kubernetes@${release} api/openapi-spec/v3 (+ enums from pkg/generated/openapi)`,
      documents,
      enums,
    });
    for (const warning of warnings) console.error(`[schemas] ${release}: warning: ${warning}`);
    const file = join(outputDir, `${release.replace(releasePattern, 'v1.$1')}.json`);
    const text = `${stringifySorted(bundle)}\n`;
    await writeFile(file, text);
    const kindCount = Object.values(bundle.kinds).reduce((n, kinds) => n + Object.keys(kinds).length, 0);
    console.error(
      `[schemas] ${release}: ${kindCount} kinds, ${Object.keys(bundle.definitions).length} definitions, ` +
        `${enumsApplied} enums → ${file} ` +
        `(${(Buffer.byteLength(text) / 1024).toFixed(0)} KiB, ${((Date.now() - started) / 1000).toFixed(1)}s)`,
    );
  }
}

/** Fetches the module through the Go module proxy (or the local module cache) and returns its directory. */
async function downloadModule(release: string): Promise<string> {
  let stdout: string;
  try {
    ({ stdout } = await run('go', ['mod', 'download', '-json', `k8s.io/kubernetes@${release}`], { maxBuffer: 16 * 1024 * 1024 }));
  } catch (error) {
    // `go mod download -json` reports module errors as JSON on stdout, with a non-zero exit.
    const output = (error as { stdout?: string }).stdout ?? '';
    let reported: string | undefined;
    try {
      reported = (JSON.parse(output) as { Error?: string }).Error?.replace(/\s+/g, ' ');
    } catch {
      reported = undefined; // not JSON: go itself failed; its message is in the error
    }
    throw new Error(`go mod download k8s.io/kubernetes@${release} failed: ${reported ?? (error as Error).message}`, { cause: error });
  }
  const dir = (JSON.parse(stdout) as { Dir?: string }).Dir;
  if (!dir) throw new Error(`go mod download k8s.io/kubernetes@${release} returned no module directory`);
  return dir;
}

async function readSpecs(dir: string): Promise<OpenApiDocument[]> {
  const names = (await readdir(dir)).filter((name) => name.endsWith('.json')).sort();
  if (names.length === 0) throw new Error(`${dir} holds no OpenAPI v3 documents`);
  return Promise.all(names.map(async (name) => JSON.parse(await readFile(join(dir, name), 'utf8')) as OpenApiDocument));
}

/** JSON with object keys sorted at every level (arrays keep their order), no whitespace. */
function stringifySorted(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return v;
    return Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  });
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(`[schemas] ${(error as Error).message}`);
  process.exitCode = 1;
});
