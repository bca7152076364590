// The rollout's progress in the GitHub deployment status while it is in progress (issue 16): the
// whole agent applies a Deployment whose rollout the test plays as the controller would, part
// way with a failing condition, then to the end.
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import type { KubeClient, KubeObject } from '../../src/adapters/kube/client.js';
import { startAgent, type RunningAgent } from '../../src/agent/main.js';
import { agentConfigSchema } from '../../src/agent/wiring/config.js';
import { startGitHubServer, userOctokit, type GitHubServer } from '../bed/github/index.js';
import type { ControlPlane } from '../bed/kube/control-plane.js';
import { markRolledOut } from '../bed/kube/rollout.js';
import { applyDeployRbac } from '../support/agent/deploy-rbac.js';
import { eventually, testLogger } from '../support/agent/log.js';
import { useControlPlane } from '../support/control-plane.js';

let cluster: ControlPlane;
let admin: KubeClient;
useControlPlane((plane) => ({ cluster, client: admin } = plane));

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: checkout
spec:
  replicas: 3
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

it('says how far the rollout got (updated, ready, available; the failing condition) on the deployment while in progress, then succeeds', async () => {
  const github: GitHubServer = await startGitHubServer();
  let agent: RunningAgent | undefined;
  try {
    const repo = 'shop/progress-manifests';
    await github.createRepo(repo);
    github.setPermission(repo, 'reader', 'read');
    const sha = await github.seed.commitFiles(repo, 'dev', { 'manifests/deployment.yaml': deployment }, { from: 'main' });
    const agentNs = await cluster.newNamespace('ladder-system');
    const ns = await cluster.newNamespace('shop-dev');
    await applyDeployRbac(admin, agentNs, [ns]);
    const keyPath = join(await mkdtemp(join(tmpdir(), 'ladder-agent-progress-')), 'app.pem');
    await writeFile(keyPath, github.app.privateKey);
    const config = agentConfigSchema.parse({
      repository: repo, environment: 'dev', path: 'manifests', namespaces: [ns], agentNamespace: agentNs,
      github: { apiUrl: github.url, appId: github.app.id, installationId: github.installations.idFor(repo), privateKeyPath: keyPath },
      intervals: { pollSeconds: 1, healthTimeoutSeconds: 60 },
      // One agent, which takes the free Lease at once: client-go's lease and renew deadline, as in
      // test/support/agent/dev-agent.ts; with 2 s a loaded machine could make it step down and apply again.
      leaderElection: { leaseDurationSeconds: 15, renewDeadlineSeconds: 10, retryPeriodSeconds: 1 },
      server: { host: '127.0.0.1', port: 0 },
    });
    agent = await startAgent(config, { kubeConfig: await cluster.kubeConfigForServiceAccount(agentNs, 'ladder-agent'), log: testLogger(), identity: 'agent-progress' });
    const person = userOctokit(github, 'reader');
    const states = async () => {
      const { data: deployments } = await person.rest.repos.listDeployments({ owner: 'shop', repo: 'progress-manifests', sha });
      if (deployments.length === 0) return [];
      const { data } = await person.rest.repos.listDeploymentStatuses({ owner: 'shop', repo: 'progress-manifests', deployment_id: deployments[0]!.id });
      return data.map((s) => `${s.state}: ${s.description}`).reverse();
    };
    const path = `/apis/apps/v1/namespaces/${ns}/deployments/checkout`;
    await eventually(async () => (await admin.request<KubeObject>('GET', path).catch(() => undefined)) !== undefined, 'the Deployment to be applied');
    // The controller part way: 2 of 3 updated, 1 ready and available, a quota refusing the rest.
    const live = await admin.request<KubeObject>('GET', path);
    await admin.request('PATCH', `${path}/status`, {
      contentType: 'application/merge-patch+json',
      body: {
        status: {
          observedGeneration: live.metadata?.generation ?? 1, replicas: 2, updatedReplicas: 2, readyReplicas: 1, availableReplicas: 1,
          conditions: [{ type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: 'pods "checkout-7d9" is forbidden: exceeded quota' }],
        },
      },
    });
    const progress = await eventually(async () => (await states()).find((s) => s.includes('2/3 updated')), 'the rollout progress on the deployment', 20_000, 200);
    assert.equal(progress, 'in_progress: Rolling out (0/1 done): Deployment checkout 2/3 updated, 1/3 ready, 1/3 available; pods "checkout-7d9" is forbidden: exceeded quota');
    await markRolledOut(admin, { apiVersion: 'apps/v1', kind: 'Deployment', namespace: ns, name: 'checkout' });
    const final = await eventually(async () => {
      const all = await states();
      return all.some((s) => s.startsWith('success:')) ? all : undefined;
    }, 'the deployment to succeed', 20_000, 200);
    assert.match(final.at(-1)!, /^success: /);
    // In progress first, then the progress, then the outcome: nothing in progress after it.
    assert.equal(final.filter((s) => s.startsWith('success:')).length, 1);
    assert.ok(final.indexOf(progress) < final.length - 1);
  } finally {
    await agent?.stop();
    await github.stop();
  }
});
