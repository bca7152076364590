// Prune against the real API server: exactly what left Git goes, and every
// guard holds — empty set, incomplete source, the per-commit limit and its
// override, the opt-out annotation, objects that only carry copied labels,
// cluster-scoped objects Ladder did not apply, and the agent's own namespace.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type KubeClient, type KubeObject } from '../../src/adapters/kube/client.js';
import { applyCommit, applySetId, readInventory, type ApplyOptions, type ManifestFile } from '../../src/agent/sync/index.js';
import { writeInventory } from '../../src/agent/sync/inventory.js';
import type { ControlPlane } from '../bed/kube/control-plane.js';
import { useControlPlane } from '../support/control-plane.js';
import { commitA, commitB, commitC, configMapFile, readObject } from '../support/agent-sync.js';

let cluster: ControlPlane;
let client: KubeClient;
useControlPlane((plane) => ({ cluster, client } = plane));

const optionsFor = (namespace: string, more: Partial<ApplyOptions> = {}): ApplyOptions => ({ inventory: { namespace, name: 'dev' }, ...more });
const configMaps = (namespace: string, names: string[]): ManifestFile[] => names.map((name) => configMapFile(namespace, name));
const cmPath = (namespace: string, name: string) => `/api/v1/namespaces/${namespace}/configmaps/${name}`;
const exists = async (namespace: string, name: string) => (await readObject(client, cmPath(namespace, name))) !== undefined;
const names = (refs: { name: string }[]) => refs.map((r) => r.name).sort();

async function start(namespace: string, objects: string[]): Promise<void> {
  const outcome = await applyCommit(client, { commit: commitA, files: configMaps(namespace, objects) }, optionsFor(namespace));
  assert.equal(outcome.status, 'applied', outcome.message);
}

test('removing a file prunes exactly that object', async () => {
  const namespace = await cluster.newNamespace('prune');
  await start(namespace, ['keep', 'gone']);
  const outcome = await applyCommit(client, { commit: commitB, files: configMaps(namespace, ['keep']) }, optionsFor(namespace));
  assert.equal(outcome.status, 'applied', outcome.message);
  assert.deepEqual(names(outcome.prune!.pruned), ['gone']);
  assert.equal(await exists(namespace, 'gone'), false);
  assert.equal(await exists(namespace, 'keep'), true);
  assert.deepEqual(names(await readInventory(client, { namespace, name: 'dev' })), ['keep']);
  assert.match(outcome.message, /pruned 1/);
});

test('an empty set prunes nothing unless allowEmpty', async () => {
  const namespace = await cluster.newNamespace('empty');
  await start(namespace, ['a', 'b']);
  const outcome = await applyCommit(client, { commit: commitB, files: [] }, optionsFor(namespace));
  assert.equal(outcome.status, 'applied');
  assert.match(outcome.prune!.blocked!, /no objects.*allowEmpty/);
  assert.deepEqual(names(outcome.prune!.wouldPrune), ['a', 'b']);
  assert.deepEqual(outcome.prune!.pruned, []);
  assert.equal(await exists(namespace, 'a'), true);
  assert.deepEqual(names(await readInventory(client, { namespace, name: 'dev' })), ['a', 'b'], 'still listed, so a later commit can prune them');

  const allowed = await applyCommit(client, { commit: commitC, files: [] }, optionsFor(namespace, { prune: { allowEmpty: true } }));
  assert.deepEqual(names(allowed.prune!.pruned), ['a', 'b']);
  assert.equal(await exists(namespace, 'a'), false);
});

test('a source that may be incomplete prunes nothing', async () => {
  const namespace = await cluster.newNamespace('fetch');
  await start(namespace, ['a', 'b']);
  const outcome = await applyCommit(client, { commit: commitB, files: configMaps(namespace, ['a']), sourceProblem: 'fetching b.yaml failed: 502' }, optionsFor(namespace));
  assert.match(outcome.prune!.blocked!, /incomplete \(fetching b\.yaml failed: 502\)/);
  assert.equal(await exists(namespace, 'b'), true);
});

