// A deploy that fails its health check: GitHub gets `in_progress` → `failure` saying what is not
// healthy, Slack gets one "Deploy failed" message, and the failed commit is not retried every poll.
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createKubeClient } from '../../src/adapters/kube/client.js';
import { agentConfigSchema } from '../../src/agent/wiring/config.js';
import { startAgent, type RunningAgent } from '../../src/agent/main.js';
import { installationOctokit, startGitHubServer, type GitHubServer } from '../bed/github/index.js';
import type { ControlPlane } from '../bed/kube/control-plane.js';
import { useControlPlane } from '../support/control-plane.js';
import { startSlackReceiver, type SlackReceiver } from '../bed/slack/index.js';
import { eventually, testLogger } from '../support/agent/log.js';

const repo = 'shop/report-manifests';
let cluster: ControlPlane;
let github: GitHubServer;
let slack: SlackReceiver;
let agent: RunningAgent | undefined;

useControlPlane(
  async (plane) => {
    ({ cluster } = plane);
    [github, slack] = await Promise.all([startGitHubServer(), startSlackReceiver({ channels: ['ladder-alerts'] })]);
  },
  {
    // The agent stops while the API server still runs.
    async beforeStop() {
      await agent?.stop();
      await Promise.all([github?.stop(), slack?.stop()]);
    },
  },
);

