import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createKubeClient, type KubeClient } from '../../src/adapters/kube/client.js';
import { LeaderElector } from '../../src/agent/loop/leader.js';
import type { ControlPlane } from '../bed/kube/control-plane.js';
import { useControlPlane } from '../support/control-plane.js';
import { applyDeployRbac } from '../support/agent/deploy-rbac.js';
import { eventually, testLogger } from '../support/agent/log.js';
import { statusOf } from '../support/kube-status.js';

let cluster: ControlPlane;
let admin: KubeClient;
useControlPlane((plane) => ({ cluster, client: admin } = plane));

const configMap = (namespace: string, name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data: { a: '1' } });
const apply = (client: KubeClient, path: string, body: unknown, dryRun = false) =>
  client.request('PATCH', path, { query: { fieldManager: 'ladder', force: false, ...(dryRun ? { dryRun: 'All' } : {}) }, body, contentType: 'application/apply-patch+yaml' });

describe("deploy/'s RBAC: what the agent's service account may do", () => {
  let agentNs: string;
  let targetNs: string;
  let otherNs: string;
  let agent: KubeClient;
  before(async () => {
    agentNs = await cluster.newNamespace('ladder-system');
    targetNs = await cluster.newNamespace('shop-dev');
    otherNs = await cluster.newNamespace('elsewhere');
    await applyDeployRbac(admin, agentNs, [targetNs]);
    agent = createKubeClient(await cluster.kubeConfigForServiceAccount(agentNs, 'ladder-agent'));
  });
  after(() => agent?.close());

  it('may hold the leader Lease and write the inventory in its own namespace', async () => {
    const elector = new LeaderElector(agent, { namespace: agentNs, name: 'ladder-agent-dev', identity: 'pod-1', leaseDurationMs: 2000, renewDeadlineMs: 1500, retryPeriodMs: 200, log: testLogger() });
    elector.start();
    await eventually(() => elector.isLeader(), 'leadership with the service account');
    await elector.stop();
    assert.equal(await statusOf(apply(agent, `/api/v1/namespaces/${agentNs}/configmaps/ladder-inventory-dev`, configMap(agentNs, 'ladder-inventory-dev'))), 200);
    // Not the Secrets next to it (the GitHub key, the Slack webhook).
    assert.equal(await statusOf(agent.request('GET', `/api/v1/namespaces/${agentNs}/secrets`)), 403);
  });

  it('may dry-run, apply, watch and delete the kinds Ladder manages in a target namespace', async () => {
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: targetNs },
      spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } } },
    };
    assert.equal(await statusOf(apply(agent, `/apis/apps/v1/namespaces/${targetNs}/deployments/web`, deployment, true)), 200);
    assert.equal(await statusOf(apply(agent, `/apis/apps/v1/namespaces/${targetNs}/deployments/web`, deployment)), 200);
    assert.equal(await statusOf(apply(agent, `/api/v1/namespaces/${targetNs}/configmaps/settings`, configMap(targetNs, 'settings'))), 200);
    assert.equal(await statusOf(agent.request('GET', `/api/v1/namespaces/${targetNs}/configmaps`, { query: { labelSelector: 'a=b' } })), 200);
    assert.equal(await statusOf(agent.request('DELETE', `/api/v1/namespaces/${targetNs}/configmaps/settings`)), 200);
  });

  it('is refused outside its namespaces, for cluster-scoped kinds, and for RBAC objects', async () => {
    assert.equal(await statusOf(apply(agent, `/api/v1/namespaces/${otherNs}/configmaps/x`, configMap(otherNs, 'x'))), 403);
    assert.equal(await statusOf(agent.request('GET', `/api/v1/namespaces/${otherNs}/secrets`)), 403);
    assert.equal(await statusOf(agent.request('DELETE', `/api/v1/namespaces/${otherNs}/configmaps/anything`)), 403);
    assert.equal(await statusOf(apply(agent, `/api/v1/namespaces/${targetNs}-new`, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: `${targetNs}-new` } })), 403);
    const role = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'grab', namespace: targetNs }, rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }] };
    assert.equal(await statusOf(apply(agent, `/apis/rbac.authorization.k8s.io/v1/namespaces/${targetNs}/roles/grab`, role)), 403);
    assert.equal(await statusOf(agent.request('GET', `/apis/coordination.k8s.io/v1/namespaces/${targetNs}/leases`)), 403);
    assert.equal(await statusOf(agent.request('GET', '/api/v1/nodes')), 403);
  });

  it('with the optional ClusterRole may also apply Namespaces', async () => {
    const ns = await cluster.newNamespace('ladder-system');
    await applyDeployRbac(admin, ns, [targetNs], { clusterScoped: true, serviceAccount: 'ladder-agent' });
    const client = createKubeClient(await cluster.kubeConfigForServiceAccount(ns, 'ladder-agent'));
    try {
      const name = `${ns}-team`;
      assert.equal(await statusOf(apply(client, `/api/v1/namespaces/${name}`, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, true)), 200);
    } finally {
      client.close();
    }
  });
});
