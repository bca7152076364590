// The agent's Kubernetes client against the real API server: raw JSON that
// keeps every key, the server's Status in errors, discovery that finds CRDs
// applied moments ago, watches, and service-account tokens.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { createKubeClient, KubeApiError, type KubeClient, type KubeObject } from '../../src/adapters/kube/client.js';
import type { ControlPlane } from '../bed/kube/control-plane.js';
import { useControlPlane } from '../support/control-plane.js';

let cluster: ControlPlane;
let client: KubeClient;
useControlPlane((plane) => ({ cluster, client } = plane));

const applyPatch = { contentType: 'application/apply-patch+yaml', query: { fieldManager: 'ladder', force: true } };

test('reads and writes raw JSON, and counts requests', async () => {
  const namespace = await cluster.newNamespace('client');
  const before = client.requestCount();
  const created = await client.request<KubeObject>('POST', `/api/v1/namespaces/${namespace}/configmaps`, {
    body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { greeting: 'hello' } },
  });
  assert.equal(created.metadata?.namespace, namespace);
  const read = await client.request<KubeObject>('GET', `/api/v1/namespaces/${namespace}/configmaps/settings`);
  assert.deepEqual(read.data, { greeting: 'hello' });
  assert.equal(client.requestCount() - before, 2);
});

test('errors carry the API server status: reason, message and causes', async () => {
  const namespace = await cluster.newNamespace('client');
  await assert.rejects(client.request('GET', `/api/v1/namespaces/${namespace}/configmaps/missing`), (error: unknown) => {
    assert.ok(error instanceof KubeApiError);
    assert.equal(error.status, 404);
    assert.equal(error.reason, 'NotFound');
    assert.match(error.message, /configmaps "missing" not found/);
    return true;
  });
  const invalid = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'Not_A_Name', namespace } };
  await assert.rejects(client.request('PATCH', `/api/v1/namespaces/${namespace}/configmaps/Not_A_Name`, { ...applyPatch, body: invalid }), (error: unknown) => {
    assert.ok(error instanceof KubeApiError);
    assert.equal(error.status, 422);
    assert.equal(error.reason, 'Invalid');
    assert.ok(error.causes.some((cause) => cause.field === 'metadata.name'), JSON.stringify(error.causes));
    return true;
  });
});