describe('agent deployment reports', () => {
  it('reports a rollout that never finishes as a failure naming the workload, and alerts Slack once', async () => {
    await github.createRepo(repo);
    const ns = await cluster.newNamespace('shop-prd');
    const agentNs = await cluster.newNamespace('ladder-system');
    const deployment = `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: stuck\nspec:\n  selector:\n    matchLabels: { app: stuck }\n  template:\n    metadata:\n      labels: { app: stuck }\n    spec:\n      containers:\n        - name: app\n          image: registry.example.com/stuck:1\n`;
    const sha = await github.seed.commitFiles(repo, 'prd', { 'deploy/stuck.yaml': deployment }, { from: 'main' });
    const keyPath = join(await mkdtemp(join(tmpdir(), 'ladder-agent-report-')), 'app.pem');
    await writeFile(keyPath, github.app.privateKey);
    const config = agentConfigSchema.parse({
      repository: repo,
      environment: 'prd',
      path: 'deploy',
      namespaces: [ns],
      agentNamespace: agentNs,
      github: { apiUrl: github.url, appId: github.app.id, installationId: github.installations.idFor(repo), privateKeyPath: keyPath },
      slack: { webhookUrl: slack.webhookUrl },
      intervals: { pollSeconds: 1, healthTimeoutSeconds: 2 },
      server: { host: '127.0.0.1', port: 0 },
    });
    agent = await startAgent(config, { kubeConfig: cluster.kubeConfig, log: testLogger(), identity: 'agent-report' });

    const octokit = installationOctokit(github, repo);
    const statuses = await eventually(async () => {
      const { data: deployments } = await octokit.rest.repos.listDeployments({ owner: 'shop', repo: 'report-manifests', sha });
      if (deployments.length !== 1) return undefined;
      const { data } = await octokit.rest.repos.listDeploymentStatuses({ owner: 'shop', repo: 'report-manifests', deployment_id: deployments[0]!.id });
      return data.some((s) => s.state === 'failure') ? { deployment: deployments[0]!, states: data.map((s) => s.state).reverse(), last: data[0]! } : undefined;
    }, 'a failed deployment', 30_000, 200);
    assert.deepEqual(statuses.states, ['in_progress', 'failure']);
    assert.equal(statuses.deployment.environment, 'prd');
    assert.equal(statuses.deployment.production_environment, true, 'prd is a production environment by default');
    assert.match(statuses.last.description ?? '', /^Health timeout: not healthy after 2 s: Deployment .*\/stuck/);
    assert.ok((statuses.last.description ?? '').length <= 140);

    const alert = await slack.waitForMessage((m) => /Deploy failed in prd/.test(m.text ?? ''), 10_000);
    assert.match(alert.text ?? '', /stuck/);
    // The same commit is not tried again on every poll: three polls after the alert (not three
    // seconds, which a loaded machine may fill with fewer), still one deployment.
    const mark = github.requests.mark();
    await eventually(() => github.requests.count('GET /repos/{owner}/{repo}/commits/{ref}', mark) >= 3, 'three more polls of the branch', 30_000, 100);
    const { data: deployments } = await octokit.rest.repos.listDeployments({ owner: 'shop', repo: 'report-manifests', sha });
    assert.equal(deployments.length, 1);
    assert.equal(slack.messages('ladder-alerts').filter((m) => /Deploy failed/.test(m.text ?? '')).length, 1);
    assert.match(await (await fetch(`${agent.url}/metrics`)).text(), /^ladder_apply_failures_total 1$/m);
    assert.deepEqual(slack.violations, []);
    github.contract.assertClean();
  });

  it('on shutdown during a health wait, ends the deployment as interrupted, releases the Lease and stops promptly', async () => {
    const name = 'report-shutdown';
    await github.createRepo(`shop/${name}`);
    const ns = await cluster.newNamespace('shop-dev');
    const agentNs = await cluster.newNamespace('ladder-system');
    const deployment = `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: slow\nspec:\n  selector:\n    matchLabels: { app: slow }\n  template:\n    metadata:\n      labels: { app: slow }\n    spec:\n      containers:\n        - name: app\n          image: registry.example.com/slow:1\n`;
    const sha = await github.seed.commitFiles(`shop/${name}`, 'dev', { 'deploy/slow.yaml': deployment }, { from: 'main' });
    const keyPath = join(await mkdtemp(join(tmpdir(), 'ladder-agent-report-')), 'app.pem');
    await writeFile(keyPath, github.app.privateKey);
    const config = agentConfigSchema.parse({
      repository: `shop/${name}`, environment: 'dev', path: 'deploy', namespaces: [ns], agentNamespace: agentNs,
      github: { apiUrl: github.url, appId: github.app.id, installationId: github.installations.idFor(`shop/${name}`), privateKeyPath: keyPath },
      intervals: { pollSeconds: 1, healthTimeoutSeconds: 120 },
      server: { host: '127.0.0.1', port: 0 },
    });
    const running = await startAgent(config, { kubeConfig: cluster.kubeConfig, log: testLogger(), identity: 'agent-shutdown' });
    const octokit = installationOctokit(github, `shop/${name}`);
    const statesOf = async () => {
      const { data: deployments } = await octokit.rest.repos.listDeployments({ owner: 'shop', repo: name, sha });
      if (deployments.length === 0) return [];
      const { data } = await octokit.rest.repos.listDeploymentStatuses({ owner: 'shop', repo: name, deployment_id: deployments[0]!.id });
      return data.map((s) => `${s.state}: ${s.description}`).reverse();
    };
    await eventually(async () => (await statesOf()).length === 1, 'the deployment in progress', 20_000, 200);
    const admin = createKubeClient(cluster.kubeConfig);
    try {
      // Applied, so inside the health wait now (its Deployment never rolls out): a signal, not 500 ms.
      await eventually(() => admin.request('GET', `/apis/apps/v1/namespaces/${ns}/deployments/slow`).then(() => true, () => false), 'the Deployment applied', 30_000, 100);
      const stopping = Date.now();
      await running.stop();
      assert.ok(Date.now() - stopping < 5000, `stop took ${Date.now() - stopping} ms`);
      const states = await statesOf();
      // In progress, then interrupted; the rollout's progress (an in_progress every 5 s) may come
      // between them when the machine is slow enough that the stop comes that late.
      assert.ok(states.length >= 2, states.join('\n'));
      assert.ok(states.slice(0, -1).every((s) => s.startsWith('in_progress: ')), states.join('\n'));
      assert.match(states.at(-1)!, /^failure: Interrupted: the agent is shutting down/);
      const lease = await admin.request<{ spec: { holderIdentity?: string } }>('GET', `/apis/coordination.k8s.io/v1/namespaces/${agentNs}/leases/ladder-agent-dev`);
      assert.equal(lease.spec.holderIdentity, '');
    } finally {
      admin.close();
    }
  });
});
