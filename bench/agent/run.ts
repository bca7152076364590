// Agent benchmark (issue 5, item 9): `node --import tsx bench/agent/run.ts [--sizes 1000,5000]
// [--edits 50] [--idle-seconds 60] [--per-file 10] [--no-build]` (builds dist/ first).
// For each size: a manifest branch with that many ConfigMaps on the local GitHub server, the
// built `ladder agent` as its own process against a real kube-apiserver + etcd, the Slack
// receiver. Measures: time to apply the full commit, live edit → Slack message (p50/p95),
// API requests per minute while idle, peak RSS; then, side by side, `kubectl apply
// --server-side` of the same objects into a fresh namespace (and a no-op re-apply) next
// to Ladder's re-apply of an unchanged commit (`--no-kubectl` skips the peer).
// Results: bench/.out/agent.json.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { createKubeClient, type KubeClient } from '../../src/adapters/kube/client.js';
import { startGitHubServer, type GitHubServer } from '../../test/bed/github/index.js';
import { startControlPlane, type ControlPlane } from '../../test/bed/kube/control-plane.js';
import { startSlackReceiver, type SlackReceiver } from '../../test/bed/slack/index.js';
import { applyDeployRbac } from '../../test/support/agent/deploy-rbac.js';
import { inClusterEnvironment } from '../../test/support/agent/in-cluster.js';
import { startAgentProcess } from './agent-process.js';
import { buildKubectl, kubectlApplyArgs, runKubectl, writeManifestDir } from './kubectl-peer.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const outDir = join(root, 'bench/.out');
const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1000,5000' },
    edits: { type: 'string', default: '50' },
    'idle-seconds': { type: 'string', default: '60' },
    'per-file': { type: 'string', default: '10' },
    'no-build': { type: 'boolean', default: false },
    /** NODE_OPTIONS for the agent process; the default is what deploy/deployment.yaml sets. */
    'node-options': { type: 'string', default: '--max-old-space-size=160 --max-semi-space-size=4' },
    /** Write a heap snapshot of the agent (into bench/.out) after the idle period, to see what holds memory. */
    'heap-snapshot': { type: 'boolean', default: false },
    /** Skip the kubectl peer (and Ladder's re-apply of an unchanged commit). */
    'no-kubectl': { type: 'boolean', default: false },
  },
});
const sizes = values.sizes.split(',').map(Number);
const edits = Number(values.edits);
const idleSeconds = Number(values['idle-seconds']);
const perFile = Number(values['per-file']);

// The package's own build (npm run build): dist/ next to package.json, as the image runs it.
const distDir = join(root, 'dist');
if (!values['no-build']) {
  console.log('building the CLI into dist/ (npm run build) …');
  try {
    execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json'), '--outDir', distDir], { stdio: 'inherit' });
  } catch {
    console.log('tsc reported errors (files other work has in progress); the agent\'s own files were emitted, continuing');
  }
}
const cliMain = join(distDir, 'cli/main.js');
const kubectl = values['no-kubectl'] ? undefined : buildKubectl(root);

const cluster: ControlPlane = await startControlPlane({ reuse: false });
const github: GitHubServer = await startGitHubServer();
const slack: SlackReceiver = await startSlackReceiver({ channels: ['ladder-alerts'] });
const admin: KubeClient = createKubeClient(cluster.kubeConfig);
const work = mkdtempSync(join(tmpdir(), 'ladder-bench-agent-'));
const keyPath = join(work, 'app.pem');
writeFileSync(keyPath, github.app.privateKey, { mode: 0o600 });
const results: Record<string, unknown>[] = [];

try {
  for (const size of sizes) results.push(await measure(size));
} finally {
  admin.close();
  await Promise.all([slack.stop(), github.stop(), cluster.stop()]);
}

mkdirSync(outDir, { recursive: true });
const report = { node: process.version, nodeOptions: values['node-options'], cpus: cpus().length, cpu: cpus()[0]?.model, at: new Date().toISOString(), edits, idleSeconds, perFile, results };
writeFileSync(join(outDir, 'agent.json'), `${JSON.stringify(report, null, 2)}\n`);
console.log(JSON.stringify(report, null, 2));