test('more than maxPrune objects need the override; without it, what would go is reported', async () => {
  const namespace = await cluster.newNamespace('limit');
  await start(namespace, ['keep', 'p1', 'p2', 'p3']);
  const files = configMaps(namespace, ['keep']);
  const blocked = await applyCommit(client, { commit: commitB, files }, optionsFor(namespace, { prune: { maxPrune: 2 } }));
  assert.match(blocked.prune!.blocked!, /3 objects would be pruned, more than the limit of 2/);
  assert.deepEqual(names(blocked.prune!.wouldPrune), ['p1', 'p2', 'p3']);
  for (const name of ['p1', 'p2', 'p3']) assert.equal(await exists(namespace, name), true);

  const overridden = await applyCommit(client, { commit: commitB, files }, optionsFor(namespace, { prune: { maxPrune: 2, override: true } }));
  assert.deepEqual(names(overridden.prune!.pruned), ['p1', 'p2', 'p3']);
  for (const name of ['p1', 'p2', 'p3']) assert.equal(await exists(namespace, name), false);
});

test('an object annotated ladder.dev/prune: disabled stays', async () => {
  const namespace = await cluster.newNamespace('optout');
  await start(namespace, ['keep', 'pinned']);
  await client.request('PATCH', cmPath(namespace, 'pinned'), { body: { metadata: { annotations: { 'ladder.dev/prune': 'disabled' } } }, contentType: 'application/merge-patch+json', query: { fieldManager: 'operator' } });
  const outcome = await applyCommit(client, { commit: commitB, files: configMaps(namespace, ['keep']) }, optionsFor(namespace));
  assert.deepEqual(outcome.prune!.pruned, []);
  assert.deepEqual(outcome.prune!.skipped.map((s) => `${s.ref.name}: ${s.reason}`), ['pinned: annotated ladder.dev/prune: disabled']);
  assert.equal(await exists(namespace, 'pinned'), true);
});

test('objects with copied labels but without the inventory annotation are never touched', async () => {
  const namespace = await cluster.newNamespace('copied');
  await start(namespace, ['keep', 'replaced', 'gone']);
  const id = applySetId({ namespace, name: 'dev' });
  // An operator's object carrying our labels (copied from its parent), never in the inventory.
  await client.request('POST', `/api/v1/namespaces/${namespace}/configmaps`, { body: { metadata: { name: 'child', labels: { 'applyset.kubernetes.io/part-of': id } } } });
  // An inventory member deleted and re-created by someone else with the labels only.
  await client.request('DELETE', cmPath(namespace, 'replaced'));
  await client.request('POST', `/api/v1/namespaces/${namespace}/configmaps`, { body: { metadata: { name: 'replaced', labels: { 'applyset.kubernetes.io/part-of': id } } } });

  const outcome = await applyCommit(client, { commit: commitB, files: configMaps(namespace, ['keep']) }, optionsFor(namespace));
  assert.deepEqual(names(outcome.prune!.pruned), ['gone']);
  assert.deepEqual(outcome.prune!.skipped.map((s) => s.ref.name), ['replaced']);
  assert.match(outcome.prune!.skipped[0]!.reason, /does not carry our inventory annotation/);
  assert.equal(await exists(namespace, 'child'), true);
  assert.equal(await exists(namespace, 'replaced'), true);
});

