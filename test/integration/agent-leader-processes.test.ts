// A leader change between two whole `ladder agent` processes (issue 16): both run as pods do (the
// service account's token, deploy/'s RBAC) against the real API server, the GitHub bed and the
// Slack receiver, sharing only the Lease. An object drifts while the first leads; the leader is
// killed (SIGKILL: no release of the Lease, no goodbye); the other takes over after the lease
// duration, re-applies the deployed commit without force, and must go on in the same Slack thread,
// not report the drifted object as a failed deploy, and keep watching every object of the commit.
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { KubeClient } from '../../src/adapters/kube/client.js';
import { startAgentProcess, type AgentProcess } from '../../bench/agent/agent-process.js';
import { driftContext } from '../../src/agent/reporting/drift-ledger.js';
import { startGitHubServer, userOctokit, type GitHubServer } from '../bed/github/index.js';
import type { ControlPlane } from '../bed/kube/control-plane.js';
import { startSlackReceiver, type SlackReceiver } from '../bed/slack/index.js';
import { applyDeployRbac } from '../support/agent/deploy-rbac.js';
import { inClusterEnvironment } from '../support/agent/in-cluster.js';
import { eventually } from '../support/agent/log.js';
import { useControlPlane } from '../support/control-plane.js';
import { mergePatch } from '../fixtures/drift/bed.js';

const cliMain = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const repo = 'shop/leader-processes';

let cluster: ControlPlane;
let admin: KubeClient;
let github: GitHubServer;
let slack: SlackReceiver;
let dir: string;
const agents: AgentProcess[] = [];
useControlPlane((plane) => ({ cluster, client: admin } = plane), { beforeStop: async () => { for (const agent of agents) agent.child.kill('SIGKILL'); } });
before(async () => {
  github = await startGitHubServer();
  slack = await startSlackReceiver({ channels: ['ladder-alerts'] });
  dir = await mkdtemp(join(tmpdir(), 'ladder-leader-processes-'));
  await writeFile(join(dir, 'app.pem'), github.app.privateKey, { mode: 0o600 });
});
after(async () => {
  await slack?.stop();
  await github?.stop();
});

