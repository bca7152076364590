// Drift detection against the real kube-apiserver: hand edits of fields Ladder
// manages (kubectl edit, scale, label, delete) are reported within 2 s with
// field, desired and live values, the manager and the time, and resolve when
// live matches Git again.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type KubeClient, type KubeObject } from '../../src/adapters/kube/client.js';
import { DriftWatcher } from '../../src/agent/drift/watcher.js';
import type { ControlPlane } from '../bed/kube/control-plane.js';
import { useControlPlane } from '../support/control-plane.js';
import { applyAll, editLikeKubectl, mergePatch, recordingSink } from '../fixtures/drift/bed.js';
import { deploymentManifest } from '../fixtures/drift/manifests.js';
import { judged } from '../support/drift-judged.js';

const commit = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
let cluster: ControlPlane;
let client: KubeClient;
useControlPlane((plane) => ({ cluster, client } = plane));

async function watchDeployment(options: { selfHeal?: boolean } = {}) {
  const namespace = await cluster.newNamespace('drift');
  const sink = recordingSink();
  const watcher = new DriftWatcher({ client, sink, environment: 'dev', selfHeal: options.selfHeal ?? false });
  const desired = await applyAll(client, [deploymentManifest(namespace)], { file: () => 'services/checkout/deployment.yaml' });
  await watcher.setDesired(commit, desired);
  await watcher.start();
  await watcher.settled();
  const path = `/apis/apps/v1/namespaces/${namespace}/deployments/checkout`;
  return { namespace, sink, watcher, path, desired };
}

