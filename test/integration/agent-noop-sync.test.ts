// The no-op sync against the real API server: an object unchanged in Git since
// its last complete apply (its content hash in the inventory) that the drift
// watcher's watch cache shows without drift is neither dry-run nor applied;
// and every reason to doubt that falls back to the full path — drift, another
// API server version, a changed CRD, no watch cache.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeClient, KubeObject } from '../../src/adapters/kube/client.js';
import { DriftWatcher } from '../../src/agent/drift/watcher.js';
import { driftObjectsOf } from '../../src/agent/sync/deployer.js';
import { applyCommit, readInventoryState, type ApplyOutcome, type ManifestFile } from '../../src/agent/sync/index.js';
import type { ControlPlane } from '../bed/kube/control-plane.js';
import { useControlPlane } from '../support/control-plane.js';
import { commitA, commitB, commitC, configMapFile, fixtureFile } from '../support/agent-sync.js';
import { eventually } from '../support/agent/log.js';
import { mergePatch, recordingSink } from '../fixtures/drift/bed.js';

let cluster: ControlPlane;
let client: KubeClient;
const watchers: DriftWatcher[] = [];
useControlPlane((plane) => ({ cluster, client } = plane), { beforeStop: async () => { for (const watcher of watchers) await watcher.stop(); } });

async function startWatcher(): Promise<DriftWatcher & { sink: ReturnType<typeof recordingSink> }> {
  const sink = recordingSink();
  const watcher = Object.assign(new DriftWatcher({ client, sink, environment: 'dev' }), { sink });
  await watcher.start();
  watchers.push(watcher);
  return watcher;
}

/** What the agent's deployer does: apply with the watch cache, then hand the result to drift detection. */
async function sync(watcher: DriftWatcher, namespace: string, commit: string, files: ManifestFile[]): Promise<ApplyOutcome> {
  const outcome = await applyCommit(client, { commit, files }, { inventory: { namespace, name: 'dev' }, appliedState: watcher });
  if (outcome.status === 'applied') await watcher.setDesired(commit, driftObjectsOf(outcome));
  return outcome;
}

/** Until the watch cache vouches for every object of the apply. */
async function cacheHolds(watcher: DriftWatcher, outcome: ApplyOutcome): Promise<void> {
  await eventually(() => outcome.desired.every((o) => watcher.unchanged(o.ref, o.hash) !== undefined), 'the watch cache to show every object applied', 20_000);
}

const versions = (namespace: string, names: string[]) =>
  Promise.all(names.map(async (name) => (await client.request<KubeObject>('GET', `/api/v1/namespaces/${namespace}/configmaps/${name}`)).metadata?.resourceVersion));

describe('a sync of an unchanged commit', () => {
  it('sends no dry-run and writes nothing: two requests for five objects', async () => {
    const namespace = await cluster.newNamespace('noop');
    const names = ['a', 'b', 'c', 'd', 'e'];
    const files = names.map((name) => configMapFile(namespace, name));
    const watcher = await startWatcher();
    const first = await sync(watcher, namespace, commitA, files);
    assert.equal(first.status, 'applied', first.message);
    assert.equal(first.dryRuns, 5);
    await cacheHolds(watcher, first);
    const before = await versions(namespace, names);
    const inventoryBefore = (await client.request<KubeObject>('GET', `/api/v1/namespaces/${namespace}/configmaps/ladder-inventory-dev`)).metadata?.resourceVersion;

    const second = await sync(watcher, namespace, commitB, files);
    assert.equal(second.status, 'applied', second.message);
    assert.equal(second.dryRuns, 0);
    assert.equal(second.writes, 0);
    assert.equal(second.fromCache, 5);
    assert.equal(second.requests, 2, 'the inventory and /version, nothing per object');
    assert.deepEqual(new Set(second.objects.map((o) => o.action)), new Set(['unchanged']));
    assert.deepEqual(await versions(namespace, names), before);
    const inventory = await readInventoryState(client, { namespace, name: 'dev' });
    assert.equal(inventory.commit, commitA, 'the commit the full path last checked stays recorded');
    assert.equal((await client.request<KubeObject>('GET', `/api/v1/namespaces/${namespace}/configmaps/ladder-inventory-dev`)).metadata?.resourceVersion, inventoryBefore);
    // The cache still vouches after the hand-over: a third commit is as cheap.
    await cacheHolds(watcher, second);
    assert.equal((await sync(watcher, namespace, commitC, files)).dryRuns, 0);
  });

  it('changes in Git are applied as usual, the rest taken from the cache', async () => {
    const namespace = await cluster.newNamespace('partial');
    const watcher = await startWatcher();
    const first = await sync(watcher, namespace, commitA, [configMapFile(namespace, 'a'), configMapFile(namespace, 'b')]);
    await cacheHolds(watcher, first);
    const second = await sync(watcher, namespace, commitB, [configMapFile(namespace, 'a', { key: 'changed' }), configMapFile(namespace, 'b'), configMapFile(namespace, 'new')]);
    assert.equal(second.status, 'applied', second.message);
    assert.equal(second.dryRuns, 2, 'the changed object and the new one');
    assert.equal(second.fromCache, 1);
    assert.deepEqual(second.objects.map((o) => `${o.ref.name} ${o.action}`).sort(), ['a configured', 'b unchanged', 'new created']);
    assert.equal((await readInventoryState(client, { namespace, name: 'dev' })).commit, commitB);
  });
});

