// Drift is judged on the fields Ladder owns in the applied snapshot. The
// objects here were captured from the real kube-apiserver by
// test/fixtures/drift/capture.ts, managedFields and all.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { appliedBetween, compareWithSnapshot, type DriftResult, type FieldDrift } from '../../src/core/drift/index.js';

const captured = JSON.parse(readFileSync(new URL('../fixtures/drift/managed-fields.json', import.meta.url), 'utf8')) as Record<string, Record<string, any>>;
const fixture = (name: string) => structuredClone(captured[name]!);

function changesOf(result: DriftResult): FieldDrift[] {
  assert.equal(result.status, 'drifted', JSON.stringify(result));
  return (result as { changes: FieldDrift[] }).changes;
}

describe('compareWithSnapshot on captured objects', () => {
  it('finds nothing when the live object is the snapshot', () => {
    assert.deepEqual(compareWithSnapshot(fixture('deploymentApplied'), fixture('deploymentApplied')), { status: 'in-sync' });
  });

  it('reports an image changed by kubectl edit, with the manager that now owns it', () => {
    const [change, ...rest] = changesOf(compareWithSnapshot(fixture('deploymentApplied'), fixture('deploymentEdited')));
    assert.deepEqual(rest, []);
    assert.equal(change!.path, 'spec.template.spec.containers[name=app].image');
    assert.equal(change!.desired, 'registry.example.com/shop/checkout:1.4.2');
    assert.equal(change!.live, 'registry.example.com/shop/checkout:hotfix');
    assert.equal(change!.changedBy?.manager, 'kubectl-edit');
    assert.equal(change!.changedBy?.operation, 'Update');
    assert.match(change!.changedBy?.time ?? '', /^\d{4}-\d\d-\d\dT/);
    assert.equal(change!.changedBy?.inferred, undefined);
  });

  it('compares against the snapshot field set although the live one no longer lists the field', () => {
    const live = fixture('deploymentEdited');
    const ladder = live.metadata.managedFields.find((e: any) => e.manager === 'ladder');
    assert.equal(JSON.stringify(ladder.fieldsV1).includes('f:image'), false, 'the server moved ownership of the image away from ladder');
    assert.equal(changesOf(compareWithSnapshot(fixture('deploymentApplied'), live)).length, 1);
  });

  it('reports replicas set through the scale subresource, by kubectl-scale', () => {
    const changes = changesOf(compareWithSnapshot(fixture('deploymentApplied'), fixture('deploymentScaled')));
    const replicas = changes.find((c) => c.path === 'spec.replicas');
    assert.deepEqual({ desired: replicas?.desired, live: replicas?.live }, { desired: 2, live: 5 });
    assert.equal(replicas?.changedBy?.manager, 'kubectl-scale');
    assert.equal(replicas?.changedBy?.subresource, 'scale');
  });

  it('reports a removed label as missing, naming the writer that removed it as inferred', () => {
    const changes = changesOf(
      compareWithSnapshot(fixture('deploymentApplied'), fixture('deploymentLabelled'), { previous: fixture('deploymentScaled') }),
    );
    const label = changes.find((c) => c.path === 'metadata.labels["app.kubernetes.io/name"]');
    assert.deepEqual({ desired: label?.desired, missing: label?.missing, live: label?.live }, { desired: 'checkout', missing: true, live: undefined });
    assert.equal(label?.changedBy?.manager, 'kubectl-label');
    assert.equal(label?.changedBy?.inferred, true);
    assert.equal(changes.some((c) => c.path.includes('oncall')), false, 'a label Ladder does not manage is not drift');
  });

  it('ignores HPA scaling, controller annotations and status when the manifest leaves replicas out', () => {
    const live = fixture('quietLive');
    assert.equal(live.spec.replicas, 7);
    assert.equal(live.metadata.annotations['deployment.kubernetes.io/revision'], '3');
    assert.equal(live.status.readyReplicas, 7);
    assert.deepEqual(compareWithSnapshot(fixture('quietApplied'), live), { status: 'in-sync' });
  });

  it('takes desired values from the snapshot, where the server already normalised quantities (0.1 → 100m)', () => {
    const snapshot = fixture('deploymentApplied');
    assert.equal(snapshot.spec.template.spec.containers[0].resources.requests.cpu, '100m');
    assert.deepEqual(compareWithSnapshot(snapshot, fixture('deploymentApplied')), { status: 'in-sync' });
  });

  it('says a Secret value changed without carrying either value', () => {
    const changes = changesOf(compareWithSnapshot(fixture('secretApplied'), fixture('secretEdited')));
    assert.deepEqual(
      changes.map((c) => ({ path: c.path, masked: c.masked, manager: c.changedBy?.manager })),
      [{ path: 'data.password', masked: true, manager: 'kubectl-edit' }],
    );
    assert.equal('desired' in changes[0]! || 'live' in changes[0]!, false);
  });

  it('calls a missing object deleted, and a snapshot without Ladder fields unmanaged', () => {
    assert.deepEqual(compareWithSnapshot(fixture('deploymentApplied'), undefined), { status: 'deleted' });
    const foreign = fixture('deploymentApplied');
    foreign.metadata.managedFields = [];
    assert.deepEqual(compareWithSnapshot(foreign, fixture('deploymentApplied')), { status: 'unmanaged' });
  });
});