describe('drift by hand edits', () => {
  it('reports a kubectl-edit of the image within 2 s, naming field, values, manager and time; resolves after the fix', async () => {
    const { sink, watcher, path, namespace } = await watchDeployment();
    try {
      await editLikeKubectl(client, path, (o) => (o.spec.template.spec.containers[0].image = 'registry.example.com/shop/checkout:hotfix'));
      // From when the API server has the edit: the edit's own GET and PUT are not the watcher's
      // time, and take a while on a loaded machine.
      const editedAt = performance.now();
      const detected = await sink.waitFor((e) => e.type === 'detected');
      assert.ok(detected.at - editedAt < 2000, `reported after ${Math.round(detected.at - editedAt)} ms`);
      const incident = detected.incident;
      assert.deepEqual(incident.object, { apiVersion: 'apps/v1', kind: 'Deployment', namespace, name: 'checkout' });
      assert.equal(incident.environment, 'dev');
      assert.equal(incident.commit, commit);
      assert.equal(incident.file, 'services/checkout/deployment.yaml');
      assert.equal(incident.kind, 'changed');
      assert.equal(incident.changes.length, 1, JSON.stringify(incident.changes));
      const [change] = incident.changes;
      assert.equal(change!.path, 'spec.template.spec.containers[name=app].image');
      assert.equal(change!.desired, 'registry.example.com/shop/checkout:1.4.2');
      assert.equal(change!.live, 'registry.example.com/shop/checkout:hotfix');
      assert.equal(change!.changedBy?.manager, 'kubectl-edit');
      assert.equal(change!.changedBy?.operation, 'Update');
      assert.ok(Math.abs(Date.parse(change!.changedBy!.time!) - Date.now()) < 60_000, change!.changedBy?.time);
      assert.equal(watcher.driftedCount(), 1);

      await editLikeKubectl(client, path, (o) => (o.spec.template.spec.containers[0].image = 'registry.example.com/shop/checkout:1.4.2'));
      const resolved = await sink.waitFor((e) => e.type === 'resolved');
      assert.equal(resolved.incident.id, incident.id);
      assert.equal(resolved.incident.resolution, 'fixed');
      assert.equal(watcher.driftedCount(), 0);
      assert.equal(sink.events.length, 2, 'one report and one resolution');
    } finally {
      await watcher.stop();
    }
  });

  it('reports a scale through the scale subresource', async () => {
    const { sink, watcher, path } = await watchDeployment();
    try {
      await mergePatch(client, `${path}/scale`, { spec: { replicas: 5 } }, 'kubectl-scale');
      const { incident } = await sink.waitFor((e) => e.type === 'detected');
      const replicas = incident.changes.find((c) => c.path === 'spec.replicas');
      assert.deepEqual([replicas?.desired, replicas?.live, replicas?.changedBy?.manager, replicas?.changedBy?.subresource], [2, 5, 'kubectl-scale', 'scale']);
    } finally {
      await watcher.stop();
    }
  });

  it('reports a burst of edits once, with the last values, still within 2 s', async () => {
    const { sink, watcher, path } = await watchDeployment();
    try {
      await Promise.all([3, 4, 5, 6, 7].map((replicas) => mergePatch(client, `${path}/scale`, { spec: { replicas } }, 'kubectl-scale')));
      const startedAt = performance.now(); // the burst is in the API server; its writes' own time is not the watcher's
      const final = (await client.request<{ spec: { replicas: number } }>('GET', path)).spec.replicas;
      const detected = await sink.waitFor((e) => e.type === 'detected');
      assert.ok(detected.at - startedAt < 2000, `reported after ${Math.round(detected.at - startedAt)} ms`);
      // Once the last version of the burst is judged, any further report would have come.
      await judged(watcher, [await client.request<KubeObject>('GET', path)]);
      assert.deepEqual(sink.events.map((e) => [e.type, e.incident.changes.find((c) => c.path === 'spec.replicas')?.live]), [['detected', final]]);
    } finally {
      await watcher.stop();
    }
  });

  it('updates the incident when the drift changes, without opening another', async () => {
    const { sink, watcher, path } = await watchDeployment();
    try {
      await mergePatch(client, `${path}/scale`, { spec: { replicas: 5 } }, 'kubectl-scale');
      const first = await sink.waitFor((e) => e.type === 'detected');
      await mergePatch(client, `${path}/scale`, { spec: { replicas: 6 } }, 'kubectl-scale');
      const second = await sink.waitFor((e) => e.type === 'detected' && e.incident.revision === 2);
      assert.equal(second.incident.id, first.incident.id);
      assert.equal(second.incident.changes.find((c) => c.path === 'spec.replicas')?.live, 6);
    } finally {
      await watcher.stop();
    }
  });

  it('reports a changed label and a removed inventory label, and resolves when both are back', async () => {
    const { sink, watcher, path } = await watchDeployment();
    try {
      // kubectl label --overwrite, and kubectl label applyset...-: the object leaves the watch's selection.
      await mergePatch(client, path, { metadata: { labels: { 'app.kubernetes.io/part-of': 'other', 'applyset.kubernetes.io/part-of': null } } }, 'kubectl-label');
      const { incident } = await sink.waitFor((e) => e.type === 'detected');
      assert.equal(incident.kind, 'changed', 'a label change is not a deletion');
      const byPath = new Map(incident.changes.map((c) => [c.path, c]));
      assert.deepEqual(byPath.get('metadata.labels["app.kubernetes.io/part-of"]')?.live, 'other');
      assert.equal(byPath.get('metadata.labels["applyset.kubernetes.io/part-of"]')?.missing, true);
      assert.equal(byPath.get('metadata.labels["app.kubernetes.io/part-of"]')?.changedBy?.manager, 'kubectl-label');

      // Still watched by name while outside the selection: a further change is seen too.
      await mergePatch(client, `${path}/scale`, { spec: { replicas: 4 } }, 'kubectl-scale');
      await sink.waitFor((e) => e.type === 'detected' && e.incident.changes.some((c) => c.path === 'spec.replicas'));

      await mergePatch(client, path, { metadata: { labels: { 'app.kubernetes.io/part-of': 'shop', 'applyset.kubernetes.io/part-of': 'applyset-drift-test' } }, spec: { replicas: 2 } }, 'kubectl-label');
      const resolved = await sink.waitFor((e) => e.type === 'resolved');
      assert.equal(resolved.incident.id, incident.id);
    } finally {
      await watcher.stop();
    }
  });

  it('after a stop and a new start (leadership lost and regained), reports an edit made in between', async () => {
    const { sink, watcher, path, desired } = await watchDeployment();
    // A watcher that keeps running: once it has reported the edit, the stopped one would have too.
    const witnessSink = recordingSink();
    const witness = new DriftWatcher({ client, sink: witnessSink, environment: 'dev' });
    try {
      await witness.setDesired(commit, desired);
      await witness.start();
      await watcher.stop();
      await mergePatch(client, `${path}/scale`, { spec: { replicas: 8 } }, 'kubectl-scale');
      await witnessSink.waitFor((e) => e.type === 'detected');
      assert.deepEqual(sink.events, [], 'nothing while stopped');
      await witness.stop();
      await watcher.start();
      const { incident } = await sink.waitFor((e) => e.type === 'detected');
      assert.equal(incident.changes.find((c) => c.path === 'spec.replicas')?.live, 8);
    } finally {
      await witness.stop();
      await watcher.stop();
    }
  });

  it('reports a deleted object, and resolves when it is back', async () => {
    const { sink, watcher, path, namespace } = await watchDeployment();
    try {
      await client.request('DELETE', path);
      const { incident } = await sink.waitFor((e) => e.type === 'detected');
      assert.equal(incident.kind, 'deleted');
      assert.deepEqual(incident.changes, []);
      await applyAll(client, [deploymentManifest(namespace)]);
      const resolved = await sink.waitFor((e) => e.type === 'resolved');
      assert.equal(resolved.incident.id, incident.id);
    } finally {
      await watcher.stop();
    }
  });
});
