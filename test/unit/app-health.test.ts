import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { answerProbe, AppReadiness } from '../../src/app/health.js';

describe("the App's probes", () => {
  const readiness = new AppReadiness();
  const server = createServer((request, response) => {
    if (!answerProbe(request, response, readiness)) response.writeHead(418).end('not a probe\n');
  });
  let url: string;
  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server.close());

  const ask = async (path: string, method = 'GET') => {
    const response = await fetch(`${url}${path}`, { method });
    return `${response.status} ${(await response.text()).trim()}`.trim();
  };

  it('are ready only once GitHub accepted the credentials, say why not before, and stay ready when a later check fails', async () => {
    assert.equal(await ask('/readyz'), '503 not ready: the App has not authenticated with GitHub yet');
    readiness.waiting('GitHub refused the App credentials (HTTP 401)');
    assert.equal(await ask('/readyz'), '503 not ready: GitHub refused the App credentials (HTTP 401)');
    assert.equal(await ask('/healthz'), '200 ok', 'alive while not ready');
    readiness.authenticated();
    assert.equal(await ask('/readyz?verbose'), '200 ready');
    readiness.waiting('GitHub could not be asked who the App is: HTTP 502');
    assert.equal(await ask('/readyz'), '200 ready');
  });

  it('are not ready while start-up work runs, and ready once it ended, even when it failed', async () => {
    const fresh = new AppReadiness();
    fresh.authenticated();
    let finish!: () => void;
    let fail!: (error: Error) => void;
    fresh.startingUp('compiling the schema validators', new Promise<void>((resolve) => (finish = resolve)));
    fresh.startingUp('warming something else', new Promise<void>((_, reject) => (fail = reject)));
    assert.equal(fresh.notReadyBecause(), 'compiling the schema validators, warming something else');
    finish();
    fail(new Error('no'));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(fresh.notReadyBecause(), undefined);
  });

  it('turn not ready on shutdown, while /healthz stays 200', async () => {
    readiness.shuttingDown();
    assert.equal(await ask('/readyz'), '503 not ready: shutting down');
    assert.equal(await ask('/healthz'), '200 ok');
  });

  it('answer GET and HEAD only, and leave every other path to the webhook handler', async () => {
    assert.equal(await ask('/healthz', 'HEAD'), '200');
    assert.equal(await ask('/healthz', 'POST'), '405 method not allowed');
    assert.equal(await ask('/api/github/webhooks', 'POST'), '418 not a probe');
    assert.equal(await ask('/healthzz'), '418 not a probe');
  });
});