test('a CRD keeps x-kubernetes-int-or-string, and discovery finds its kind once served', async () => {
  const crd = {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.client.example.com' },
    spec: {
      group: 'client.example.com',
      scope: 'Namespaced',
      names: { kind: 'Widget', plural: 'widgets' },
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { port: { 'x-kubernetes-int-or-string': true } } } } } } }],
    },
  };
  assert.equal(await client.resourceFor('client.example.com/v1', 'Widget'), undefined);
  const stored = await client.request<{ spec: typeof crd.spec }>('PATCH', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd.metadata.name}`, { ...applyPatch, body: crd });
  assert.equal(stored.spec.versions[0]!.schema.openAPIV3Schema.properties.spec.properties.port['x-kubernetes-int-or-string'], true);
  const deadline = Date.now() + 20_000;
  let info = await client.resourceFor('client.example.com/v1', 'Widget');
  while (!info && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    info = await client.resourceFor('client.example.com/v1', 'Widget');
  }
  assert.deepEqual(info, { group: 'client.example.com', version: 'v1', kind: 'Widget', plural: 'widgets', namespaced: true });
  const deployments = await client.resourceFor('apps/v1', 'Deployment');
  assert.equal(client.pathFor({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web' }, deployments!), '/apis/apps/v1/namespaces/shop/deployments/web');
  const namespaces = await client.resourceFor('v1', 'Namespace');
  assert.equal(client.pathFor({ apiVersion: 'v1', kind: 'Namespace', namespace: 'ignored', name: 'shop' }, namespaces!), '/api/v1/namespaces/shop');
  // Cached: asking again for a known kind sends nothing.
  const count = client.requestCount();
  await client.resourceFor('apps/v1', 'Deployment');
  assert.equal(client.requestCount(), count);
});

test('watch streams events, large ones too, until aborted', async () => {
  const namespace = await cluster.newNamespace('client');
  const events: string[] = [];
  let modifiedSize = 0;
  let done: (error?: Error) => void = () => {};
  const finished = new Promise<Error | undefined>((resolve) => { done = resolve; });
  const seen = new Promise<void>((resolve) => {
    // The writes start once the server has accepted the watch (onOpen), not after a fixed 300 ms:
    // a watch opened after the PATCH would see the object first as ADDED with its final data.
    const handle = client.watch(`/api/v1/namespaces/${namespace}/configmaps`, { allowWatchBookmarks: true }, (type, object) => {
      events.push(`${type} ${object.metadata?.name}`);
      if (type === 'MODIFIED') modifiedSize = String((object.data as { a: string }).a).length;
      if (type === 'DELETED') { handle.abort(); resolve(); }
    }, (error) => done(error), () => void (async () => {
      const path = `/api/v1/namespaces/${namespace}/configmaps`;
      await client.request('POST', path, { body: { metadata: { name: 'watched' }, data: { a: '1' } } });
      await client.request('PATCH', `${path}/watched`, { body: { data: { a: 'x'.repeat(300_000) } }, contentType: 'application/merge-patch+json' });
      await client.request('DELETE', `${path}/watched`);
    })());
  });
  await seen;
  assert.equal(await finished, undefined);
  assert.deepEqual(events.filter((e) => !e.startsWith('BOOKMARK')), ['ADDED watched', 'MODIFIED watched', 'DELETED watched']);
  assert.equal(modifiedSize, 300_000, 'a large event arrives in many chunks and is read whole');
});

test('a watch ends without error when the server closes it, and with the server error on a bad path', async () => {
  const closed = await new Promise<Error | undefined>((resolve) => {
    client.watch('/api/v1/namespaces/default/configmaps', { timeoutSeconds: 1 }, () => {}, resolve);
  });
  assert.equal(closed, undefined);
  const failed = await new Promise<Error | undefined>((resolve) => {
    client.watch('/api/v1/namespaces/default/gizmos', {}, () => {}, resolve);
  });
  assert.ok(failed instanceof KubeApiError, String(failed));
  assert.equal(failed.status, 404);
});

test('a service account bearer token: forbidden until bound, then allowed', async () => {
  const namespace = await cluster.newNamespace('client');
  const agent = createKubeClient(await cluster.kubeConfigForServiceAccount(namespace, 'ladder-agent'));
  try {
    await assert.rejects(agent.request('GET', `/api/v1/namespaces/${namespace}/configmaps`), (error: unknown) => error instanceof KubeApiError && error.status === 403 && /system:serviceaccount:/.test(error.message));
    await client.request('POST', `/apis/rbac.authorization.k8s.io/v1/namespaces/${namespace}/rolebindings`, {
      body: { metadata: { name: 'agent-view' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' }, subjects: [{ kind: 'ServiceAccount', name: 'ladder-agent', namespace }] },
    });
    const list = await agent.request<{ items: unknown[] }>('GET', `/api/v1/namespaces/${namespace}/configmaps`);
    assert.ok(Array.isArray(list.items));
  } finally {
    agent.close();
  }
});

test('an in-cluster style kubeconfig: the token is read from a file, as from a projected volume', async () => {
  const namespace = await cluster.newNamespace('client');
  const serviceAccount = await cluster.kubeConfigForServiceAccount(namespace, 'ladder-agent');
  await client.request('POST', `/apis/rbac.authorization.k8s.io/v1/namespaces/${namespace}/rolebindings`, {
    body: { metadata: { name: 'agent-view' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' }, subjects: [{ kind: 'ServiceAccount', name: 'ladder-agent', namespace }] },
  });
  const dir = mkdtempSync(join(tmpdir(), 'ladder-token-'));
  try {
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, serviceAccount.getCurrentUser()!.token!);
    const adminCluster = cluster.kubeConfig.getCurrentCluster()!;
    const inCluster = new KubeConfig();
    inCluster.loadFromOptions({
      clusters: [{ name: 'in-cluster', server: adminCluster.server, caData: adminCluster.caData, skipTLSVerify: false }],
      users: [{ name: 'sa', authProvider: { name: 'tokenFile', config: { tokenFile } } }],
      contexts: [{ name: 'in-cluster', cluster: 'in-cluster', user: 'sa', namespace }],
      currentContext: 'in-cluster',
    });
    const agent = createKubeClient(inCluster);
    try {
      const list = await agent.request<{ items: unknown[] }>('GET', `/api/v1/namespaces/${namespace}/configmaps`);
      assert.ok(Array.isArray(list.items));
    } finally {
      agent.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// Behaviours the test bed's API server cannot be made to show on demand
// (throttling, a hung connection) are checked against a plain HTTP server.
async function withServer(handler: http.RequestListener, run: (client: KubeClient) => Promise<void>): Promise<void> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [{ name: 'fake', server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
    users: [{ name: 'fake', token: 'not-a-secret' }],
    contexts: [{ name: 'fake', cluster: 'fake', user: 'fake' }],
    currentContext: 'fake',
  });
  const fake = createKubeClient(kubeConfig, { requestTimeoutMs: 300 });
  try {
    await run(fake);
  } finally {
    fake.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

test('a throttled request (429) is retried after Retry-After; the bearer token is sent', async () => {
  const seen: string[] = [];
  await withServer((request, response) => {
    seen.push(String(request.headers.authorization));
    if (seen.length === 1) {
      response.writeHead(429, { 'retry-after': '1', 'content-type': 'application/json' });
      response.end(JSON.stringify({ kind: 'Status', status: 'Failure', reason: 'TooManyRequests', code: 429, message: 'too many requests' }));
    } else {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"kind":"NamespaceList","items":[]}');
    }
  }, async (fake) => {
    const list = await fake.request<{ items: unknown[] }>('GET', '/api/v1/namespaces');
    assert.deepEqual(list.items, []);
    assert.equal(fake.requestCount(), 2);
  });
  assert.deepEqual(seen, ['Bearer not-a-secret', 'Bearer not-a-secret']);
});

test('a server that never answers fails the request after the timeout, naming it', async () => {
  await withServer(() => { /* never answers */ }, async (fake) => {
    await assert.rejects(fake.request('GET', '/api/v1/namespaces'), /GET \/api\/v1\/namespaces: no response from the API server within 300 ms/);
  });
});

test('a watch whose error response breaks off mid-body ends with the error, without an unhandled rejection', async () => {
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown) => void rejections.push(reason);
  process.on('unhandledRejection', onRejection);
  try {
    await withServer((_request, response) => {
      response.writeHead(403, { 'content-type': 'application/json', 'content-length': '1000' });
      response.write('{"kind":"Status","message":"forb');
      setTimeout(() => response.socket?.destroy(), 50);
    }, async (fake) => {
      const error = await new Promise<Error | undefined>((resolve) => fake.watch('/api/v1/namespaces/x/configmaps', {}, () => undefined, resolve));
      assert.ok(error, 'the watch ends with an error');
      await new Promise((resolve) => setTimeout(resolve, 100));
    });
  } finally {
    process.off('unhandledRejection', onRejection);
  }
  assert.deepEqual(rejections, []);
});
