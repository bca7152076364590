// Self-heal, snapshots from a dry-run apply, and a new commit superseding an
// incident, against the real kube-apiserver.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type KubeClient, type KubeObject, type RequestOptions } from '../../src/adapters/kube/client.js';
import { ladderManager } from '../../src/core/drift/managed-fields.js';
import { DriftWatcher, type DriftWatcherOptions } from '../../src/agent/drift/watcher.js';
import type { ControlPlane } from '../bed/kube/control-plane.js';
import { useControlPlane } from '../support/control-plane.js';
import { applyAll, editLikeKubectl, mergePatch, recordingSink } from '../fixtures/drift/bed.js';
import { judged } from '../support/drift-judged.js';
import { managedTime, serverClockPast } from '../support/server-clock.js';
import { deploymentManifest } from '../fixtures/drift/manifests.js';

let cluster: ControlPlane;
let client: KubeClient;
useControlPlane((plane) => ({ cluster, client } = plane));

const deploymentPath = (namespace: string) => `/apis/apps/v1/namespaces/${namespace}/deployments/checkout`;

/**
 * A watcher over one applied Deployment in a new namespace, started, and
 * stopped after `run` whatever happens.
 */
async function watching(
  prefix: string,
  options: Omit<DriftWatcherOptions, 'client' | 'sink'>,
  run: (bed: { namespace: string; sink: ReturnType<typeof recordingSink>; watcher: DriftWatcher }) => Promise<void>,
): Promise<void> {
  const namespace = await cluster.newNamespace(prefix);
  const sink = recordingSink();
  const watcher = new DriftWatcher({ client, sink, ...options });
  await watcher.setDesired('c1', await applyAll(client, [deploymentManifest(namespace)]));
  await watcher.start();
  try {
    await run({ namespace, sink, watcher });
  } finally {
    await watcher.stop();
  }
}

