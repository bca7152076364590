// Agent benchmark (issue 16): `node --import tsx bench/agent/run.ts [--sizes 1000,5000,20000] [--runs 3]
// [--edits 50] [--idle-seconds 60] [--per-file 10] [--no-build] [--no-kubectl] [--check] [--out file] [--cli file] [--node-options '…'] [--node-args '…'] [--heap-snapshot dir] [-h]
// [--profile dir [--profile-seconds 10]]` (CPU profiles of the agent and the API server: bench/agent/profile.ts).
// With `--node-args='--trace-gc'`, the agent's live heap after each full collection is printed per step.
// For each size, on a fresh test bed (kube-apiserver + etcd, the local GitHub server, the Slack
// receiver): a manifest branch of N ConfigMaps; then `--runs` times, side by side and alternating
// which goes first, the built `ladder agent` as its own process (as in a pod) applying the branch
// into fresh namespaces and then an unchanged commit, and `kubectl apply --server-side` of the
// same objects into a fresh namespace, then again with nothing changed. The first run also takes
// 50 edits (edit → Slack), an idle minute (requests/min) and the agent's peak RSS. Medians are
// reported; `--check` exits 1 when a target of the issue is missed. Results: bench/.out/agent.json.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { createKubeClient } from '../../src/adapters/kube/client.js';
import { DEFAULT_APPLY_CONCURRENCY } from '../../src/agent/wiring/config-schema.js';
import { startGitHubServer } from '../../test/bed/github/index.js';
import { startControlPlane } from '../../test/bed/kube/control-plane.js';
import { startSlackReceiver } from '../../test/bed/slack/index.js';
import { buildKubectl, kubectlApplyArgs, runKubectl, writeManifestDir } from './kubectl-peer.js';
import { driftLatencies, idleTraffic, median, percentile, settle, startLadderAgent, type ApplyFigures, type Bed } from './ladder-run.js';
import { apiServerProfile, withCpuProfile } from './profile.js';
import { checkTargets, medianCpu, printCpuTable, printTable, type SizeResult } from './report.js';
import { cpuSpan, processCpuMs, type CpuMs } from './cpu-time.js';
import { describeInFlight, sampleInFlight, summarizeInFlight, writeInFlightTimeline, type InFlightSummary } from './in-flight.js';
import { memoryByPhase, printLiveHeap, printMemoryTable, withHeapSnapshots, writeMemoryTimeline } from './memory.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1000,5000,20000' },
    runs: { type: 'string', default: '3' },
    edits: { type: 'string', default: '50' },
    'idle-seconds': { type: 'string', default: '60' },
    'per-file': { type: 'string', default: '10' },
    'no-build': { type: 'boolean', default: false },
    /** NODE_OPTIONS for the agent process; the default is what deploy/base/agent/deployment.yaml sets. */
    'node-options': { type: 'string', default: '--max-old-space-size=128 --max-semi-space-size=4 --v8-pool-size=1' },
    /** Flags for node's command line (space-separated), for the V8 flags NODE_OPTIONS refuses: `--trace-gc` (the live heap, printed per step), `--optimize-for-size`. */
    'node-args': { type: 'string', default: '' },
    'no-kubectl': { type: 'boolean', default: false },
    /** Exit 1 when a target of issue 16 is missed (requests per object, the no-op re-apply, memory, drift). */
    check: { type: 'boolean', default: false },
    /** The agent's entry point: the built CLI (default), or src/cli/main.ts with `--import=tsx` in --node-options. */
    cli: { type: 'string', default: join(root, 'dist/cli/main.js') },
    /** Where the results go (JSON). */
    out: { type: 'string', default: join(root, 'bench/.out/agent.json') },
    /** Write CPU profiles of the agent (V8) and of the API server during both full applies into this directory. */
    profile: { type: 'string' },
    'profile-seconds': { type: 'string', default: '10' },
    /** Heap snapshots of the agent (first run) after the re-apply and after the edits, into this directory; they raise its RSS while written. */
    'heap-snapshot': { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  // The usage is this file's opening comment; docs/performance.md has the commands and what each figure means.
  const usage = readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').filter((line, i, all) => all.slice(0, i + 1).every((l) => l.startsWith('//')));
  console.log(`${usage.map((line) => line.replace(/^\/\/ ?/, '')).join('\n')}\n\nMore: docs/performance.md, "Agent benchmark".`);
  process.exit(0);
}
const sizes = values.sizes.split(',').map(Number);
/** The agent's `apply.concurrency`: its default, unless the environment the agent inherits sets it. */
const APPLY_CONCURRENCY = Number(process.env.LADDER_APPLY_CONCURRENCY) || DEFAULT_APPLY_CONCURRENCY;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const runs = Number(values.runs);
const perFile = Number(values['per-file']);

