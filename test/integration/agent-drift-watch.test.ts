// The drift watches themselves, against a kube-apiserver that compacts etcd
// every second and has no watch cache, so an old resourceVersion really is
// gone: a watch resuming from it gets 410 and lists again. (Idle traffic is
// counted in agent-drift-watch-resume.test.ts, on a server with production
// defaults: here a watch opened more than a second after its list, on a loaded
// machine, could get 410 too and add a list and a watch to the count.)
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KubeApiError, type KubeClient, type KubeList, type KubeObject } from '../../src/adapters/kube/client.js';
import { WatchGroup } from '../../src/agent/drift/watch-group.js';
import type { ControlPlane } from '../bed/kube/control-plane.js';
import { useControlPlane } from '../support/control-plane.js';
import { sleep } from '../fixtures/drift/bed.js';
import { eventually } from '../support/agent/log.js';

let cluster: ControlPlane;
let client: KubeClient;
useControlPlane((plane) => ({ cluster, client } = plane), { reuse: false, apiServerArgs: ['--etcd-compaction-interval=1s', '--watch-cache=false'] });

const configMap = (namespace: string, name: string): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data: { key: name } });

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

describe('watch groups', () => {
  it('lists again after 410 Gone, then keeps watching', async () => {
    const namespace = await cluster.newNamespace('gone');
    const path = `/api/v1/namespaces/${namespace}/configmaps`;
    const stale = (await client.request<KubeList>('GET', path)).metadata!.resourceVersion!;
    for (const name of ['a', 'b', 'c']) await client.request('POST', path, { body: configMap(namespace, name) });
    // etcd compacts past `stale` (every second here): a read at exactly that version is then 410 Gone.
    const compacted = () => client.request('GET', path, { query: { resourceVersion: stale, resourceVersionMatch: 'Exact' } }).then(() => false, (error) => error instanceof KubeApiError && error.status === 410);
    await eventually(compacted, `etcd to compact past ${stale}`, 30_000, 100);

    const lists: string[][] = [];
    const events: string[] = [];
    const group = new WatchGroup(client, path, {}, {
      onListed: (objects) => lists.push(objects.map((o) => `${o.kind}/${o.metadata!.name}`)),
      onEvent: (type, object) => events.push(`${type} ${object.metadata!.name}`),
    }, { resourceVersion: stale });
    group.start();
    try {
      await until(() => lists.length === 1, 'the relist');
      assert.deepEqual(lists[0], ['ConfigMap/a', 'ConfigMap/b', 'ConfigMap/c'], 'list items get the kind the list names');
      await client.request('POST', path, { body: configMap(namespace, 'd') });
      await until(() => events.includes('ADDED d'), 'the event after the relist');
      assert.deepEqual(events, ['ADDED d'], 'the watch resumes from the list, not from the stale version');
    } finally {
      await group.stop();
    }
  });
});

describe('lists a page at a time', () => {
  it('hands each page on as it comes, says which is first and last, and watches from the list\'s version', async () => {
    const namespace = await cluster.newNamespace('pages');
    const path = `/api/v1/namespaces/${namespace}/configmaps`;
    for (const name of ['a', 'b', 'c', 'd', 'e']) await client.request('POST', path, { body: configMap(namespace, name) });
    const pages: string[] = [];
    const events: string[] = [];
    const group = new WatchGroup(client, path, {}, {
      onListed: (objects, page) => pages.push(`${page.first ? 'first ' : ''}${objects.map((o) => `${o.kind}/${o.metadata!.name}`).join(',')}${page.last ? ' last' : ''}`),
      onEvent: (type, object) => events.push(`${type} ${object.metadata!.name}`),
    }, { pageSize: 2 });
    group.start();
    try {
      await until(() => pages.some((p) => p.endsWith(' last')), 'the last page');
      assert.deepEqual(pages, ['first ConfigMap/a,ConfigMap/b', 'ConfigMap/c,ConfigMap/d', 'ConfigMap/e last']);
      await until(() => group.synced(), 'the watch');
      await client.request('POST', path, { body: configMap(namespace, 'f') });
      // A watch's events come in resourceVersion order: anything listed, had it come again, would be before f.
      await until(() => events.includes('ADDED f'), 'the event after the list');
      assert.deepEqual(events, ['ADDED f'], 'the watch starts from the list\'s version: nothing listed comes again');
    } finally {
      await group.stop();
    }
  });
});