const configMap = (name: string, value: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  level: ${value}\n`;

async function writeConfig(namespace: string, agentNamespace: string): Promise<string> {
  const file = join(dir, 'agent.yaml');
  await writeFile(file, [
    `repository: ${repo}`, 'environment: dev', 'path: manifests', `namespaces: [${namespace}]`, `agentNamespace: ${agentNamespace}`,
    'github:', `  apiUrl: ${github.url}`, `  appId: ${github.app.id}`, `  installationId: ${github.installations.idFor(repo)}`, `  privateKeyPath: ${join(dir, 'app.pem')}`,
    'slack:', `  token: ${slack.token}`, '  channel: ladder-alerts', `  apiUrl: ${slack.url}`,
    'intervals: { pollSeconds: 1, healthTimeoutSeconds: 30 }',
    'leaderElection: { leaseDurationSeconds: 3, renewDeadlineSeconds: 2, retryPeriodSeconds: 1 }',
    'server: { host: 127.0.0.1, port: 0 }', '',
  ].join('\n'));
  return file;
}

describe('a leader change between two agent processes', () => {
  it('the new leader continues the incident in the same Slack thread, reports no failed deploy, and watches every object', { timeout: 180_000 }, async () => {
    await github.createRepo(repo);
    github.setPermission(repo, 'reader', 'read');
    const commit = await github.seed.commitFiles(repo, 'dev', { 'manifests/checkout.yaml': configMap('checkout', 'info'), 'manifests/payments.yaml': configMap('payments', 'info') }, { from: 'main', silent: true });
    const namespace = await cluster.newNamespace('shop-dev');
    const agentNamespace = await cluster.newNamespace('ladder-system');
    await applyDeployRbac(admin, agentNamespace, [namespace]);
    const configFile = await writeConfig(namespace, agentNamespace);
    const podEnv = await inClusterEnvironment(cluster, agentNamespace, 'ladder-agent');
    const start = (pod: string) => {
      const agent = startAgentProcess(cliMain, configFile, { ...podEnv, KUBECONFIG: '', NODE_OPTIONS: '--import=tsx', LADDER_POD_NAME: pod });
      agents.push(agent);
      return agent;
    };
    const byPod = new Map([['agent-a', start('agent-a')], ['agent-b', start('agent-b')]]);
    const lease = `/apis/coordination.k8s.io/v1/namespaces/${agentNamespace}/leases/ladder-agent-dev`;
    const holder = async () => (await admin.request<{ spec: { holderIdentity?: string } }>('GET', lease).catch(() => undefined))?.spec.holderIdentity;

    const firstName = await eventually(async () => { const name = await holder(); return name && byPod.has(name) ? name : undefined; }, 'a leader', 60_000);
    const first = byPod.get(firstName)!;
    const secondName = firstName === 'agent-a' ? 'agent-b' : 'agent-a';
    const second = byPod.get(secondName)!;
    await first.waitForLog((l) => l.commit === commit && typeof l.ms === 'number', 60_000);

    // Drift while the first leads: a hand edit takes Ladder's field (its manager now owns data.level).
    const path = (name: string) => `/api/v1/namespaces/${namespace}/configmaps/${name}`;
    await mergePatch(admin, path('checkout'), { data: { level: 'debug' } }, 'kubectl-edit');
    const isCheckout = (m: { text?: string }) => (m.text ?? '').includes(`ConfigMap ${namespace}/checkout`);
    const alert = await slack.waitForMessage((m) => !m.thread_ts && isCheckout(m) && (m.text ?? '').startsWith('Drift in dev'), 30_000);
    // The incident is on the deployed commit before the leader goes: that is what the next one reads.
    const context = driftContext('dev', { apiVersion: 'v1', kind: 'ConfigMap', namespace, name: 'checkout' });
    const statuses = async () => (await userOctokit(github, 'reader').rest.repos.listCommitStatusesForRef({ owner: 'shop', repo: 'leader-processes', ref: commit })).data;
    await eventually(async () => (await statuses()).some((s) => s.context === context && s.state === 'failure') || undefined, 'the ladder/drift status', 20_000);

    // The leader dies without a word; the other replica takes the Lease once it expires.
    first.child.kill('SIGKILL');
    await eventually(async () => ((await holder()) === secondName ? true : undefined), 'the other replica to lead', 30_000);
    const reapplied = await second.waitForLog((l) => l.commit === commit && (typeof l.ms === 'number' || typeof l.stage === 'string'), 60_000);
    assert.equal(typeof reapplied.ms, 'number', `the new leader's re-apply of the deployed commit failed: ${reapplied.msg}`);

    // The same thread goes on; no second top-level message for the incident, and no deploy failure.
    const continued = await slack.waitForMessage((m) => m.thread_ts === alert.ts && (m.text ?? '').startsWith('Still drifted: '), 30_000);
    assert.match(continued.text!, /took over/);
    assert.deepEqual(await admin.request('GET', path('checkout')).then((o) => (o as { data: unknown }).data), { level: 'debug' }, 'without force, the hand edit stays');

    // Still watching both objects: the fix resolves the incident in its thread, and new drift of the other object is seen.
    await mergePatch(admin, path('checkout'), { data: { level: 'info' } }, 'kubectl-edit');
    await slack.waitForMessage((m) => m.thread_ts === alert.ts && m.ts !== alert.ts && (m.text ?? '').startsWith('Resolved: '), 20_000);
    await mergePatch(admin, path('payments'), { data: { level: 'trace' } }, 'kubectl-edit');
    await slack.waitForMessage((m) => !m.thread_ts && (m.text ?? '').startsWith(`Drift in dev: ConfigMap ${namespace}/payments`), 20_000);

    const topLevel = slack.messages('ladder-alerts').filter((m) => !m.thread_ts || m.thread_ts === m.ts);
    assert.equal(topLevel.filter(isCheckout).length, 1, 'one top-level message for the incident');
    assert.deepEqual(topLevel.filter((m) => (m.text ?? '').startsWith('Deploy failed')).map((m) => m.text), []);
    assert.deepEqual(slack.violations, []);
    assert.equal(await second.stop(), 0, 'the new leader stops cleanly on SIGTERM');
  });
});
