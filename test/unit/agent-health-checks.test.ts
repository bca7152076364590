// The health rules one kind at a time, from live objects as the controllers
// leave them. The same rules run against the API server in
// test/integration/agent-health-rollout.test.ts.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { KubeObject } from '../../src/adapters/kube/client.js';
import { healthCheckFor } from '../../src/agent/sync/index.js';

const judge = (object: KubeObject) => healthCheckFor(String(object.apiVersion), String(object.kind))!(object);
const deployment = (spec: Record<string, unknown>, status: Record<string, unknown>, generation = 1): KubeObject =>
  ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', generation }, spec, status });

describe('Deployment', () => {
  const done = { observedGeneration: 2, replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3 };
  test('healthy when every replica is updated, ready and available', () => {
    assert.deepEqual(judge(deployment({ replicas: 3 }, done, 2)), { state: 'healthy' });
  });
  test('progressing while the controller has not seen the new generation', () => {
    assert.deepEqual(judge(deployment({ replicas: 3 }, done, 3)), { state: 'progressing', reason: 'controller has not observed generation 3 yet' });
  });
  test('progressing while old replicas remain, or new ones are not ready or available', () => {
    assert.equal(judge(deployment({ replicas: 3 }, { ...done, replicas: 4 }, 2)).reason, '1 old replicas pending termination');
    assert.equal(judge(deployment({ replicas: 3 }, { ...done, readyReplicas: 2 }, 2)).reason, '2 of 3 replicas ready');
    assert.equal(judge(deployment({ replicas: 3 }, { ...done, availableReplicas: 1 }, 2)).reason, '1 of 3 replicas available');
  });
  test('spec.replicas defaults to 1 (an HPA owns it)', () => {
    assert.equal(judge(deployment({}, { observedGeneration: 1, replicas: 1, updatedReplicas: 1, readyReplicas: 1, availableReplicas: 1 })).state, 'healthy');
  });
  test('failed past the progress deadline', () => {
    const status = { ...done, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'timed out' }] };
    assert.deepEqual(judge(deployment({ replicas: 3 }, status, 2)), { state: 'failed', reason: 'progress deadline exceeded: timed out' });
  });
});

describe('StatefulSet', () => {
  const sts = (spec: Record<string, unknown>, status: Record<string, unknown>): KubeObject =>
    ({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db', generation: 1 }, spec: { replicas: 3, ...spec }, status: { observedGeneration: 1, ...status } });
  test('healthy when ready and on the update revision', () => {
    assert.equal(judge(sts({}, { readyReplicas: 3, currentRevision: 'db-2', updateRevision: 'db-2' })).state, 'healthy');
  });
  test('progressing while a revision rolls out', () => {
    assert.equal(judge(sts({}, { readyReplicas: 3, updatedReplicas: 1, currentRevision: 'db-1', updateRevision: 'db-2' })).reason, 'rolling out revision db-2 (1 of 3 updated)');
  });
  test('a partitioned update is done when the replicas above the partition are updated', () => {
    const spec = { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } } };
    assert.equal(judge(sts(spec, { readyReplicas: 3, updatedReplicas: 1, currentRevision: 'db-1', updateRevision: 'db-2' })).state, 'healthy');
    assert.equal(judge(sts(spec, { readyReplicas: 3, updatedReplicas: 0, currentRevision: 'db-1', updateRevision: 'db-2' })).state, 'progressing');
  });
  test('OnDelete: healthy once ready, whatever the revisions', () => {
    assert.equal(judge(sts({ updateStrategy: { type: 'OnDelete' } }, { readyReplicas: 3, currentRevision: 'db-1', updateRevision: 'db-2' })).state, 'healthy');
  });
});

describe('DaemonSet, Job, PersistentVolumeClaim', () => {
  test('a DaemonSet needs every node updated and available', () => {
    const ds = (status: Record<string, unknown>): KubeObject => ({ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { generation: 1 }, spec: {}, status: { observedGeneration: 1, ...status } });
    assert.equal(judge(ds({ desiredNumberScheduled: 4, updatedNumberScheduled: 4, numberAvailable: 4 })).state, 'healthy');
    assert.equal(judge(ds({ desiredNumberScheduled: 4, updatedNumberScheduled: 3, numberAvailable: 4 })).reason, '3 of 4 nodes updated');
    assert.equal(judge(ds({ desiredNumberScheduled: 4, updatedNumberScheduled: 4, numberAvailable: 2 })).reason, '2 of 4 nodes available');
  });
  test('a Job is healthy when Complete, failed when Failed, progressing otherwise', () => {
    const job = (status: Record<string, unknown>): KubeObject => ({ apiVersion: 'batch/v1', kind: 'Job', metadata: {}, spec: { completions: 2 }, status });
    assert.equal(judge(job({ conditions: [{ type: 'Complete', status: 'True' }] })).state, 'healthy');
    assert.deepEqual(judge(job({ conditions: [{ type: 'Failed', status: 'True', reason: 'DeadlineExceeded', message: 'too slow' }] })), { state: 'failed', reason: 'job failed: DeadlineExceeded (too slow)' });
    assert.equal(judge(job({ succeeded: 1, active: 1 })).reason, '1 of 2 completions, 1 active');
  });
  test('a claim is healthy when Bound and failed when Lost', () => {
    const pvc = (phase?: string): KubeObject => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: {}, status: phase ? { phase } : {} });
    assert.equal(judge(pvc('Bound')).state, 'healthy');
    assert.equal(judge(pvc('Lost')).state, 'failed');
    assert.equal(judge(pvc()).reason, 'claim is Pending');
  });
  test('other kinds have no check', () => {
    assert.equal(healthCheckFor('v1', 'ConfigMap'), undefined);
    assert.equal(healthCheckFor('example.com/v1', 'Deployment'), undefined);
  });
});