test('an inventory member re-created by someone else, our annotation copied with the rest, is not pruned', async () => {
  const namespace = await cluster.newNamespace('recreated');
  await start(namespace, ['keep', 'copied']);
  // `kubectl get -o yaml`, delete, `kubectl create -f`: same name, same labels and annotations, another manager.
  const original = await client.request<KubeObject>('GET', cmPath(namespace, 'copied'));
  await client.request('DELETE', cmPath(namespace, 'copied'));
  const { name, labels, annotations } = original.metadata!;
  await client.request('POST', `/api/v1/namespaces/${namespace}/configmaps`, { body: { metadata: { name, labels, annotations }, data: original.data }, query: { fieldManager: 'kubectl-create' } });

  const outcome = await applyCommit(client, { commit: commitB, files: configMaps(namespace, ['keep']) }, optionsFor(namespace));
  assert.deepEqual(outcome.prune!.pruned, []);
  assert.deepEqual(outcome.prune!.skipped.map((s) => `${s.ref.name}: ${s.reason}`), ['copied: Ladder did not apply it (re-created by someone else, our annotation copied)']);
  assert.equal(await exists(namespace, 'copied'), true);
});

test("cluster-scoped objects Ladder did not apply, and the agent's own namespace, are never pruned", async () => {
  const namespace = await cluster.newNamespace('scope');
  const id = applySetId({ namespace, name: 'dev' });
  const roleName = `reader-${namespace}`;
  // A ClusterRole someone created by hand, copying our annotation too, and listed in the inventory by mistake.
  await client.request('POST', '/apis/rbac.authorization.k8s.io/v1/clusterroles', {
    body: { metadata: { name: roleName, annotations: { 'ladder.dev/inventory': id } }, rules: [] },
    query: { fieldManager: 'kubectl-create' },
  });
  // The agent's namespace existed before Ladder: listing it in Git takes it over only by adoption.
  const namespaceFile: ManifestFile = { path: 'ns.yaml', content: `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${namespace}\n  annotations: { ladder.dev/adopt: "true" }\n` };
  assert.equal((await applyCommit(client, { commit: commitA, files: [namespaceFile, configMapFile(namespace, 'keep')] }, optionsFor(namespace))).status, 'applied');
  await writeInventory(client, { namespace, name: 'dev' }, {
    commit: commitA,
    members: [...(await readInventory(client, { namespace, name: 'dev' })), { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', name: roleName }],
  });

  const outcome = await applyCommit(client, { commit: commitB, files: [configMapFile(namespace, 'keep')] }, optionsFor(namespace));
  assert.deepEqual(outcome.prune!.pruned, []);
  assert.deepEqual(outcome.prune!.skipped.map((s) => `${s.ref.kind} ${s.reason}`).sort(), [
    'ClusterRole a cluster-scoped object Ladder did not apply',
    "Namespace the agent's own namespace is never pruned",
  ]);
  assert.ok(await readObject(client, `/apis/rbac.authorization.k8s.io/v1/clusterroles/${roleName}`));
  const ns = await client.request<KubeObject>('GET', `/api/v1/namespaces/${namespace}`);
  assert.equal(ns.metadata?.deletionTimestamp, undefined);
});

test('a Namespace that left Git is never pruned by default: deleting it would delete objects Ladder does not own', async () => {
  const agentNamespace = await cluster.newNamespace('nsdefault');
  const target = `app-${agentNamespace}`;
  const namespaceFile: ManifestFile = { path: 'ns.yaml', content: `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${target}\n` };
  const start = await applyCommit(client, { commit: commitA, files: [namespaceFile, configMapFile(agentNamespace, 'anchor')] }, optionsFor(agentNamespace));
  assert.equal(start.status, 'applied', start.message);
  // Someone else's object in that namespace.
  await client.request('POST', `/api/v1/namespaces/${target}/configmaps`, { body: { metadata: { name: 'theirs' } } });

  const outcome = await applyCommit(client, { commit: commitB, files: [configMapFile(agentNamespace, 'anchor')] }, optionsFor(agentNamespace));
  assert.deepEqual(outcome.prune!.pruned, []);
  assert.deepEqual(outcome.prune!.skipped.map((s) => s.ref.name), [target]);
  assert.match(outcome.prune!.skipped[0]!.reason, /not pruned unless prune.namespaces is on/);
  assert.deepEqual(outcome.prune!.retained.map((r) => r.name), [target]);
  assert.equal((await client.request<KubeObject>('GET', `/api/v1/namespaces/${target}`)).metadata?.deletionTimestamp, undefined);
  assert.ok(await readObject(client, cmPath(target, 'theirs')));
});

test('with namespaces on, a Namespace whose manifest was removed is kept while objects of the commit live in it, and pruned once they are gone', async () => {
  const agentNamespace = await cluster.newNamespace('agentns');
  const target = `app-${agentNamespace}`;
  const namespaceFile: ManifestFile = { path: 'ns.yaml', content: `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${target}\n` };
  const withNamespaces = optionsFor(agentNamespace, { prune: { namespaces: true } });
  const start = await applyCommit(client, { commit: commitA, files: [namespaceFile, configMapFile(target, 'app'), configMapFile(agentNamespace, 'anchor')] }, withNamespaces);
  assert.equal(start.status, 'applied', start.message);

  const kept = await applyCommit(client, { commit: commitB, files: [configMapFile(target, 'app'), configMapFile(agentNamespace, 'anchor')] }, withNamespaces);
  assert.deepEqual(kept.prune!.pruned, []);
  assert.deepEqual(kept.prune!.skipped.map((s) => `${s.ref.name}: ${s.reason}`), [`${target}: objects of this commit still live in it`]);
  assert.equal((await client.request<KubeObject>('GET', `/api/v1/namespaces/${target}`)).metadata?.deletionTimestamp, undefined);

  const gone = await applyCommit(client, { commit: commitC, files: [configMapFile(agentNamespace, 'anchor')] }, withNamespaces);
  assert.deepEqual(gone.prune!.pruned.map((r) => `${r.kind} ${r.name}`).sort(), [`ConfigMap app`, `Namespace ${target}`]);
  // No namespace controller in the test bed: the Namespace stays Terminating.
  assert.ok((await client.request<KubeObject>('GET', `/api/v1/namespaces/${target}`)).metadata?.deletionTimestamp);
});

test('with pruning off, what left Git stays listed and is pruned by a later commit with pruning on', async () => {
  const namespace = await cluster.newNamespace('off');
  await start(namespace, ['keep', 'later']);
  const off = await applyCommit(client, { commit: commitB, files: configMaps(namespace, ['keep']) }, optionsFor(namespace, { prune: false }));
  assert.equal(off.prune, undefined);
  assert.equal(await exists(namespace, 'later'), true);
  assert.deepEqual(names(await readInventory(client, { namespace, name: 'dev' })), ['keep', 'later']);
  const on = await applyCommit(client, { commit: commitC, files: configMaps(namespace, ['keep']) }, optionsFor(namespace));
  assert.deepEqual(names(on.prune!.pruned), ['later']);
});

test('a commit that fails still lists what it applied, so the next commit prunes it; an object it could not take over stays', async () => {
  const namespace = await cluster.newNamespace('failed');
  await start(namespace, ['a']);
  await client.request('POST', `/api/v1/namespaces/${namespace}/configmaps`, { body: { metadata: { name: 'helms' }, data: { key: 'theirs' } }, query: { fieldManager: 'helm' } });
  const failed = await applyCommit(client, { commit: commitB, files: configMaps(namespace, ['a', 'b', 'helms']) }, optionsFor(namespace));
  assert.equal(failed.status, 'failed');
  assert.deepEqual(failed.objects.map((o) => `${o.ref.name} ${o.action}`), ['a unchanged', 'b created', 'helms conflict']);
  assert.deepEqual(names(await readInventory(client, { namespace, name: 'dev' })), ['a', 'b', 'helms']);

  const next = await applyCommit(client, { commit: commitC, files: configMaps(namespace, ['a']) }, optionsFor(namespace));
  assert.deepEqual(names(next.prune!.pruned), ['b']);
  assert.deepEqual(next.prune!.skipped.map((s) => s.ref.name), ['helms']);
  assert.deepEqual((await client.request<KubeObject>('GET', cmPath(namespace, 'helms'))).data, { key: 'theirs' });
});
