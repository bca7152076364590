// Issue 15 (2b): External Secrets Operator and Sealed Secrets resources go through the agent like
// any other, and the Secrets their controllers write are not Ladder's: no drift on them, no prune
// of them. The operators' CRDs (vendored in src/schemas/crds/) are installed in the real API
// server; a controller-like field manager writes each Secret, owned by its resource, and the
// resource's status. The agent (deploy/'s RBAC, GitHub bed, Slack receiver) must stay quiet, and a
// real edit of the ExternalSecret at the end proves it was watching.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { KubeApiError, type KubeClient, type KubeObject } from '../../src/adapters/kube/client.js';
import { startAgent, type RunningAgent } from '../../src/agent/main.js';
import { parseManifests } from '../../src/core/manifests/parse.js';
import { startGitHubServer, userOctokit, type GitHubServer } from '../bed/github/index.js';
import type { ControlPlane } from '../bed/kube/control-plane.js';
import { useControlPlane } from '../support/control-plane.js';
import { startSlackReceiver, type SlackReceiver } from '../bed/slack/index.js';
import { applyDeployRbac } from '../support/agent/deploy-rbac.js';
import { devAgentConfig, mergeIntoDev } from '../support/agent/dev-agent.js';
import { vaultSecretStore } from '../support/operator-secrets.js';
import { eventually, testLogger } from '../support/agent/log.js';
import { judged } from '../support/drift-judged.js';
import { managedTime, serverClockPast } from '../support/server-clock.js';

const repo = 'shop/orders-manifests';
const [owner, name] = repo.split('/') as [string, string];
const crdDir = new URL('../../src/schemas/crds/', import.meta.url);

let cluster: ControlPlane;
let admin: KubeClient;
let github: GitHubServer;
let slack: SlackReceiver;
let agent: RunningAgent | undefined;
let agentNs: string;
let ns: string;

const externalSecret = (refresh: string) => `apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata:
  name: orders-db
spec:
  refreshInterval: ${refresh}
  secretStoreRef:
    kind: SecretStore
    name: vault
  target:
    name: orders-db
  data:
    - secretKey: password
      remoteRef:
        key: shop/orders/db
        property: password
`;
const secretStore = vaultSecretStore('SecretStore', 'orders');
const sealedSecret = `apiVersion: bitnami.com/v1alpha1
kind: SealedSecret
metadata:
  name: orders-api-key
spec:
  encryptedData:
    key: AgBy3i4OJSWK+PiTySYZZA9rO43cGDEq
  template:
    type: Opaque
`;
const configMap = `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  mode: blue
`;