async function measure(size: number): Promise<Record<string, unknown>> {
  console.log(`\n== ${size} ConfigMaps (${perFile} per file) ==`);
  const repo = `bench/manifests-${size}`;
  await github.createRepo(repo);
  const ns = await cluster.newNamespace(`bench-${size}`);
  const agentNs = await cluster.newNamespace('ladder-system');
  const files: Record<string, string> = {};
  for (let file = 0; file * perFile < size; file++) {
    const docs: string[] = [];
    for (let i = file * perFile; i < Math.min(size, (file + 1) * perFile); i++) {
      docs.push(`apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\n  labels:\n    app: bench\ndata:\n  value: "v-${i}"\n  config.yaml: |\n    replicas: 3\n    feature: ${i % 2 === 0 ? 'on' : 'off'}\n`);
    }
    files[`manifests/cm-${String(file).padStart(4, '0')}.yaml`] = docs.join('---\n');
  }
  const sha = await github.seed.commitFiles(repo, 'dev', files, { from: 'main', silent: true });
  const configFile = join(work, `agent-${size}.yaml`);
  writeFileSync(
    configFile,
    [
      `repository: ${repo}`,
      'environment: dev',
      'path: manifests',
      `namespaces: [${ns}]`,
      `agentNamespace: ${agentNs}`,
      'github:',
      `  apiUrl: ${github.url}`,
      `  appId: ${github.app.id}`,
      `  installationId: ${github.installations.idFor(repo)}`,
      `  privateKeyPath: ${keyPath}`,
      'slack:',
      `  token: ${slack.token}`,
      '  channel: ladder-alerts',
      `  apiUrl: ${slack.url}`,
      'intervals: { pollSeconds: 10, healthTimeoutSeconds: 120 }',
      'server: { host: 127.0.0.1, port: 0 }',
      'logLevel: info',
      '',
    ].join('\n'),
  );
  const started = Date.now();
  // As in a pod: deploy/'s RBAC and the service account's token, read without client-node.
  await applyDeployRbac(admin, agentNs, [ns]);
  const podEnv = await inClusterEnvironment(cluster, agentNs, 'ladder-agent');
  const agent = startAgentProcess(cliMain, configFile, { ...podEnv, KUBECONFIG: '', NODE_OPTIONS: `${values['node-options']}${values['heap-snapshot'] ? ' --heapsnapshot-signal=SIGUSR2 --diagnostic-dir=' + outDir : ''}`, LADDER_POD_NAME: `bench-${size}` });
  try {
    const applying = await agent.waitForLog((l) => l.msg === 'applying manifest commit' && l.commit === sha, 120_000);
    const applyStartRss = agent.samples.filter((x) => x.at <= applying.time).at(-1)?.rssMb ?? NaN;
    const read = agent.logs.find((l) => l.msg === 'read manifest commit' && l.commit === sha);
    const done = await agent.waitForLog((l) => l.commit === sha && (typeof l.ms === 'number' || typeof l.stage === 'string'), 600_000);
    if (typeof done.ms !== 'number') throw new Error(`the apply failed: ${done.msg}`);
    const applyMs = done.time - applying.time;
    console.log(`start → commit read ${read ? read.time - started : '?'} ms; full apply (dry-run, apply, inventory, health) ${applyMs} ms: ${done.msg}`);

    // Let drift detection finish its first look at every object before measuring.
    await settle(agent, 120_000);
    // Peak of the first apply, before anything else happens.
    const peakRssMb = agent.peakRssMb();
    const peak = agent.samples.reduce((a, b) => (b.rssMb > a.rssMb ? b : a), { at: 0, rssMb: 0 });
    const applyEndRss = agent.samples.find((x) => x.at >= done.time)?.rssMb ?? NaN;
    const peakPhase = peak.at < applying.time ? 'before the apply' : peak.at <= done.time ? 'during the apply' : `${((peak.at - done.time) / 1000).toFixed(1)} s after the apply (drift watches starting)`;
    console.log(`RSS: sampled peak ${peak.rssMb.toFixed(0)} MB ${peakPhase}; ${applyStartRss.toFixed(0)} MB when the apply began, ${applyEndRss.toFixed(0)} MB when it ended`);
    // Before the edits: the re-apply of an unchanged commit would stop at their conflicts (self-heal is off).
    const peer = kubectl ? await sideBySide(size, repo, files, agent, ns) : undefined;
    await settle(agent, 60_000);
    const latencies: number[] = [];
    for (let i = 0; i < edits; i++) {
      const name = `cm-${Math.floor((i * size) / edits)}`;
      const editedAt = Date.now();
      await admin.request('PATCH', `/api/v1/namespaces/${ns}/configmaps/${name}`, {
        query: { fieldManager: 'bench-edit' },
        body: { data: { value: `edited-${i}` } },
        contentType: 'application/merge-patch+json',
      });
      await slack.waitForMessage((m) => !m.thread_ts && (m.text ?? '').includes(`/${name} (`), 30_000);
      latencies.push(Date.now() - editedAt);
    }
    latencies.sort((a, b) => a - b);
    const p = (q: number) => latencies[Math.min(latencies.length - 1, Math.ceil(q * latencies.length) - 1)]!;
    console.log(`edit → Slack over ${edits} edits: p50 ${p(0.5)} ms, p95 ${p(0.95)} ms, max ${latencies.at(-1)} ms`);

    await settle(agent, 5_000);
    const before = await agent.metrics();
    const idleStart = Date.now();
    await new Promise((resolve) => setTimeout(resolve, idleSeconds * 1000));
    const after = await agent.metrics();
    const minutes = (Date.now() - idleStart) / 60_000;
    const kubePerMinute = (after.ladder_kube_requests_total! - before.ladder_kube_requests_total!) / minutes;
    const githubPerMinute = (after.ladder_github_requests_total! - before.ladder_github_requests_total!) / minutes;
    const idleRss = agent.rssMb();
    const peakRssAtEndMb = agent.peakRssMb();
    if (values['heap-snapshot']) {
      agent.child.kill('SIGUSR2');
      await new Promise((resolve) => setTimeout(resolve, 15_000));
    }
    console.log(`idle: ${kubePerMinute.toFixed(1)} Kubernetes requests/min, ${githubPerMinute.toFixed(1)} GitHub requests/min; peak RSS ${peakRssMb.toFixed(0)} MB (${applyStartRss.toFixed(0)} MB when the apply began), now ${idleRss.toFixed(0)} MB`);
    return {
      objects: size,
      files: Object.keys(files).length,
      applyMs,
      applyMessage: done.msg,
      driftToSlackMs: { p50: p(0.5), p95: p(0.95), max: latencies.at(-1), samples: latencies.length },
      idlePerMinute: { kube: Number(kubePerMinute.toFixed(1)), github: Number(githubPerMinute.toFixed(1)) },
      kubeRequestsAtEnd: after.ladder_kube_requests_total,
      peakRssMb: Math.round(peakRssMb),
      peakRssAtEndMb: Math.round(peakRssAtEndMb),
      peakPhase,
      rssAtApplyStartMb: Math.round(applyStartRss),
      rssAtApplyEndMb: Math.round(applyEndRss),
      rssIdleMb: Math.round(idleRss),
      loadAverage: loadavg()[0],
      ...(peer ? { sideBySide: peer } : {}),
    };
  } finally {
    const code = await agent.stop();
    console.log(`agent exited with ${code}`);
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, `agent-${size}.log.jsonl`), agent.logs.map((l) => JSON.stringify(l)).join('\n') + '\n');
  }
}

