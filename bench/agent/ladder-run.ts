// One run of the agent benchmark on Ladder's side: a fresh agent process (as in a pod) in fresh
// namespaces applies the branch's N ConfigMaps, then an unchanged commit, and (in the first run)
// takes the edits and the idle minute, with its memory watched throughout.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeClient } from '../../src/adapters/kube/client.js';
import type { GitHubServer } from '../../test/bed/github/index.js';
import type { ControlPlane } from '../../test/bed/kube/control-plane.js';
import type { SlackReceiver } from '../../test/bed/slack/index.js';
import { applyDeployRbac } from '../../test/support/agent/deploy-rbac.js';
import { inClusterEnvironment } from '../../test/support/agent/in-cluster.js';
import { startAgentProcess, type AgentProcess, type LogLine } from './agent-process.js';

export interface Bed {
  cluster: ControlPlane;
  github: GitHubServer;
  slack: SlackReceiver;
  admin: KubeClient;
  work: string;
  keyPath: string;
  cliMain: string;
  nodeOptions: string;
  /** V8 flags for node's command line, before the CLI: those NODE_OPTIONS does not take (`--optimize-for-size`, `--trace-gc`). */
  nodeArgs?: string[];
}

/** What one apply of a commit took, from the agent's log lines. */
export interface ApplyFigures {
  ms: number;
  requests: number;
  dryRuns: number;
  writes: number;
  fromCache: number;
  message: string;
}

export interface LadderAgent {
  agent: AgentProcess;
  namespace: string;
  /** The apply of the commit the agent finds first (the branch head when it starts). */
  firstApply(): Promise<ApplyFigures>;
  /** A new commit that touches no manifest: Ladder's unchanged re-apply. */
  reapply(repo: string): Promise<ApplyFigures>;
  stop(): Promise<void>;
}

export async function startLadderAgent(bed: Bed, repo: string, size: number, run: number): Promise<LadderAgent> {
  const namespace = await bed.cluster.newNamespace(`bench-${size}-r${run}`);
  const agentNamespace = await bed.cluster.newNamespace(`ladder-${size}-r${run}`);
  const configFile = join(bed.work, `agent-${size}-r${run}.yaml`);
  writeFileSync(configFile, [
    `repository: ${repo}`, 'environment: dev', 'path: manifests', `namespaces: [${namespace}]`, `agentNamespace: ${agentNamespace}`,
    'github:', `  apiUrl: ${bed.github.url}`, `  appId: ${bed.github.app.id}`, `  installationId: ${bed.github.installations.idFor(repo)}`, `  privateKeyPath: ${bed.keyPath}`,
    'slack:', `  token: ${bed.slack.token}`, '  channel: ladder-alerts', `  apiUrl: ${bed.slack.url}`,
    'intervals: { pollSeconds: 10, healthTimeoutSeconds: 120 }', 'server: { host: 127.0.0.1, port: 0 }', 'logLevel: info', '',
  ].join('\n'));
  // As in a pod: deploy/'s RBAC and the service account's token, read without client-node.
  await applyDeployRbac(bed.admin, agentNamespace, [namespace]);
  const podEnv = await inClusterEnvironment(bed.cluster, agentNamespace, 'ladder-agent');
  const agent = startAgentProcess(bed.cliMain, configFile, { ...podEnv, KUBECONFIG: '', NODE_OPTIONS: bed.nodeOptions, LADDER_POD_NAME: `bench-${size}-r${run}` }, bed.nodeArgs);

  const applied = async (sha: string | undefined): Promise<ApplyFigures> => {
    const applying = await agent.waitForLog((l) => l.msg === 'applying manifest commit' && (sha === undefined || l.commit === sha), 180_000);
    sha = String(applying.commit);
    const outcome = await agent.waitForLog((l) => l.commit === sha && typeof l.dryRuns === 'number', 900_000);
    const done = await agent.waitForLog((l) => l.commit === sha && (typeof l.ms === 'number' || typeof l.stage === 'string'), 900_000);
    if (typeof done.ms !== 'number') throw new Error(`the apply of ${sha} failed: ${done.msg}`);
    return figures(applying, outcome, done);
  };
  return {
    agent,
    namespace,
    firstApply: () => applied(undefined),
    async reapply(repoName) {
      const sha = await bed.github.seed.commitFiles(repoName, 'dev', { 'README.md': `re-apply ${Date.now()}\n` }, { silent: true });
      return applied(sha);
    },
    async stop() {
      const code = await agent.stop();
      writeFileSync(join(bed.work, `agent-${size}-r${run}.log.jsonl`), agent.logs.map((l) => JSON.stringify(l)).join('\n') + '\n');
      if (code !== 0) throw new Error(`the agent exited with ${code}`);
    },
  };
}

function figures(applying: LogLine, outcome: LogLine, done: LogLine): ApplyFigures {
  return {
    ms: done.time - applying.time,
    requests: Number(outcome.requests),
    dryRuns: Number(outcome.dryRuns),
    writes: Number(outcome.writes),
    fromCache: Number(outcome.fromCache),
    message: done.msg,
  };
}

/** Waits until the agent sends no more Kubernetes requests than Lease renewals (≤ 4 in 2 s), at most `limitMs`. */
export async function settle(agent: AgentProcess, limitMs: number): Promise<void> {
  const deadline = Date.now() + limitMs;
  let last = (await agent.metrics()).ladder_kube_requests_total ?? 0;
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const now = (await agent.metrics()).ladder_kube_requests_total ?? 0;
    if (now - last <= 4) return;
    last = now;
  }
}

/** Edits `count` ConfigMaps one after the other as another field manager; the time from each PATCH to its Slack message. */
export async function driftLatencies(bed: Bed, namespace: string, size: number, count: number): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < count; i++) {
    const name = `cm-${Math.floor((i * size) / count)}`;
    const editedAt = Date.now();
    await bed.admin.request('PATCH', `/api/v1/namespaces/${namespace}/configmaps/${name}`, {
      query: { fieldManager: 'bench-edit' }, body: { data: { value: `edited-${i}` } }, contentType: 'application/merge-patch+json',
    });
    await bed.slack.waitForMessage((m) => !m.thread_ts && (m.text ?? '').includes(`/${name} (`), 30_000);
    latencies.push(Date.now() - editedAt);
  }
  return latencies.sort((a, b) => a - b);
}

/** The agent's own request counters over `seconds` with nothing happening, per minute. */
export async function idleTraffic(agent: AgentProcess, seconds: number): Promise<{ kube: number; github: number }> {
  const before = await agent.metrics();
  const started = Date.now();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const after = await agent.metrics();
  const minutes = (Date.now() - started) / 60_000;
  const rate = (name: string) => Number(((after[name]! - before[name]!) / minutes).toFixed(1));
  return { kube: rate('ladder_kube_requests_total'), github: rate('ladder_github_requests_total') };
}

export function percentile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : Math.round((sorted[middle - 1]! + sorted[middle]!) / 2);
}
