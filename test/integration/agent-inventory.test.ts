// The inventory (the ApplySet parent ConfigMap) against the real API server:
// 20,000 members and their content hashes fit in one ConfigMap, an inventory
// written by an earlier agent (members as plain JSON, no hashes) is read and
// rewritten, and what is planted in the ConfigMap is read within a budget.
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { test } from 'node:test';
import type { KubeClient, KubeObject } from '../../src/adapters/kube/client.js';
import { applyCommit, applySetId, readInventoryState } from '../../src/agent/sync/index.js';
import { writeInventory } from '../../src/agent/sync/inventory.js';
import { objectKey } from '../../src/agent/sync/desired.js';
import type { ControlPlane } from '../bed/kube/control-plane.js';
import { useControlPlane } from '../support/control-plane.js';
import { commitA, commitB, configMapFile } from '../support/agent-sync.js';

let cluster: ControlPlane;
let client: KubeClient;
useControlPlane((plane) => ({ cluster, client } = plane));

const parentPath = (namespace: string) => `/api/v1/namespaces/${namespace}/configmaps/ladder-inventory-dev`;

test('20,000 members with their hashes fit in the ConfigMap, far under its 1 MiB', async () => {
  const namespace = await cluster.newNamespace('large');
  const members = Array.from({ length: 20_000 }, (_, i) => ({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: `team-${i % 40}-production`, name: `service-${i}-worker-configuration` }));
  const hashes = new Map(members.map((m, i) => [objectKey(m), `hash${String(i).padStart(18, '0')}`]));
  const server = { version: 'v1.36.3', crds: { 'backupschedules.ops.example.com': 2 } };
  assert.equal(await writeInventory(client, { namespace, name: 'dev' }, { commit: commitA, members, hashes, server }), true);
  const parent = await client.request<KubeObject & { binaryData: Record<string, string>; data: Record<string, string> }>('GET', parentPath(namespace));
  const bytes = Buffer.from(parent.binaryData['members.json.gz']!, 'base64').length;
  assert.ok(bytes < 512 * 1024, `${bytes} bytes for 20,000 members`);
  assert.equal(parent.data.objects, '20000');
  const state = await readInventoryState(client, { namespace, name: 'dev' });
  assert.equal(state.members.length, 20_000);
  assert.equal(state.hashes.get(objectKey(members[12_345]!)), hashes.get(objectKey(members[12_345]!)));
  assert.deepEqual(state.server, server);
  assert.equal(state.commit, commitA);
  assert.equal(await writeInventory(client, { namespace, name: 'dev' }, { commit: commitA, members: [...members].reverse(), hashes, server }, state), false, 'the same content, in another order, writes nothing');
});

test('an inventory an earlier agent wrote (data.members, no hashes) is read, pruned from, and rewritten', async () => {
  const agentNamespace = await cluster.newNamespace('agent');
  const namespace = await cluster.newNamespace('v1');
  const id = applySetId({ namespace: agentNamespace, name: 'dev' });
  const first = await applyCommit(client, { commit: commitA, files: [configMapFile(namespace, 'keep'), configMapFile(namespace, 'gone')] }, { inventory: { namespace: agentNamespace, name: 'dev' } });
  assert.equal(first.status, 'applied', first.message);
  // Turn it into what the earlier format looked like.
  const v1Members = JSON.stringify(['gone', 'keep'].map((name) => ({ apiVersion: 'v1', kind: 'ConfigMap', namespace, name })), null, 1);
  // As the earlier agent applied it (same field manager): the new format's keys go, the old list comes back.
  await client.request('PATCH', parentPath(agentNamespace), {
    query: { fieldManager: 'ladder', force: true }, contentType: 'application/apply-patch+yaml',
    body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ladder-inventory-dev', namespace: agentNamespace, labels: { 'applyset.kubernetes.io/id': id } }, data: { commit: commitA, members: v1Members } },
  });
  const old = await readInventoryState(client, { namespace: agentNamespace, name: 'dev' });
  assert.deepEqual(old.members.map((m) => m.name), ['gone', 'keep']);
  assert.equal(old.hashes.size, 0);

  const second = await applyCommit(client, { commit: commitB, files: [configMapFile(namespace, 'keep')] }, { inventory: { namespace: agentNamespace, name: 'dev' } });
  assert.equal(second.status, 'applied', second.message);
  assert.deepEqual(second.prune?.pruned.map((r) => r.name), ['gone'], 'the old list still prunes');
  const parent = await client.request<KubeObject & { data: Record<string, string>; binaryData?: Record<string, string> }>('GET', parentPath(agentNamespace));
  assert.equal(parent.data.members, undefined, 'the old list is gone');
  assert.ok(parent.binaryData?.['members.json.gz']);
  const now = await readInventoryState(client, { namespace: agentNamespace, name: 'dev' });
  assert.deepEqual(now.members.map((m) => m.name), ['keep']);
  assert.equal(now.hashes.size, 1);
});

test('members planted in the ConfigMap are read within a budget: a gzip bomb is refused, naming the key', async () => {
  const agentNamespace = await cluster.newNamespace('bomb');
  const id = applySetId({ namespace: agentNamespace, name: 'dev' });
  const bomb = gzipSync(Buffer.alloc(80 * 1024 * 1024, 0x20)).toString('base64');
  await client.request('POST', `/api/v1/namespaces/${agentNamespace}/configmaps`, {
    body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ladder-inventory-dev', labels: { 'applyset.kubernetes.io/id': id } }, binaryData: { 'members.json.gz': bomb } },
  });
  const started = Date.now();
  await assert.rejects(readInventoryState(client, { namespace: agentNamespace, name: 'dev' }), /binaryData\[members\.json\.gz\] is not gzipped JSON of at most 64 MiB/);
  assert.ok(Date.now() - started < 5000);
  const outcome = applyCommit(client, { commit: commitA, files: [configMapFile(agentNamespace, 'x')] }, { inventory: { namespace: agentNamespace, name: 'dev' } });
  await assert.rejects(outcome, /binaryData\[members\.json\.gz\]/, 'nothing is applied over an inventory that cannot be read');
});
