// waitForHealth against the real API server, with status written the way the
// controllers would (test/bed/kube/rollout.ts): rollouts that finish, time
// out or fail, Jobs, claims, and a new generation the controller has not seen.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createKubeClient, type KubeClient, type ObjectRef } from '../../src/adapters/kube/client.js';
import { applyCommit, waitForHealth, type ManifestFile } from '../../src/agent/sync/index.js';
import type { ControlPlane } from '../bed/kube/control-plane.js';
import { useControlPlane } from '../support/control-plane.js';
import { markFailed, markProgressing, markRolledOut } from '../bed/kube/rollout.js';
import { commitA, commitB, fixtureFile, renderedService } from '../support/agent-sync.js';
import { eventually } from '../support/agent/log.js';

let cluster: ControlPlane;
let client: KubeClient;
useControlPlane((plane) => ({ cluster, client } = plane));

const claimFile = (namespace: string): ManifestFile => ({
  path: 'pvc.yaml',
  content: `apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: data\n  namespace: ${namespace}\nspec:\n  accessModes: [ReadWriteOnce]\n  resources:\n    requests:\n      storage: 1Gi\n`,
});

async function applyAll(namespace: string, files: ManifestFile[], commit = commitA): Promise<ObjectRef[]> {
  const outcome = await applyCommit(client, { commit, files }, { inventory: { namespace, name: 'prd' } });
  assert.equal(outcome.status, 'applied', outcome.message);
  return outcome.objects.map((o) => o.ref);
}

const withKinds = (refs: ObjectRef[], kinds: string[]) => refs.filter((r) => kinds.includes(r.kind));
const workloadKinds = ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'PersistentVolumeClaim'];

test('healthy once every workload has rolled out, the Job completed and the claim is bound', async () => {
  const namespace = await cluster.newNamespace('health');
  const refs = await applyAll(namespace, [
    ...(await renderedService(namespace)),
    fixtureFile('statefulset.yaml', namespace), fixtureFile('daemonset.yaml', namespace), fixtureFile('job.yaml', namespace), claimFile(namespace),
  ]);
  const workloads = withKinds(refs, workloadKinds);
  assert.equal(workloads.length, 5);
  let read = false;
  const waiting = waitForHealth(client, refs, { timeoutMs: 30_000, pollMs: 100, onProgress: (objects) => (read ||= objects.every((o) => o.reason !== 'not read yet')) });
  // The wait has read every object, not rolled out yet, before the controllers report them rolled out.
  await eventually(() => read, 'the wait to read every object', 30_000);
  for (const ref of workloads) await markRolledOut(client, ref);
  const outcome = await waiting;
  assert.equal(outcome.healthy, true, outcome.message);
  assert.equal(outcome.message, `${refs.length} objects healthy`);
  assert.deepEqual(new Set(outcome.objects.map((o) => o.state)), new Set(['healthy']));
});

test('a timeout names each object that is not healthy, and why', async () => {
  const namespace = await cluster.newNamespace('timeout');
  const refs = await applyAll(namespace, [...(await renderedService(namespace)), fixtureFile('statefulset.yaml', namespace), claimFile(namespace)]);
  const [deployment] = withKinds(refs, ['Deployment']);
  // The HPA owns replicas, so the rendered Deployment leaves them to the default: 1.
  await markProgressing(client, deployment!, 0);
  // Long enough for the first list to come back on a loaded machine: before it, each object is
  // still 'not read yet' and the reasons below could not be named.
  const started = Date.now();
  const outcome = await waitForHealth(client, refs, { timeoutMs: 5000, pollMs: 200 });
  assert.ok(Date.now() - started >= 5000);
  assert.equal(outcome.healthy, false);
  assert.equal(outcome.timedOut, true);
  assert.match(outcome.message, /^not healthy after 5 s: /);
  assert.match(outcome.message, new RegExp(`Deployment ${namespace}/checkout \\(0 of 1 replicas updated\\)`));
  assert.match(outcome.message, new RegExp(`StatefulSet ${namespace}/orders-db \\(controller has not observed generation 1 yet\\)`));
  assert.match(outcome.message, new RegExp(`PersistentVolumeClaim ${namespace}/data \\(claim is Pending\\)`));
  assert.doesNotMatch(outcome.message, /Service|ConfigMap/);
});

