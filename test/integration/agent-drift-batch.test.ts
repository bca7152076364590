// Many objects at once against the real kube-apiserver: the drift watcher
// keeps ONE debounce timer however many objects are waiting to be judged
// (not one per object), and objects handed over with the apply's answer are
// not judged until they change.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type KubeClient, type KubeObject } from '../../src/adapters/kube/client.js';
import { DriftWatcher, type DesiredObject } from '../../src/agent/drift/watcher.js';
import type { ControlPlane } from '../bed/kube/control-plane.js';
import { useControlPlane } from '../support/control-plane.js';
import { applyAll, mergePatch, recordingSink, sleep } from '../fixtures/drift/bed.js';
import { ManualClock } from '../support/manual-clock.js';
import { eventually } from '../support/agent/log.js';

let cluster: ControlPlane;
let client: KubeClient;
useControlPlane((plane) => ({ cluster, client } = plane));

const configMap = (namespace: string, name: string): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data: { key: name } });

/**
 * Makes `edit` and waits until the watcher has seen it on every object of `edited`: it vouched
 * for their applied versions before (unchanged() answers) and no longer does after. A sample of
 * the timers afterwards then covers every edit, however late a loaded machine delivers the
 * watch events. The objects carry a content hash of the test's own (`withHash`) to ask with.
 */
async function editSeen(watcher: DriftWatcher, edited: DesiredObject[], edit: () => Promise<void>): Promise<void> {
  const names = edited.map((d) => d.ref.name).join(', ');
  await eventually(() => edited.every((d) => watcher.unchanged(d.ref, d.hash!) !== undefined), `the watcher to vouch for ${names}`, 30_000);
  await edit();
  await eventually(() => edited.every((d) => watcher.unchanged(d.ref, d.hash!) === undefined), `the watcher to see the edits of ${names}`, 30_000);
}

const withHash = (desired: DesiredObject[]) => desired.map((d) => ({ ...d, hash: `test-${d.ref.name}` }));

/** Samples the clock's pending timers while `ms` pass; returns the largest count seen. */
async function mostPendingTimers(clock: ManualClock, ms: number): Promise<number> {
  let most = 0;
  for (const end = Date.now() + ms; Date.now() < end; await sleep(5)) most = Math.max(most, clock.pendingTimers().length);
  return most;
}

describe('drift batches', () => {
  it('judges 120 objects read after the hand-over through one timer, and 3 edits through one timer again', async () => {
    const namespace = await cluster.newNamespace('batch');
    const clock = new ManualClock(new Date());
    const sink = recordingSink();
    const watcher = new DriftWatcher({ client, sink, environment: 'dev', clock });
    const desired = withHash(await applyAll(client, Array.from({ length: 120 }, (_, i) => configMap(namespace, `cm-${i}`)), { withAnswer: false }));
    await watcher.start();
    try {
      // No answers: every object is dry-run, then read (list or GET), then marked dirty.
      await watcher.setDesired('c1', desired);
      await watcher.settled();
      assert.equal(await mostPendingTimers(clock, 1000), 1);
      clock.advance(1500);
      await watcher.settled();
      assert.deepEqual(clock.pendingTimers(), []);
      assert.deepEqual(sink.events, []);

      await editSeen(watcher, desired.filter((d) => ['cm-3', 'cm-50', 'cm-119'].includes(d.ref.name)), async () => {
        for (const name of ['cm-3', 'cm-50', 'cm-119']) {
          await mergePatch(client, `/api/v1/namespaces/${namespace}/configmaps/${name}`, { data: { key: 'edited' } }, 'kubectl-edit');
        }
      });
      assert.equal(await mostPendingTimers(clock, 1000), 1);
      clock.advance(1500);
      const detected = await Promise.all(['cm-3', 'cm-50', 'cm-119'].map((name) => sink.waitFor((e) => e.type === 'detected' && e.incident.object.name === name)));
      assert.deepEqual(detected.map((e) => e.incident.changes.map((c) => [c.path, c.live, c.changedBy?.manager])), [
        [['data.key', 'edited', 'kubectl-edit']],
        [['data.key', 'edited', 'kubectl-edit']],
        [['data.key', 'edited', 'kubectl-edit']],
      ]);
      assert.equal(watcher.driftedCount(), 3);
    } finally {
      await watcher.stop();
    }
  });

  it('arms no timer for objects handed over with the apply answer until one of them changes', async () => {
    const namespace = await cluster.newNamespace('batch');
    const clock = new ManualClock(new Date());
    const sink = recordingSink();
    const watcher = new DriftWatcher({ client, sink, environment: 'dev', clock });
    const desired = withHash(await applyAll(client, Array.from({ length: 40 }, (_, i) => configMap(namespace, `cm-${i}`))));
    await watcher.start();
    try {
      await watcher.setDesired('c1', desired);
      // The list arrives with the same versions: still nothing to judge.
      assert.equal(await mostPendingTimers(clock, 1000), 0);
      await editSeen(watcher, desired.filter((d) => d.ref.name === 'cm-7'), async () => {
        await mergePatch(client, `/api/v1/namespaces/${namespace}/configmaps/cm-7`, { data: { key: 'edited' } }, 'kubectl-edit');
      });
      assert.equal(await mostPendingTimers(clock, 1000), 1);
      clock.advance(1500);
      const detected = await sink.waitFor((e) => e.type === 'detected');
      assert.equal(detected.incident.object.name, 'cm-7');
      await watcher.settled();
      assert.equal(sink.events.length, 1);
    } finally {
      await watcher.stop();
    }
  });
});
