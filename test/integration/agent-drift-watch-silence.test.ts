// A watch whose connection dies without a FIN never ends on its own: the
// server's timeout cannot reach the client. WatchGroup replaces a watch that
// stays open well past the timeout it asked for. The test bed's API server
// cannot be made to go silent on demand, so a plain HTTP server plays it.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { createKubeClient } from '../../src/adapters/kube/client.js';
import { WatchGroup } from '../../src/agent/drift/watch-group.js';

test('a watch that stays silent past its timeout is replaced, resuming from the last version seen', async () => {
  const watches: URLSearchParams[] = [];
  const server = http.createServer((request, response) => {
    const query = new URL(request.url ?? '/', 'http://localhost').searchParams;
    if (query.get('watch') !== 'true') return void response.writeHead(404).end();
    watches.push(query);
    // Headers, one event, then nothing: neither data nor the end of the stream.
    response.writeHead(200, { 'content-type': 'application/json' });
    response.write(`${JSON.stringify({ type: 'MODIFIED', object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', resourceVersion: '42' } } })}\n`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [{ name: 'silent', server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, skipTLSVerify: true }],
    users: [{ name: 'silent', token: 'not-a-secret' }],
    contexts: [{ name: 'silent', cluster: 'silent', user: 'silent' }],
    currentContext: 'silent',
  });
  const client = createKubeClient(kubeConfig);
  const events: string[] = [];
  const group = new WatchGroup(
    client,
    '/api/v1/namespaces/shop/configmaps',
    { labelSelector: 'applyset.kubernetes.io/part-of=x' },
    { onEvent: (type, object) => events.push(`${type} ${object.metadata?.name}`), onListed: () => undefined },
    { resourceVersion: '7', timeoutSeconds: 1, silenceGraceMs: 200, backoffMs: 50 },
  );
  try {
    group.start();
    // The replacement is due about 1.2 s in (timeoutSeconds plus the grace); the deadline is for a
    // loaded machine and costs nothing when it comes.
    const deadline = Date.now() + 30_000;
    while (watches.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    assert.ok(watches.length >= 2, `the silent watch was not replaced (${watches.length} watch requests in 30 s)`);
    assert.equal(watches[0]!.get('resourceVersion'), '7');
    assert.equal(watches[0]!.get('timeoutSeconds'), '1');
    assert.equal(watches[1]!.get('resourceVersion'), '42', 'the new watch resumes from the last version seen, without a list');
    assert.ok(events.includes('MODIFIED a'));
  } finally {
    await group.stop();
    client.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});