useControlPlane(async (plane) => {
  ({ cluster, client: admin } = plane);
  [github, slack] = await Promise.all([startGitHubServer(), startSlackReceiver({ channels: ['ladder-alerts'] })]);
  // The operators are installed in the cluster (their CRDs), not by the service's manifests.
  for (const file of readdirSync(crdDir).filter((f) => f.endsWith('.yaml'))) {
    for (const doc of parseManifests(readFileSync(new URL(file, crdDir), 'utf8'), file).documents) {
      const crd = doc.object as KubeObject;
      await admin.request('PATCH', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd.metadata!.name}`, { query: { fieldManager: 'operator-install', force: true }, body: crd, contentType: 'application/apply-patch+yaml' });
    }
  }
  await eventually(async () => (await admin.resourceFor('external-secrets.io/v1', 'ExternalSecret')) && (await admin.resourceFor('bitnami.com/v1alpha1', 'SealedSecret')), 'the operator CRDs to be served', 30_000, 200);
  agentNs = await cluster.newNamespace('ladder-system');
  ns = await cluster.newNamespace('orders-dev');
  await applyDeployRbac(admin, agentNs, [ns]);
  await github.createRepo(repo);
  await github.seed.commitFiles(repo, 'dev', { 'README.md': '# dev\n' }, { from: 'main' });
  github.setPermission(repo, 'release-manager', 'write');

  const config = await devAgentConfig(github, slack, { repo, namespace: ns, agentNamespace: agentNs });
  const kubeConfig = await cluster.kubeConfigForServiceAccount(agentNs, 'ladder-agent');
  agent = await startAgent(config, { kubeConfig, log: testLogger(), identity: 'agent-operators' });
}, {
  async beforeStop() {
    await agent?.stop();
    await Promise.all([github?.stop(), slack?.stop()]);
  },
});

async function finalState(sha: string): Promise<string> {
  const person = userOctokit(github, 'release-manager');
  return eventually(async () => {
    const { data: deployments } = await person.rest.repos.listDeployments({ owner, repo: name, sha, environment: 'dev' });
    if (deployments.length === 0) return undefined;
    const { data: statuses } = await person.rest.repos.listDeploymentStatuses({ owner, repo: name, deployment_id: deployments[0]!.id });
    const last = statuses.map((s) => `${s.state}: ${s.description}`)[0];
    return last && /^(success|failure):/.test(last) ? last : undefined;
  }, `a final deployment status for ${sha.slice(0, 7)}`, 30_000, 200);
}

/** What the operator's controller does: write the Secret, owned by its resource, and the resource's status (the answer is returned). */
async function actLikeController(manager: string, owner: { apiVersion: string; kind: string; plural: string; name: string }, secretName: string): Promise<KubeObject> {
  const base = `/apis/${owner.apiVersion}/namespaces/${ns}/${owner.plural}/${owner.name}`;
  const live = await admin.request<KubeObject>('GET', base);
  const secret = {
    apiVersion: 'v1', kind: 'Secret',
    metadata: {
      name: secretName, namespace: ns,
      labels: { 'app.kubernetes.io/managed-by': manager },
      ownerReferences: [{ apiVersion: owner.apiVersion, kind: owner.kind, name: owner.name, uid: live.metadata!.uid, controller: true, blockOwnerDeletion: true }],
    },
    type: 'Opaque',
    data: { value: Buffer.from(`from-${manager}`).toString('base64') },
  };
  await admin.request('PATCH', `/api/v1/namespaces/${ns}/secrets/${secretName}`, { query: { fieldManager: manager, force: true }, body: secret, contentType: 'application/apply-patch+yaml' });
  const status = { apiVersion: owner.apiVersion, kind: owner.kind, metadata: { name: owner.name, namespace: ns }, status: { conditions: [{ type: 'Ready', status: 'True', reason: 'SecretSynced', message: 'Secret was synced', lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z') }] } };
  return admin.request<KubeObject>('PATCH', `${base}/status`, { query: { fieldManager: manager, force: true }, body: status, contentType: 'application/apply-patch+yaml' });
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

const driftedCount = async () => Number(/^ladder_drifted_objects (\d+)$/m.exec(await (await fetch(`${agent!.url}/metrics`)).text())?.[1]);
const driftMessages = () => slack.messages('ladder-alerts').filter((m) => !m.thread_ts && /Drift/i.test(m.text ?? ''));

describe('External Secrets Operator and Sealed Secrets through the agent (real API server)', () => {
  it('applies their resources, and raises no drift when their controllers write the Secrets and statuses', async () => {
    const sha = await mergeIntoDev(github, repo, 'release-1', {
      'manifests/externalsecret-orders-db.yaml': externalSecret('1h'),
      'manifests/secretstore-vault.yaml': secretStore,
      'manifests/sealedsecret-orders-api-key.yaml': sealedSecret,
      'manifests/configmap-settings.yaml': configMap,
    });
    assert.match(await finalState(sha), /^success: Applied 4 objects/);
    const synced = await actLikeController('external-secrets', { apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', plural: 'externalsecrets', name: 'orders-db' }, 'orders-db');
    const sealed = await actLikeController('sealed-secrets-controller', { apiVersion: 'bitnami.com/v1alpha1', kind: 'SealedSecret', plural: 'sealedsecrets', name: 'orders-api-key' }, 'orders-api-key');
    await judged(agent!.drift!, [synced, sealed]);
    // The controllers write again, as they do on every refresh: in a later second, so the status and its managedFields time change.
    await serverClockPast(admin, agentNs, managedTime(synced, 'external-secrets', 'status'));
    const refreshed = await actLikeController('external-secrets', { apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', plural: 'externalsecrets', name: 'orders-db' }, 'orders-db');
    assert.notEqual(refreshed.metadata!.resourceVersion, synced.metadata!.resourceVersion, 'the refresh is a new version');
    // The watcher has judged every write (and sent what it would have sent): nothing was drift.
    await judged(agent!.drift!, [refreshed]);
    assert.equal(await driftedCount(), 0);
    assert.deepEqual(driftMessages().map((m) => m.text), []);
  });

  it('prunes what left Git and never the Secrets the controllers own', async () => {
    const sha = await mergeIntoDev(github, repo, 'release-2', { 'manifests/configmap-settings.yaml': null });
    assert.match(await finalState(sha), /^success: .*pruned 1/);
    assert.equal(await exists(`/api/v1/namespaces/${ns}/configmaps/settings`), false);
    assert.equal(await exists(`/api/v1/namespaces/${ns}/secrets/orders-db`), true);
    assert.equal(await exists(`/api/v1/namespaces/${ns}/secrets/orders-api-key`), true);
    assert.deepEqual(driftMessages().map((m) => m.text), []);
  });

  it('was watching them all along: a hand edit of the ExternalSecret is drift', async () => {
    await admin.request('PATCH', `/apis/external-secrets.io/v1/namespaces/${ns}/externalsecrets/orders-db`, {
      query: { fieldManager: 'kubectl-edit' }, body: { spec: { refreshInterval: '5m' } }, contentType: 'application/merge-patch+json',
    });
    const alert = await slack.waitForMessage((m) => !m.thread_ts && /Drift/.test(m.text ?? '') && /orders-db/.test(m.text ?? ''), 15_000);
    assert.match(JSON.stringify(alert.blocks ?? []), /spec\.refreshInterval/);
    assert.equal(driftMessages().length, 1, driftMessages().map((m) => m.text).join(' | '));
  });
});