describe('self-heal', () => {
  it('re-applies an edited object, reports that it healed, and resolves as healed', async () => {
    // kubectl edit made kubectl-edit the owner of both fields: taking them back needs forceConflicts, as in the sync.
    await watching('heal', { environment: 'prd', selfHeal: true, forceConflicts: true }, async ({ namespace, sink }) => {
      await editLikeKubectl(client, deploymentPath(namespace), (o) => {
        o.spec.template.spec.containers[0].image = 'evil:latest';
        o.spec.replicas = 9;
      });
      const { incident } = await sink.waitFor((e) => e.type === 'detected');
      assert.equal(incident.selfHeal?.ok, true, JSON.stringify(incident.selfHeal));
      assert.deepEqual(incident.changes.map((c) => c.path).sort(), ['spec.replicas', 'spec.template.spec.containers[name=app].image']);
      const resolved = await sink.waitFor((e) => e.type === 'resolved');
      assert.equal(resolved.incident.resolution, 'healed');
      const live = await client.request<any>('GET', deploymentPath(namespace));
      assert.equal(live.spec.template.spec.containers[0].image, 'registry.example.com/shop/checkout:1.4.2');
      assert.equal(live.spec.replicas, 2);
      assert.equal(live.metadata.managedFields.find((e: any) => e.manager === 'kubectl-edit'), undefined, 'Ladder took its fields back');
    });
  });

  it('a replica that does not hold the Lease reports drift but never heals it', async () => {
    await watching('heal', { environment: 'prd', selfHeal: true, forceConflicts: true, mayHeal: () => false }, async ({ namespace, sink, watcher }) => {
      await editLikeKubectl(client, deploymentPath(namespace), (o) => {
        o.spec.template.spec.containers[0].image = 'evil:latest';
      });
      const { incident } = await sink.waitFor((e) => e.type === 'detected');
      assert.equal(incident.selfHeal, undefined);
      await watcher.settled();
      const live = await client.request<any>('GET', deploymentPath(namespace));
      assert.equal(live.spec.template.spec.containers[0].image, 'evil:latest', 'the edit stays: only the leader writes');
    });
  });

  it('without forceConflicts, reports the conflict with the manager that took the field, and leaves its edit', async () => {
    await watching('heal', { environment: 'prd', selfHeal: true }, async ({ namespace, sink, watcher }) => {
      await editLikeKubectl(client, deploymentPath(namespace), (o) => {
        o.spec.template.spec.containers[0].image = 'evil:latest';
      });
      const { incident } = await sink.waitFor((e) => e.type === 'detected');
      assert.equal(incident.selfHeal?.ok, false, JSON.stringify(incident.selfHeal));
      assert.match(incident.selfHeal?.message ?? '', /conflict/i);
      assert.match(incident.selfHeal?.message ?? '', /kubectl-edit/);
      await watcher.settled();
      const live = await client.request<any>('GET', deploymentPath(namespace));
      assert.equal(live.spec.template.spec.containers[0].image, 'evil:latest', 'a heal takes no field the sync would not take');
      assert.ok(live.metadata.managedFields.some((e: any) => e.manager === 'kubectl-edit'));
    });
  });

  it('re-creates a deleted object (nothing to conflict with, so no force is needed)', async () => {
    await watching('heal', { environment: 'prd', selfHeal: true }, async ({ namespace, sink }) => {
      await client.request('DELETE', deploymentPath(namespace));
      const { incident } = await sink.waitFor((e) => e.type === 'detected');
      assert.equal(incident.kind, 'deleted');
      assert.equal(incident.selfHeal?.ok, true);
      await sink.waitFor((e) => e.type === 'resolved');
      const live = await client.request<any>('GET', deploymentPath(namespace));
      assert.equal(live.metadata.labels['applyset.kubernetes.io/part-of'], 'applyset-drift-test', 're-created with its inventory label');
    });
  });
  it('a heal refuses an unknown field, as the sync does, instead of dropping it', async () => {
    const namespace = await cluster.newNamespace('strict');
    const [applied] = await applyAll(client, [deploymentManifest(namespace)]);
    // The desired object as Git has it carries a field no Deployment has; its last apply answer is the snapshot.
    const desired = { ...applied!, desired: { ...applied!.desired, spec: { ...(applied!.desired.spec as object), replicaCount: 2 } } };
    const sink = recordingSink();
    const watcher = new DriftWatcher({ client, sink, environment: 'prd', selfHeal: true });
    await watcher.setDesired('c1', [desired]);
    await watcher.start();
    try {
      await client.request('DELETE', deploymentPath(namespace));
      const { incident } = await sink.waitFor((e) => e.type === 'detected');
      assert.equal(incident.selfHeal?.ok, false, JSON.stringify(incident.selfHeal));
      assert.match(incident.selfHeal?.message ?? '', /replicaCount/);
      await watcher.settled();
      await assert.rejects(client.request('GET', deploymentPath(namespace)), /not found/, 'nothing was written');
    } finally {
      await watcher.stop();
    }
  });
});