/** Waits until the agent sends no more Kubernetes requests than Lease renewals (≤ 4 in 2 s), at most `limitMs`. */
async function settle(agent: ReturnType<typeof startAgentProcess>, limitMs: number): Promise<void> {
  const deadline = Date.now() + limitMs;
  let last = (await agent.metrics()).ladder_kube_requests_total ?? 0;
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const now = (await agent.metrics()).ladder_kube_requests_total ?? 0;
    if (now - last <= 4) return;
    last = now;
  }
}

/**
 * kubectl's server-side apply of the same N objects into a fresh namespace of the
 * same API server (a process per run: start-up and discovery included), then a
 * re-apply with nothing changed; and Ladder's re-apply of an unchanged commit
 * (a new commit that touches no manifest), from "applying" to its success line.
 */
async function sideBySide(size: number, repo: string, files: Record<string, string>, agent: ReturnType<typeof startAgentProcess>, ladderNs: string): Promise<Record<string, unknown>> {
  const ns = await cluster.newNamespace(`kubectl-${size}`);
  const dir = writeManifestDir(join(work, `kubectl-${size}`), files);
  const args = kubectlApplyArgs(cluster.kubeconfigPath, ns, dir, join(work, 'kubectl-cache'));
  const create = await runKubectl(kubectl!, args);
  console.log(`kubectl apply --server-side (${create.lines} objects into ${ns}): ${create.ms} ms`);
  const noop = await runKubectl(kubectl!, args);
  console.log(`kubectl apply --server-side again, nothing changed: ${noop.ms} ms`);

  const sha = await github.seed.commitFiles(repo, 'dev', { 'README.md': `re-apply ${Date.now()}\n` }, { silent: true });
  const applying = await agent.waitForLog((l) => l.msg === 'applying manifest commit' && l.commit === sha, 120_000);
  const done = await agent.waitForLog((l) => l.commit === sha && (typeof l.ms === 'number' || typeof l.stage === 'string'), 600_000);
  if (typeof done.ms !== 'number') throw new Error(`the re-apply failed: ${done.msg}`);
  const reapplyMs = done.time - applying.time;
  const peakAfter = agent.peakRssMb();
  console.log(`Ladder re-apply of an unchanged commit into ${ladderNs}: ${reapplyMs} ms (${done.msg}); peak RSS now ${peakAfter.toFixed(0)} MB`);
  return {
    kubectl: { applyMs: create.ms, objects: create.lines, noopApplyMs: noop.ms, namespace: ns },
    ladderReapplyMs: reapplyMs,
    ladderReapplyMessage: done.msg,
    peakRssAfterReapplyMb: Math.round(peakAfter),
    loadAverage: loadavg()[0],
  };
}
