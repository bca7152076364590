// Issue 5, "Done when": the agent against the GitHub test bed, a real API server and the Slack
// receiver. A merge on the environment branch is applied and reported as a successful
// deployment; a hand edit of a managed field gives one Slack drift message naming the field, the
// values and the manager, then a "resolved" reply after the fix; removing a file prunes exactly
// that object; emptying the branch prunes nothing without the override.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KubeApiError, type KubeClient } from '../../src/adapters/kube/client.js';
import { startAgent, type RunningAgent } from '../../src/agent/main.js';
import { startGitHubServer, userOctokit, type GitHubServer } from '../bed/github/index.js';
import type { ControlPlane } from '../bed/kube/control-plane.js';
import { useControlPlane } from '../support/control-plane.js';
import { startSlackReceiver, type SlackMessage, type SlackReceiver } from '../bed/slack/index.js';
import { applyDeployRbac } from '../support/agent/deploy-rbac.js';
import { devAgentConfig, mergeIntoDev } from '../support/agent/dev-agent.js';
import { eventually, testLogger } from '../support/agent/log.js';
import { markRolledOutWhenApplied } from '../support/agent/rollout.js';

const repo = 'shop/checkout-manifests';
const [owner, name] = repo.split('/') as [string, string];

let cluster: ControlPlane;
let admin: KubeClient;
let github: GitHubServer;
let slack: SlackReceiver;
let agent: RunningAgent | undefined;
let agentNs: string;
let ns: string;
let stopRollouts: (() => void) | undefined;

const configMap = (cmName: string, value: string) => `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${cmName}
data:
  mode: ${value}
`;
const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: checkout
spec:
  replicas: 2
  selector:
    matchLabels: { app: checkout }
  template:
    metadata:
      labels: { app: checkout }
    spec:
      containers:
        - name: checkout
          image: registry.example.com/shop/checkout:1.0.0