describe('falls back to the full path', () => {
  it('for an object that drifted (its conflict is reported, as a dry-run shows it), and only for that one', async () => {
    const namespace = await cluster.newNamespace('drifted');
    const watcher = await startWatcher();
    const files = ['settings', 'other', 'annotated'].map((name) => configMapFile(namespace, name));
    const first = await sync(watcher, namespace, commitA, files);
    await cacheHolds(watcher, first);
    await mergePatch(client, `/api/v1/namespaces/${namespace}/configmaps/settings`, { data: { key: 'by hand' } }, 'kubectl-edit');
    // Not a field of Ladder's: the object is not drifted, and stays in the cache once judged.
    await mergePatch(client, `/api/v1/namespaces/${namespace}/configmaps/annotated`, { metadata: { annotations: { 'backup.example.com/last': 'today' } } }, 'backup-operator');
    await watcher.sink.waitFor((e) => e.type === 'detected' && e.incident.object.name === 'settings', 10_000);
    await eventually(() => {
      const annotated = first.desired.find((o) => o.ref.name === 'annotated')!;
      return watcher.unchanged(annotated.ref, annotated.hash) !== undefined;
    }, 'the annotated object to be judged clean');

    const second = await sync(watcher, namespace, commitB, files);
    assert.equal(second.dryRuns, 1);
    assert.equal(second.fromCache, 2);
    assert.equal(second.status, 'failed', 'the hand edit conflicts, as the full path says');
    assert.deepEqual(second.objects.find((o) => o.ref.name === 'settings')?.conflicts, [{ manager: 'kubectl-edit', field: '.data.key' }]);
  });

  it('when the API server is not the version the hashes were taken against', async () => {
    const namespace = await cluster.newNamespace('upgraded');
    const watcher = await startWatcher();
    const files = ['a', 'b'].map((name) => configMapFile(namespace, name));
    const first = await sync(watcher, namespace, commitA, files);
    await cacheHolds(watcher, first);
    const recorded = (await readInventoryState(client, { namespace, name: 'dev' })).server!;
    const { gitVersion } = await client.request<{ gitVersion: string }>('GET', '/version');
    assert.equal(recorded.version, gitVersion);
    // As after an upgrade: the inventory says the hashes were taken on another version.
    await mergePatch(client, `/api/v1/namespaces/${namespace}/configmaps/ladder-inventory-dev`, { data: { server: JSON.stringify({ ...recorded, version: 'v1.35.4' }) } }, 'ladder');
    const second = await sync(watcher, namespace, commitB, files);
    assert.equal(second.status, 'applied', second.message);
    assert.equal(second.dryRuns, 2);
    assert.equal(second.fromCache, 0);
    assert.equal((await readInventoryState(client, { namespace, name: 'dev' })).server?.version, gitVersion, 'the new version is recorded');
    await cacheHolds(watcher, second);
    assert.equal((await sync(watcher, namespace, commitC, files)).dryRuns, 0, 'and the next sync is free again');
  });

  it("for custom resources whose CRD's generation changed, and only for them", async () => {
    const namespace = await cluster.newNamespace('crd');
    const watcher = await startWatcher();
    const files = [fixtureFile('crd-backup-schedule.yaml', namespace), fixtureFile('backup-schedule.yaml', namespace)];
    const first = await sync(watcher, namespace, commitA, files);
    assert.equal(first.status, 'applied', first.message);
    await cacheHolds(watcher, first);
    assert.equal((await sync(watcher, namespace, commitB, files)).dryRuns, 0, 'CRDs and custom resources alike come from the cache');
    await eventually(() => first.desired.every((o) => watcher.unchanged(o.ref, o.hash) !== undefined), 'the cache after the second sync');

    // Another manager changes the CRD's spec outside Ladder's fields: its generation moves, Ladder's fields do not.
    const crdPath = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/backupschedules.ops.example.com';
    const before = (await client.request<KubeObject>('GET', crdPath)).metadata!.generation!;
    await client.request('PATCH', crdPath, {
      query: { fieldManager: 'schema-operator' }, contentType: 'application/apply-patch+yaml',
      body: { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'backupschedules.ops.example.com' }, spec: { names: { categories: ['backups'] } } },
    });
    assert.equal((await client.request<KubeObject>('GET', crdPath)).metadata!.generation, before + 1);
    const crd = first.desired.find((o) => o.ref.name === 'backupschedules.ops.example.com')!;
    await eventually(() => watcher.unchanged(crd.ref, crd.hash) !== undefined, 'the changed CRD to be judged clean (no field of Ladder\'s changed)');

    const third = await sync(watcher, namespace, commitC, files);
    assert.equal(third.status, 'applied', third.message);
    assert.equal(third.dryRuns, 1, 'the BackupSchedule only');
    assert.equal(third.fromCache, 3, 'both CRDs and the BackupStore');
  });

  it('when there is no watch cache: a new leader, or a watcher that is stopped', async () => {
    const namespace = await cluster.newNamespace('nocache');
    const files = ['a', 'b', 'c'].map((name) => configMapFile(namespace, name));
    const watcher = await startWatcher();
    const first = await sync(watcher, namespace, commitA, files);
    await cacheHolds(watcher, first);
    const newLeader = await startWatcher();
    const taken = await sync(newLeader, namespace, commitB, files);
    assert.equal(taken.dryRuns, 3, 'a watcher that has not seen the objects vouches for none');
    assert.equal(taken.writes, 1, 'the full path writes no object, only the commit it checked into the inventory');
    await watcher.stop();
    const stopped = await applyCommit(client, { commit: commitC, files }, { inventory: { namespace, name: 'dev' }, appliedState: watcher });
    assert.equal(stopped.dryRuns, 3, 'a stopped watcher (a follower) vouches for none');
  });
});
