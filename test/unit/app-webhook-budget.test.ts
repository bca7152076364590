import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { refuseOversizedBody, WEBHOOK_BODY_LIMIT_BYTES } from '../../src/app/webhook-budget.js';
import { rawPost } from '../support/raw-post.js';

describe('the webhook body budget', () => {
  let read = 0;
  const server = createServer((req, res) => {
    if (refuseOversizedBody(req, res, 1000)) return;
    req.on('data', (chunk: Buffer) => (read += chunk.length));
    req.on('end', () => res.writeHead(200).end('read\n'));
  });
  let url: string;
  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/github/webhooks`;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  it('is the 25 MB GitHub caps payloads at', () => {
    assert.equal(WEBHOOK_BODY_LIMIT_BYTES, 26_214_400);
  });

  it('refuses a body over the limit from its Content-Length, before reading any of it', async () => {
    const answer = await rawPost(url, { 'content-type': 'application/json', 'content-length': '5000000000' });
    assert.deepEqual(answer, { status: 413, text: 'a webhook delivery is at most 1000 bytes; this one says 5000000000' });
    assert.equal(read, 0);
  });

  it('refuses a body without a Content-Length (chunked), before reading any of it', async () => {
    const answer = await rawPost(url, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' }, { body: Buffer.from('{"a":') });
    assert.deepEqual(answer, { status: 411, text: 'a webhook delivery must have a Content-Length' });
    assert.equal(read, 0);
  });

  it('lets a body within the limit through to the handler', async () => {
    const body = Buffer.alloc(1000, 'x');
    const answer = await rawPost(url, { 'content-length': String(body.length) }, { body, end: true });
    assert.deepEqual(answer, { status: 200, text: 'read' });
    assert.equal(read, 1000);
  });
});