describe('snapshots and commits', () => {
  it('takes the snapshot from a dry-run apply when no apply answer is given, and sees drift against it', async () => {
    const namespace = await cluster.newNamespace('dryrun');
    const desired = await applyAll(client, [deploymentManifest(namespace)], { withAnswer: false });
    assert.equal(desired[0]!.applied, undefined);
    const sink = recordingSink();
    // The dry-run applies as the sync would; kubectl-scale owns spec.replicas by then, so it must be forced to answer.
    const watcher = new DriftWatcher({ client, sink, environment: 'dev', forceConflicts: true });
    // Edited before the watcher even starts: the first list already shows the drift.
    await mergePatch(client, `${deploymentPath(namespace)}/scale`, { spec: { replicas: 3 } }, 'kubectl-scale');
    await watcher.setDesired('c1', desired);
    await watcher.start();
    try {
      const { incident } = await sink.waitFor((e) => e.type === 'detected');
      assert.deepEqual(incident.changes.map((c) => [c.path, c.desired, c.live]), [['spec.replicas', 2, 3]]);
    } finally {
      await watcher.stop();
    }
  });

  it('reuses the snapshot of an object unchanged since the last commit instead of asking again', async () => {
    const namespace = await cluster.newNamespace('reuse');
    const desired = await applyAll(client, [deploymentManifest(namespace)], { withAnswer: false });
    // Requests the watcher sends: only dry-runs count here, so a relist under load cannot fail the test.
    const sent: string[] = [];
    const note = (method: string, path: string, options?: RequestOptions) => sent.push(options?.query?.dryRun ? 'dry-run' : `${method} ${path}`);
    const counting: KubeClient = Object.create(client, {
      request: { value: (...args: Parameters<KubeClient['request']>) => {
        note(...args);
        return client.request(...args);
      } },
      requestText: { value: (...args: Parameters<KubeClient['requestText']>) => {
        note(...args);
        return client.requestText(...args);
      } },
    });
    const watcher = new DriftWatcher({ client: counting, sink: recordingSink(), environment: 'dev' });
    await watcher.start();
    try {
      await watcher.setDesired('c1', desired);
      await watcher.settled();
      const dryRuns = () => sent.filter((kind) => kind === 'dry-run').length;
      const before = dryRuns();
      assert.equal(before, 1, 'one dry-run for the snapshot the apply did not give');
      await watcher.setDesired('c2', desired);
      await watcher.settled();
      assert.equal(dryRuns() - before, 0, 'no dry-run for an object unchanged since the last commit');
      const changed = structuredClone(desired);
      (changed[0]!.desired.spec as { replicas: number }).replicas = 3;
      await watcher.setDesired('c3', changed);
      assert.equal(dryRuns() - before, 1, 'one dry-run for the changed object');
    } finally {
      await watcher.stop();
    }
  });

  it('does not take a new commit, applied before setDesired names it, for drift', async () => {
    const namespace = await cluster.newNamespace('commit');
    const sink = recordingSink();
    const watcher = new DriftWatcher({ client, sink, environment: 'dev' });
    await watcher.setDesired('c1', await applyAll(client, [deploymentManifest(namespace)], { withAnswer: false }));
    await watcher.start();
    try {
      const first = await client.request<KubeObject>('GET', deploymentPath(namespace));
      await judged(watcher, [first]);
      // The watcher tells its own apply by the time of Ladder's managedFields entry, which has one-second
      // resolution: the second apply lands in a later second, as a new commit after a real one does.
      await serverClockPast(client, namespace, managedTime(first, ladderManager));
      const next = deploymentManifest(namespace);
      next.spec.replicas = 3;
      (next.spec.template as any).spec.containers[0].image = 'registry.example.com/shop/checkout:1.5.0';
      const desired = await applyAll(client, [next], { withAnswer: false });
      const applied = await client.request<KubeObject>('GET', deploymentPath(namespace));
      assert.notEqual(managedTime(applied, ladderManager), managedTime(first, ladderManager), 'the second apply has its own time');
      // Seen and judged before setDesired names the commit…
      await judged(watcher, [applied]);
      assert.deepEqual(sink.events, [], 'the commit is not drift before setDesired names it');
      await watcher.setDesired('c2', desired);
      // …and after, against c2's own snapshot.
      await judged(watcher, [applied]);
      assert.deepEqual(sink.events, [], 'the commit is not drift, neither before nor after setDesired');

      await mergePatch(client, `${deploymentPath(namespace)}/scale`, { spec: { replicas: 1 } }, 'kubectl-scale');
      const { incident } = await sink.waitFor((e) => e.type === 'detected');
      assert.deepEqual(incident.changes.map((c) => [c.path, c.desired, c.live]), [['spec.replicas', 3, 1]]);
      assert.equal(incident.commit, 'c2');
    } finally {
      await watcher.stop();
    }
  });

  it('resolves an incident as superseded when a new commit makes the live state the desired one', async () => {
    await watching('supersede', { environment: 'dev' }, async ({ namespace, sink, watcher }) => {
      await mergePatch(client, `${deploymentPath(namespace)}/scale`, { spec: { replicas: 3 } }, 'kubectl-scale');
      const { incident } = await sink.waitFor((e) => e.type === 'detected');
      const next = deploymentManifest(namespace);
      next.spec.replicas = 3;
      await watcher.setDesired('c2', await applyAll(client, [next]));
      const resolved = await sink.waitFor((e) => e.type === 'resolved');
      assert.equal(resolved.incident.id, incident.id);
      assert.equal(resolved.incident.resolution, 'superseded');
      assert.equal(watcher.driftedCount(), 0);
    });
  });

  it('resolves as superseded an incident of an object that left Git', async () => {
    await watching('gone', { environment: 'dev' }, async ({ namespace, sink, watcher }) => {
      await client.request('DELETE', deploymentPath(namespace));
      await sink.waitFor((e) => e.type === 'detected');
      await watcher.setDesired('c2', []);
      const resolved = await sink.waitFor((e) => e.type === 'resolved');
      assert.equal(resolved.incident.resolution, 'superseded');
    });
  });
});