test('a failed Job ends the wait at once, with the controller message', async () => {
  const namespace = await cluster.newNamespace('job');
  const refs = await applyAll(namespace, [fixtureFile('job.yaml', namespace)]);
  await markFailed(client, refs[0]!, 'Job has reached the specified backoff limit');
  const started = Date.now();
  const outcome = await waitForHealth(client, refs, { timeoutMs: 30_000, pollMs: 100 });
  assert.ok(Date.now() - started < 5_000);
  assert.equal(outcome.healthy, false);
  assert.equal(outcome.timedOut, false);
  assert.equal(outcome.message, `failed: Job ${namespace}/smoke-test (job failed: BackoffLimitExceeded (Job has reached the specified backoff limit))`);
});

test('a Deployment past its progress deadline fails', async () => {
  const namespace = await cluster.newNamespace('deadline');
  const refs = withKinds(await applyAll(namespace, await renderedService(namespace)), ['Deployment']);
  await markFailed(client, refs[0]!);
  const outcome = await waitForHealth(client, refs, { timeoutMs: 30_000, pollMs: 100 });
  assert.equal(outcome.healthy, false);
  assert.match(outcome.message, /^failed: Deployment .*\/checkout \(progress deadline exceeded: ReplicaSet ".*" has timed out progressing\.\)$/);
});

test('a new generation is progressing until the controller has rolled it out', async () => {
  const namespace = await cluster.newNamespace('generation');
  const files = await renderedService(namespace);
  const [deployment] = withKinds(await applyAll(namespace, files), ['Deployment']);
  await markRolledOut(client, deployment!);
  assert.equal((await waitForHealth(client, [deployment!], { timeoutMs: 5_000, pollMs: 100 })).healthy, true);

  const newImage = files.map((f) => ({ ...f, content: f.content.replace(/(image: \S+):\S+/, '$1:next') }));
  assert.notDeepEqual(newImage, files);
  await applyAll(namespace, newImage, commitB);
  // 5 s, not 300 ms: a wait that ends before its first list comes back knows only 'not read yet'.
  const stale = await waitForHealth(client, [deployment!], { timeoutMs: 5000, pollMs: 100 });
  assert.match(stale.message, /controller has not observed generation 2 yet/);
  const waiting = waitForHealth(client, [deployment!], { timeoutMs: 10_000, pollMs: 100 });
  await markRolledOut(client, deployment!);
  assert.equal((await waiting).healthy, true);
});

test('an abort stops the wait', async () => {
  const namespace = await cluster.newNamespace('abort');
  const refs = withKinds(await applyAll(namespace, await renderedService(namespace)), ['Deployment']);
  const controller = new AbortController();
  setTimeout(() => controller.abort(new Error('shutting down')), 200);
  await assert.rejects(waitForHealth(client, refs, { timeoutMs: 30_000, pollMs: 100, signal: controller.signal }), /shutting down/);
});

test('by watch, not by polling: nothing is sent while waiting, and the rollout is seen as soon as the controller reports it', async () => {
  const namespace = await cluster.newNamespace('watch');
  const [deployment] = withKinds(await applyAll(namespace, await renderedService(namespace)), ['Deployment']);
  await markProgressing(client, deployment!, 0);
  const waiter = createKubeClient(cluster.kubeConfig);
  try {
    const progress: string[] = [];
    const waiting = waitForHealth(waiter, [deployment!], { timeoutMs: 30_000, pollMs: 100, onProgress: (objects) => progress.push(objects[0]!.reason ?? '') });
    // The first progress report comes from the list; the watch is opened right after it. Waiting
    // for it, not for a second, makes sure the idle count below starts after the wait's own reads.
    await eventually(() => progress.length > 0, 'the wait to list the Deployment', 30_000);
    await new Promise((resolve) => setImmediate(resolve)); // the watch request is counted a microtask after it is opened
    const idle = waiter.requestCount();
    await new Promise((resolve) => setTimeout(resolve, 1500)); // a poll every 100 ms would have sent about 15 reads
    assert.equal(waiter.requestCount(), idle, 'requests while nothing changed');
    assert.deepEqual(progress, ['0 of 1 replicas updated']);
    // Counted from the controller's status write, not from before the writes that make it up,
    // which take their own time on a loaded machine.
    await markRolledOut(client, deployment!);
    const rolledOutAt = Date.now();
    const outcome = await waiting;
    assert.equal(outcome.healthy, true, outcome.message);
    assert.ok(Date.now() - rolledOutAt < 3000, `seen ${Date.now() - rolledOutAt} ms after the rollout`);
    assert.ok(waiter.requestCount() <= 4, `${waiter.requestCount()} requests (discovery, one list, one watch)`);
  } finally {
    waiter.close();
  }
});