describe('compareWithSnapshot on list elements', () => {
  const snapshot = fixture('deploymentApplied');

  it('matches containers and ports by key, not by position', () => {
    const live = fixture('deploymentApplied');
    const spec = live.spec.template.spec;
    spec.containers.unshift({ name: 'sidecar', image: 'envoy:1' });
    assert.deepEqual(compareWithSnapshot(snapshot, live), { status: 'in-sync' });
  });

  it('reports a removed container once, with the fields Ladder set on it', () => {
    const live = fixture('deploymentApplied');
    live.spec.template.spec.containers = [{ name: 'other', image: 'x' }];
    const [change, ...rest] = changesOf(compareWithSnapshot(snapshot, live));
    assert.deepEqual(rest, []);
    assert.equal(change!.path, 'spec.template.spec.containers[name=app]');
    assert.equal(change!.missing, true);
    const desired = change!.desired as Record<string, unknown>;
    assert.equal(desired.image, 'registry.example.com/shop/checkout:1.4.2');
    assert.equal('terminationMessagePath' in desired, false, 'defaults are not what Ladder asked for');
  });

  it('names a port by its composite key and an env value by name', () => {
    const live = fixture('deploymentApplied');
    const container = live.spec.template.spec.containers[0];
    container.ports[0].name = 'web';
    container.env[0].value = 'debug';
    const paths = changesOf(compareWithSnapshot(snapshot, live)).map((c) => c.path);
    assert.deepEqual(paths.sort(), [
      'spec.template.spec.containers[name=app].env[name=LOG_LEVEL].value',
      'spec.template.spec.containers[name=app].ports[containerPort=8080,protocol=TCP].name',
    ]);
  });

  it('compares an atomic field (the selector) as a whole', () => {
    const live = fixture('deploymentApplied');
    live.spec.selector.matchLabels.extra = 'x';
    const [change] = changesOf(compareWithSnapshot(snapshot, live));
    assert.equal(change!.path, 'spec.selector');
    assert.deepEqual(change!.live, { matchLabels: { 'app.kubernetes.io/name': 'checkout', extra: 'x' } });
  });

  it('reads set elements (v:) and list indexes (i:)', () => {
    const snap = {
      metadata: {
        finalizers: ['example.com/a'],
        managedFields: [{ manager: 'ladder', operation: 'Apply', fieldsV1: { 'f:metadata': { 'f:finalizers': { 'v:"example.com/a"': {} } }, 'f:args': { 'i:1': {} } } }],
      },
      args: ['a', 'b'],
    };
    assert.deepEqual(compareWithSnapshot(snap, { metadata: { finalizers: ['example.com/a', 'x'] }, args: ['z', 'b'] }), { status: 'in-sync' });
    const paths = changesOf(compareWithSnapshot(snap, { metadata: { finalizers: [] }, args: ['a', 'c'] })).map((c) => c.path);
    assert.deepEqual(paths, ['metadata.finalizers[value=example.com/a]', 'args[1]']);
  });
});

describe('appliedBetween', () => {
  it('is false for hand edits, which leave the time of Ladder\'s entry alone even when they take its fields', () => {
    const timeOf = (manager: string) => fixture('deploymentEdited').metadata.managedFields.find((e: any) => e.manager === manager).time;
    assert.ok(timeOf('kubectl-edit') > timeOf('ladder'), 'the edit came in a later second than the apply');
    assert.equal(appliedBetween(fixture('deploymentApplied'), fixture('deploymentEdited')), false);
    assert.equal(appliedBetween(fixture('deploymentEdited'), fixture('deploymentScaled')), false);
  });

  it('is true when Ladder applied again, and false without an earlier version', () => {
    assert.equal(appliedBetween(fixture('deploymentLabelled'), fixture('deploymentReapplied')), true);
    assert.equal(appliedBetween(undefined, fixture('deploymentReapplied')), false);
  });

  it('sees the re-applied object back in sync, with the hand-added label left alone', () => {
    const reapplied = fixture('deploymentReapplied');
    assert.equal(reapplied.metadata.labels.oncall, 'me');
    assert.deepEqual(compareWithSnapshot(fixture('deploymentApplied'), reapplied), { status: 'in-sync' });
  });
});