`;

useControlPlane(async (plane) => {
  ({ cluster, client: admin } = plane);
  [github, slack] = await Promise.all([startGitHubServer(), startSlackReceiver({ channels: ['ladder-alerts'] })]);
  agentNs = await cluster.newNamespace('ladder-system');
  ns = await cluster.newNamespace('shop-dev');
  await applyDeployRbac(admin, agentNs, [ns]);
  await github.createRepo(repo);
  await github.seed.commitFiles(repo, 'dev', { 'README.md': '# dev\n' }, { from: 'main' });
  github.setPermission(repo, 'release-manager', 'write');

  const config = await devAgentConfig(github, slack, { repo, namespace: ns, agentNamespace: agentNs }, { prune: { maxDeletions: 5 } });
  // The agent runs with the service account deploy/'s RBAC grants, not as an administrator.
  const kubeConfig = await cluster.kubeConfigForServiceAccount(agentNs, 'ladder-agent');
  agent = await startAgent(config, { kubeConfig, log: testLogger(), identity: 'agent-e2e' });
  stopRollouts = markRolledOutWhenApplied(admin, ns, 'checkout');
}, {
  // The agent stops while the API server still runs.
  async beforeStop() {
    stopRollouts?.();
    await agent?.stop();
    await Promise.all([github?.stop(), slack?.stop()]);
  },
});

async function deploymentStates(sha: string): Promise<string[]> {
  const person = userOctokit(github, 'release-manager');
  const { data: deployments } = await person.rest.repos.listDeployments({ owner, repo: name, sha, environment: 'dev' });
  if (deployments.length === 0) return [];
  assert.equal(deployments.length, 1, `one deployment per commit, got ${deployments.length}`);
  const { data: statuses } = await person.rest.repos.listDeploymentStatuses({ owner, repo: name, deployment_id: deployments[0]!.id });
  return statuses.map((s) => `${s.state}: ${s.description}`).reverse();
}

async function finalState(sha: string, timeoutMs = 30_000): Promise<string[]> {
  return eventually(async () => {
    const states = await deploymentStates(sha);
    return states.some((s) => /^(success|failure):/.test(s)) ? states : undefined;
  }, `a final deployment status for ${sha.slice(0, 7)}`, timeoutMs, 200);
}

/** The agent's apply and apply-failure counters, from /metrics. */
async function counters(): Promise<{ applies: number; failures: number }> {
  const metrics = await (await fetch(`${agent!.url}/metrics`)).text();
  const value = (name: string) => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(metrics)?.[1] ?? Number.NaN);
  return { applies: value('ladder_applies_total'), failures: value('ladder_apply_failures_total') };
}

async function exists(path: string): Promise<boolean> {
  try {
    await admin.request('GET', path);
    return true;
  } catch (error) {
    if (error instanceof KubeApiError && error.status === 404) return false;
    throw error;
  }
}

const blocksText = (message: SlackMessage) => JSON.stringify(message.blocks ?? []) + (message.text ?? '');

describe('the agent end to end (GitHub bed, real API server, Slack receiver)', () => {
  let firstSha: string;

  it('applies a merge on the environment branch and reports a successful GitHub deployment', async () => {
    const started = Date.now();
    firstSha = await mergeIntoDev(github, repo, 'release-1', {
      'manifests/settings.yaml': configMap('settings', 'blue'),
      'manifests/extra.yaml': configMap('extra', 'x'),
      'manifests/deployment.yaml': deployment,
    });
    const states = await finalState(firstSha);
    assert.deepEqual(states.map((s) => s.split(':')[0]), ['in_progress', 'success'], states.join('\n'));
    assert.match(states[1]!, /Applied 3 objects .*1 workload\(s\) healthy/);
    assert.ok(Date.now() - started < 15_000, `took ${Date.now() - started} ms from merge to success`);
    const live = await admin.request<{ data: Record<string, string>; metadata: { managedFields: { manager: string }[] } }>('GET', `/api/v1/namespaces/${ns}/configmaps/settings`);
    assert.equal(live.data.mode, 'blue');
    assert.ok(live.metadata.managedFields.some((m) => m.manager === 'ladder'));
    assert.ok(await exists(`/apis/apps/v1/namespaces/${ns}/deployments/checkout`));

    const person = userOctokit(github, 'release-manager');
    const { data: [created] } = await person.rest.repos.listDeployments({ owner, repo: name, sha: firstSha });
    assert.equal(created?.environment, 'dev');
    assert.equal(created?.task, 'deploy');
    assert.equal(created?.ref, firstSha);
    assert.deepEqual(created?.payload, { ladder: { commit: firstSha, path: 'manifests' } });

    const metrics = await (await fetch(`${agent!.url}/metrics`)).text();
    assert.match(metrics, new RegExp(`ladder_last_applied_commit_info\\{commit="${firstSha}"\\} 1`));
    assert.match(metrics, /^ladder_is_leader 1$/m);
    assert.equal((await fetch(`${agent!.url}/readyz`)).status, 200);
    github.contract.assertClean();
  });

  // Slack allows one message per incident per minute, so the "resolved" reply comes up to a
  // minute after the fix; the prune tests run meanwhile and the last test collects it.
  let alert: SlackMessage;
  it('reports a hand edit of a managed field once in Slack, naming field, values and manager', async () => {
    const path = `/api/v1/namespaces/${ns}/configmaps/settings`;
    const edit = (value: string, manager: string) =>
      admin.request('PATCH', path, { query: { fieldManager: manager }, body: { data: { mode: value } }, contentType: 'application/merge-patch+json' });
    const editedAt = Date.now();
    await edit('green', 'kubectl-edit');
    alert = await slack.waitForMessage((m) => !m.thread_ts && /Drift/.test(m.text ?? '') && /settings/.test(m.text ?? ''), 10_000);
    assert.ok(Date.now() - editedAt < 5000, `drift reported after ${Date.now() - editedAt} ms`);
    const text = blocksText(alert);
    assert.match(text, /data\.mode/);
    assert.match(text, /blue/);
    assert.match(text, /green/);
    assert.match(text, /kubectl-edit/);
    assert.match(await (await fetch(`${agent!.url}/metrics`)).text(), /^ladder_drifted_objects 1$/m);

    await edit('blue', 'kubectl-edit');
    await eventually(async () => /^ladder_drifted_objects 0$/m.test(await (await fetch(`${agent!.url}/metrics`)).text()), 'the incident to close', 10_000, 100);
  });

  it('prunes exactly the object whose file was removed', async () => {
    const bystander = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'copied-labels', namespace: ns, labels: { 'applyset.kubernetes.io/part-of': 'anything' } } };
    await admin.request('POST', `/api/v1/namespaces/${ns}/configmaps`, { body: bystander });
    const sha = await mergeIntoDev(github, repo, 'release-2', { 'manifests/extra.yaml': null });
    const states = await finalState(sha);
    assert.match(states.at(-1)!, /^success: .*pruned 1/, states.join('\n'));
    assert.equal(await exists(`/api/v1/namespaces/${ns}/configmaps/extra`), false);
    assert.equal(await exists(`/api/v1/namespaces/${ns}/configmaps/settings`), true);
    assert.equal(await exists(`/apis/apps/v1/namespaces/${ns}/deployments/checkout`), true);
    assert.equal(await exists(`/api/v1/namespaces/${ns}/configmaps/copied-labels`), true);
  });

  it('prunes nothing when the branch is emptied, and says so in the deployment', async () => {
    // Counted from here: on a loaded machine the agent can lead and poll before the first test's
    // merge lands, and then applies the branch's first commit (no manifests) too.
    const before = await counters();
    const sha = await mergeIntoDev(github, repo, 'release-3', { 'manifests/settings.yaml': null, 'manifests/deployment.yaml': null });
    const states = await finalState(sha);
    assert.match(states.at(-1)!, /^failure: .*nothing was pruned/i, states.join('\n'));
    assert.equal(await exists(`/api/v1/namespaces/${ns}/configmaps/settings`), true);
    assert.equal(await exists(`/apis/apps/v1/namespaces/${ns}/deployments/checkout`), true);
    const after = await counters();
    assert.deepEqual([after.failures - before.failures, after.applies - before.applies], [1, 0], 'one failure, no apply');
    github.contract.assertClean();
  });

  it('refuses a commit with an object in a namespace the agent does not manage, and applies none of it', async () => {
    const foreign = configMap('sneaky', 'x').replace('  name: sneaky\n', '  name: sneaky\n  namespace: kube-system\n');
    const sha = await mergeIntoDev(github, repo, 'release-4', { 'manifests/settings.yaml': configMap('settings', 'red'), 'manifests/sneaky.yaml': foreign });
    const states = await finalState(sha);
    assert.match(states.at(-1)!, /^failure: Nothing applied: manifests\/sneaky\.yaml:\d+: ConfigMap kube-system\/sneaky is in namespace kube-system/, states.join('\n'));
    const live = await admin.request<{ data: Record<string, string> }>('GET', `/api/v1/namespaces/${ns}/configmaps/settings`);
    assert.equal(live.data.mode, 'blue');
    assert.equal(await exists('/api/v1/namespaces/kube-system/configmaps/sneaky'), false);
  });

  it('replies "resolved" in the drift thread after the fix, and sent one top-level message for the incident', async () => {
    // A reply in the thread (the parent, edited to "Resolved drift", is in it too once replied to).
    const resolved = await slack.waitForMessage((m) => m.thread_ts === alert.ts && m.ts !== alert.ts && /resolved/i.test(m.text ?? ''), 70_000);
    assert.match(resolved.text ?? '', /fixed/);
    const topLevel = slack.messages('ladder-alerts').filter((m) => /settings/.test(m.text ?? ''));
    assert.equal(topLevel.length, 1, `one message for the incident: ${topLevel.map((m) => m.text).join(' | ')}`);
    assert.deepEqual(slack.violations, []);
  });
});