if (!values['no-build']) {
  console.log('building the CLI into dist/ (npm run build) …');
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json'), '--outDir', join(root, 'dist')], { stdio: 'inherit' });
}
const kubectl = values['no-kubectl'] ? undefined : buildKubectl(root);
const work = mkdtempSync(join(tmpdir(), 'ladder-bench-agent-'));
const results: SizeResult[] = [];
for (const size of sizes) results.push(await measureSize(size));
mkdirSync(join(values.out, '..'), { recursive: true });
const report = { node: process.version, nodeOptions: values['node-options'], nodeArgs: values['node-args'], cpus: cpus().length, cpu: cpus()[0]?.model, at: new Date().toISOString(), runs, perFile, results };
writeFileSync(values.out, `${JSON.stringify(report, null, 2)}\n`);
printTable(results);
printCpuTable(results, cpus().length);
const missed = checkTargets(results);
for (const line of missed) console.log(`target missed: ${line}`);
if (values.check && missed.length > 0) process.exitCode = 1;

async function measureSize(size: number): Promise<SizeResult> {
  console.log(`\n== ${size} ConfigMaps (${perFile} per file), ${runs} run(s) ==`);
  // A fresh control plane per size: earlier sizes' objects do not weigh on this one.
  const cluster = await startControlPlane({ reuse: false });
  const github = await startGitHubServer();
  const slack = await startSlackReceiver({ channels: ['ladder-alerts'] });
  const admin = createKubeClient(cluster.kubeConfig);
  const keyPath = join(work, 'app.pem');
  writeFileSync(keyPath, github.app.privateKey, { mode: 0o600 });
  const bed: Bed = { cluster, github, slack, admin, work, keyPath, cliMain: values.cli, nodeOptions: values['node-options'], nodeArgs: values['node-args'].split(' ').filter(Boolean) };
  const profile = (name: string) => values.profile ? apiServerProfile(cluster, Number(values['profile-seconds']), join(values.profile, `apiserver-${size}-${name}.pprof`)) : Promise.resolve();
  try {
    const repo = `bench/manifests-${size}`;
    await github.createRepo(repo);
    const files = manifestFiles(size);
    await github.seed.commitFiles(repo, 'dev', files, { from: 'main', silent: true });
    const dir = writeManifestDir(join(work, `kubectl-${size}`), files);
    const ladder: { full: ApplyFigures[]; reapply: ApplyFigures[] } = { full: [], reapply: [] };
    const peer: { full: number[]; noop: number[] } = { full: [], noop: [] };
    const cpu: { ladder: CpuMs[]; kubectl: CpuMs[] } = { ladder: [], kubectl: [] };
    /** 429s the API server answered the agent during each full apply (Priority and Fairness). */
    const throttled: number[] = [];
    const inFlight: InFlightSummary[] = [];
    const loads: number[] = [];
    let extras: Omit<SizeResult, 'objects' | 'ladder' | 'kubectl' | 'loadAverage'> | undefined;
    for (let run = 1; run <= runs; run++) {
      const kubectlRun = async () => {
        if (!kubectl) return;
        const ns = await cluster.newNamespace(`kubectl-${size}-r${run}`);
        const args = kubectlApplyArgs(cluster.kubeconfigPath, ns, dir, join(work, 'kubectl-cache'));
        const serverProfile = profile(`kubectl-r${run}`);
        const span = cpuSpan(cluster, () => 0);
        const full = await runKubectl(kubectl, args);
        cpu.kubectl.push(span.end(full.cpuMs));
        const used = cpu.kubectl.at(-1)!;
        console.log(`  run ${run}: CPU of kubectl's apply: API server ${seconds(used.apiServer)}, etcd ${seconds(used.etcd)}, kubectl ${seconds(used.client)}, other processes ${seconds(used.others ?? NaN)} (of it this bench ${seconds(used.bench ?? NaN)}, interrupts ${seconds(used.interrupts ?? NaN)})`);
        peer.full.push(full.ms);
        await serverProfile;
        peer.noop.push((await runKubectl(kubectl, args)).ms);
        console.log(`  run ${run}: kubectl apply --server-side ${peer.full.at(-1)} ms, again with nothing changed ${peer.noop.at(-1)} ms`);
      };
      if (run % 2 === 0) await kubectlRun();
      loads.push(loadavg()[0]!);
      let nodeOptions = values.profile ? withCpuProfile(values['node-options'], join(values.profile, `agent-${size}-r${run}`)) : values['node-options'];
      if (values['heap-snapshot'] && run === 1) nodeOptions = withHeapSnapshots(nodeOptions, join(values['heap-snapshot'], `agent-${size}`));
      const snapshot = async (agent: { signal(name: NodeJS.Signals): void }) => {
        if (!values['heap-snapshot'] || run !== 1) return;
        agent.signal('SIGUSR2');
        await new Promise((resolve) => setTimeout(resolve, 1000));
      };
      const agent = await startLadderAgent({ ...bed, nodeOptions }, repo, size, run);
      try {
        // The API server's profile from the moment the agent starts applying, not from its start-up.
        const serverProfile = values.profile ? agent.agent.waitForLog((l) => l.msg === 'applying manifest commit', 180_000).then(() => profile(`ladder-r${run}`)) : undefined;
        const applying = agent.agent.waitForLog((l) => l.msg === 'applying manifest commit', 180_000).then(() => {
          agent.agent.phase('first apply');
          return { span: cpuSpan(cluster, () => processCpuMs(agent.agent.child.pid!)), sampler: sampleInFlight(agent.agent) };
        });
        ladder.full.push(await agent.firstApply());
        const { span, sampler } = await applying;
        cpu.ladder.push(span.end());
        const timeline = sampler.stop();
        const afterApply = await agent.agent.metrics();
        throttled.push(afterApply.ladder_kube_throttled_total ?? NaN);
        inFlight.push(summarizeInFlight(timeline, APPLY_CONCURRENCY, afterApply.ladder_kube_connections_opened_total ?? NaN));
        writeInFlightTimeline(join(values.out, '..', `agent-in-flight-${size}-r${run}.json`), timeline);
        const used = cpu.ladder.at(-1)!;
        console.log(`  run ${run}: CPU of the full apply: API server ${seconds(used.apiServer)}, etcd ${seconds(used.etcd)}, agent ${seconds(used.client)}, other processes ${seconds(used.others ?? NaN)} (of it this bench ${seconds(used.bench ?? NaN)}, interrupts ${seconds(used.interrupts ?? NaN)}); ${describeInFlight(inFlight.at(-1)!, APPLY_CONCURRENCY)}; waited for the client-side rate ${seconds((afterApply.ladder_kube_client_wait_seconds_total ?? NaN) * 1000)}`);
        await serverProfile;
        agent.agent.phase('after the first apply');
        await settle(agent.agent, 180_000);
        const peakAfterApply = agent.agent.peakRssMb();
        agent.agent.phase('re-apply');
        ladder.reapply.push(await agent.reapply(repo));
        agent.agent.phase('after the re-apply');
        console.log(`  run ${run}: Ladder full apply ${ladder.full.at(-1)!.ms} ms (${ladder.full.at(-1)!.requests} requests), unchanged re-apply ${ladder.reapply.at(-1)!.ms} ms (${ladder.reapply.at(-1)!.dryRuns} dry-runs, ${ladder.reapply.at(-1)!.writes} writes)`);
        if (run === 1) {
          await settle(agent.agent, 60_000);
          await snapshot(agent.agent);
          agent.agent.phase('edits');
          const latencies = await driftLatencies(bed, agent.namespace, size, Number(values.edits));
          agent.agent.phase('after the edits');
          await settle(agent.agent, 10_000);
          await snapshot(agent.agent);
          agent.agent.phase('idle');
          const idle = await idleTraffic(agent.agent, Number(values['idle-seconds']));
          extras = {
            driftToSlackMs: { p50: percentile(latencies, 0.5), p95: percentile(latencies, 0.95), max: latencies.at(-1)!, edits: latencies.length },
            idlePerMinute: idle,
            peakRssMb: Math.round(agent.agent.peakRssMb()),
            peakRssAfterApplyMb: Math.round(peakAfterApply),
            rssIdleMb: Math.round(agent.agent.rssMb()),
            memory: memoryByPhase(agent.agent.samples),
          };
          writeMemoryTimeline(join(values.out, '..', `agent-memory-${size}.json`), agent.agent.samples);
          printMemoryTable(size, extras.memory!);
          console.log(`  drift p95 ${extras.driftToSlackMs.p95} ms; idle ${idle.kube} Kubernetes and ${idle.github} GitHub requests/min; peak RSS ${extras.peakRssMb} MB`);
          printLiveHeap(agent.agent.liveAfterFullGc);
        }
      } finally {
        await agent.stop();
      }
      if (run % 2 === 1) await kubectlRun();
    }
    return {
      objects: size,
      ladder: {
        fullMs: median(ladder.full.map((f) => f.ms)), reapplyMs: median(ladder.reapply.map((f) => f.ms)),
        requestsPerObject: Number((median(ladder.full.map((f) => f.requests)) / size).toFixed(3)),
        reapply: { dryRuns: Math.max(...ladder.reapply.map((f) => f.dryRuns)), writes: Math.max(...ladder.reapply.map((f) => f.writes)), requests: median(ladder.reapply.map((f) => f.requests)) },
        runs: { full: ladder.full, reapply: ladder.reapply },
      },
      ...(kubectl ? { kubectl: { fullMs: median(peer.full), noopMs: median(peer.noop), runs: peer } } : {}),
      cpuMs: { ladder: medianCpu(cpu.ladder), ...(kubectl ? { kubectl: medianCpu(cpu.kubectl) } : {}), runs: cpu },
      throttled,
      inFlight,
      loadAverage: loads,
      ...extras!,
    };
  } finally {
    admin.close();
    await Promise.all([slack.stop(), github.stop(), cluster.stop()]);
  }
}

/** N ConfigMaps, `perFile` to a file, as a manifest branch holds them. */
function manifestFiles(size: number): Record<string, string> {
  const files: Record<string, string> = {};
  for (let file = 0; file * perFile < size; file++) {
    const docs: string[] = [];
    for (let i = file * perFile; i < Math.min(size, (file + 1) * perFile); i++) {
      docs.push(`apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\n  labels:\n    app: bench\ndata:\n  value: "v-${i}"\n  config.yaml: |\n    replicas: 3\n    feature: ${i % 2 === 0 ? 'on' : 'off'}\n`);
    }
    files[`manifests/cm-${String(file).padStart(5, '0')}.yaml`] = docs.join('---\n');
  }
  return files;
}
