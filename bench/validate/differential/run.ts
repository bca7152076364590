/**
 * The full differential run: Ladder's offline verdicts against kube-apiserver's
 * (server-side apply dry-run), with kubeconform's beside them.
 *
 *   npm run bench:differential                                          # Kubernetes 1.36, every site, 3 mutations per field
 *   npm run bench:differential -- --wasm                                # and the WASM option's verdicts beside them
 *   node --import tsx bench/validate/differential/run.ts --kubernetes-version 1.35 --seed 7
 *   node --import tsx bench/validate/differential/run.ts --kinds Deployment,Service --per-field 1
 *
 * Another minor's kube-apiserver is built from the Go module proxy into its own
 * cache (~/.cache/ladder/k8s-1.NN, a few minutes the first time), so the test
 * bed's pinned binaries are left alone. Writes bench/.out/differential-1.NN.json
 * (every disagreement with both reasons) and prints the agreement table.
 * Exits 1 when Ladder refuses anything the API server accepts, or agrees on
 * less than 99 % of the cases.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { bundledKubernetesVersions, loadSchemaBundle } from '../../../src/adapters/fs/schema-bundle.js';
import { startControlPlane } from '../../../test/bed/kube/control-plane.js';
import { writeKubeconformSchemas } from '../kubeconform-schemas.js';
import { agreement, formatReport, loadSites, runDifferential } from './differential.js';
import { loadApiServerWasm, type ApiServerWasm } from '../wasm/apiserver-wasm.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const { values } = parseArgs({
  options: {
    'kubernetes-version': { type: 'string' },
    seed: { type: 'string', default: '1' },
    'per-field': { type: 'string', default: '3' },
    'max-per-kind': { type: 'string' },
    kinds: { type: 'string' },
    'no-kubeconform': { type: 'boolean', default: false },
    /** Also judge with the WASM option (bench/validate/wasm/build.sh builds it into the cache). */
    wasm: { type: 'boolean', default: false },
  },
});
const log = (message: string) => process.stderr.write(`[bench:differential] ${message}\n`);
const cacheRoot = process.env['LADDER_CACHE_DIR'] ?? join(process.env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache'), 'ladder');
/** The patch releases the bundled schemas come from (package.json schemas:generate). */
const releases: Record<string, string> = { '1.34': 'v1.34.4', '1.35': 'v1.35.4', '1.36': 'v1.36.3' };

function build(target: string, env: NodeJS.ProcessEnv): void {
  log(`building ${target} (cached after the first run)`);
  const result = spawnSync('bash', [join(root, 'test/bed/build-binaries.sh'), target], { stdio: ['ignore', 'inherit', 'inherit'], env });
  if (result.status !== 0) throw new Error(`could not build ${target}; see the output above`);
}

async function main(): Promise<number> {
  const version = values['kubernetes-version'] ?? bundledKubernetesVersions().at(-1)!;
  const minor = Number(version.split('.')[1]);
  const release = releases[version];
  if (!release) throw new Error(`no kube-apiserver release known for ${version}; known: ${Object.keys(releases).join(', ')}`);
  // The pinned version uses the test bed's cache; others get a cache of their own so its links stay put.
  const pinned = release === (process.env['LADDER_KUBE_VERSION'] ?? 'v1.36.3');
  const env: NodeJS.ProcessEnv = pinned ? { ...process.env } : { ...process.env, LADDER_KUBE_VERSION: release, LADDER_CACHE_DIR: join(cacheRoot, `k8s-${version}`) };
  build('control-plane', env);
  const bundle = await loadSchemaBundle(version);
  let kubeconform: { binary: string; schemaDir: string } | undefined;
  if (!values['no-kubeconform']) {
    build('kubeconform', process.env);
    kubeconform = { binary: join(cacheRoot, 'bin', 'kubeconform'), schemaDir: await writeKubeconformSchemas(bundle, join(cacheRoot, 'kubeconform-schemas')) };
  }
  let wasm: ApiServerWasm | undefined;
  if (values.wasm) {
    const built = spawnSync('bash', [join(root, 'bench/validate/wasm/build.sh'), release], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
    if (built.status !== 0) throw new Error('could not build the WASM option; see the output above');
    wasm = await loadApiServerWasm(built.stdout.trim().split('\n').at(-1)!);
    log(`WASM option loaded: compile ${wasm.startup.compileMs.toFixed(0)} ms, Go start-up ${wasm.startup.initMs.toFixed(0)} ms`);
  }
  // kubeadm, kind and managed clusters run the API server with --allow-privileged; so does this oracle.
  const cluster = await startControlPlane({ env, reuse: false, apiServerArgs: ['--allow-privileged=true'] });
  try {
    const report = await runDifferential({
      cluster, bundle, sites: loadSites(minor),
      seed: Number(values.seed),
      perField: Number(values['per-field']),
      ...(values['max-per-kind'] ? { maxPerKind: Number(values['max-per-kind']) } : {}),
      ...(values.kinds ? { kinds: values.kinds.split(',') } : {}),
      ...(kubeconform ? { kubeconform } : {}),
      ...(wasm ? { wasm } : {}),
      log,
    });
    await mkdir(join(root, 'bench/.out'), { recursive: true });
    const out = join(root, `bench/.out/differential-${version}.json`);
    await writeFile(out, `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(formatReport(report));
    for (const seedProblem of report.refusedSeeds) log(`seed refused by the API server: ${seedProblem.id}: ${seedProblem.reason}`);
    const ladderDisagreements = report.disagreements.filter((d) => d.judge === 'ladder' || d.judge === 'ladder, cluster flags');
    for (const d of ladderDisagreements.slice(0, 40)) {
      log(`${d.judge === 'ladder' ? '' : `(${d.judge}) `}${d.id} ${d.site} ${d.mutation}: server ${d.server.verdict}${'reason' in d.server ? ` (${d.server.reason.slice(0, 200)})` : ''}; Ladder ${d.other.verdict}${'reason' in d.other ? ` (${d.other.reason.slice(0, 200)})` : ''}`);
    }
    log(`${ladderDisagreements.length} Ladder disagreements (with cluster-dependent refusals Ladder did not flag); details in ${out}; server ${report.seconds.server.toFixed(1)} s, Ladder ${report.seconds.ladder.toFixed(1)} s` +
      (report.seconds.wasm === undefined ? '' : `, WASM option ${report.seconds.wasm.toFixed(1)} s`));
    const ok = report.total.ladder.falseRefusals === 0 && agreement(report.total.ladder) >= 0.99 && report.refusedSeeds.length === 0;
    return ok ? 0 : 1;
  } finally {
    await cluster.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    log(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(2);
  },
);
