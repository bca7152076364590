// Resuming a drift watch the server ended, and the drift watches' idle traffic
// (one list and one watch per resource and namespace, however many objects),
// against the shared test bed's kube-apiserver: its watch cache and five-minute
// etcd compaction are the production defaults, so the last resourceVersion seen
// is still served. (agent-drift-watch.test.ts runs a server that compacts every
// second with no watch cache: there any write by the API server itself, a lease
// renewal, moves the compaction past that version, and a resume there, or a
// watch opened late after its list, must list again.)
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type KubeClient, type KubeObject } from '../../src/adapters/kube/client.js';
import { WatchGroup } from '../../src/agent/drift/watch-group.js';
import { DriftWatcher } from '../../src/agent/drift/watcher.js';
import type { ControlPlane } from '../bed/kube/control-plane.js';
import { useControlPlane } from '../support/control-plane.js';
import { eventually, sleep } from '../support/agent/log.js';
import { applyAll, recordingSink } from '../fixtures/drift/bed.js';
import { deploymentManifest } from '../fixtures/drift/manifests.js';

let cluster: ControlPlane;
let client: KubeClient;
useControlPlane((plane) => ({ cluster, client } = plane));

const configMap = (namespace: string, name: string): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data: { key: name } });

describe('watch resumption', () => {
  it('resumes from the last resourceVersion when the server ends a watch, without listing again or repeating events', async () => {
    const namespace = await cluster.newNamespace('resume');
    const path = `/api/v1/namespaces/${namespace}/configmaps`;
    let lists = 0;
    const events: string[] = [];
    const group = new WatchGroup(client, path, {}, {
      onListed: () => lists++,
      onEvent: (type, object) => events.push(`${type} ${object.metadata!.name}`),
    }, { timeoutSeconds: 1, backoffMs: 100 });
    const before = client.requestCount();
    group.start();
    try {
      await eventually(() => lists === 1, 'the first list', 10_000);
      await client.request('POST', path, { body: configMap(namespace, 'one') });
      // The server ends the watch after a second: twice over, each resumed with a new watch request.
      const resumed = (times: number, what: string) => {
        const mark = client.requestCount();
        return eventually(() => client.requestCount() - mark >= times, what, 30_000);
      };
      await resumed(2, 'the watch to be resumed twice');
      await client.request('POST', path, { body: configMap(namespace, 'two') });
      await eventually(() => events.length === 2, 'both events', 10_000);
      // A resume that listed again or repeated an event would have done so by the next one.
      await resumed(1, 'the watch to be resumed once more');
      assert.equal(lists, 1, 'no relist');
      assert.deepEqual(events, ['ADDED one', 'ADDED two']);
      assert.ok(client.requestCount() - before >= 4, 'it did reconnect: a list and at least three watches');
    } finally {
      await group.stop();
    }
  });
});

describe('idle traffic', () => {
  async function requestsFor(objectsPerNamespace: number): Promise<{ startup: number; idle: number }> {
    const [first, second] = [await cluster.newNamespace('idle'), await cluster.newNamespace('idle')];
    const objects = [first!, second!].flatMap((ns) => Array.from({ length: objectsPerNamespace }, (_, i) => configMap(ns, `cm-${i}`)));
    const desired = await applyAll(client, [...objects, deploymentManifest(first!)]);
    const watcher = new DriftWatcher({ client, sink: recordingSink(), environment: 'dev' });
    await watcher.setDesired('c1', desired);
    const before = client.requestCount();
    await watcher.start();
    try {
      // Until the three groups have listed and asked to watch (not for a second, which a loaded
      // machine may not fill): more at startup shows in the idle count, fewer never gets here.
      await eventually(() => client.requestCount() - before >= 6, 'a list and a watch for each of the three groups', 30_000);
      await watcher.settled();
      const started = client.requestCount();
      await sleep(3000);
      return { startup: started - before, idle: client.requestCount() - started };
    } finally {
      await watcher.stop();
    }
  }

  it('costs one list and one watch per resource and namespace, for 5 or 60 objects each, and nothing while idle', async () => {
    const small = await requestsFor(5);
    const large = await requestsFor(60);
    // ConfigMaps in two namespaces and Deployments in one: three groups.
    assert.deepEqual(small, { startup: 6, idle: 0 });
    assert.deepEqual(large, small);
  });
});
