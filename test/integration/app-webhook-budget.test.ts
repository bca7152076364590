import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { startAppHarness, type AppHarness } from '../support/app-harness.js';

/**
 * The webhook endpoint is public. A 400 MB POST with a bogus signature was
 * buffered whole before the signature was checked (4.4 GB of memory); now the
 * App, composed as `ladder app` composes it, refuses a body larger than GitHub
 * ever sends (25 MB) and one without a length before reading any of it
 * (src/app/webhook-budget.ts; its unit test covers the function alone).
 */
describe('App: webhook bodies over GitHub\'s 25 MB are refused before they are buffered', () => {
  let harness: AppHarness;
  before(async () => {
    harness = await startAppHarness();
  });
  after(() => harness.stop());

  /** POSTs `total` bytes of JSON-ish filler, 1 MiB at a time from one buffer, and resolves with the answer as soon as there is one. */
  function post(total: number, headers: Record<string, string | number>): Promise<{ status: number; body: string; sent: number }> {
    const chunk = Buffer.alloc(1024 * 1024, 'a');
    return new Promise((resolve, reject) => {
      let sent = 0;
      const req = request(harness.appUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-github-delivery': 'd-1', 'x-hub-signature-256': 'sha256=bogus', ...headers } }, (res) => {
        let body = '';
        res.on('data', (data: Buffer) => (body += data.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, sent }));
      });
      req.on('error', (error: NodeJS.ErrnoException) => {
        // The server closes the connection once it has answered; writes after that fail, which is the point.
        if (error.code !== 'EPIPE' && error.code !== 'ECONNRESET') reject(error);
      });
      const pump = () => {
        while (sent < total) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        req.end();
      };
      pump();
    });
  }

  it('a declared 400 MB body is answered 413 before it is read', async () => {
    const started = performance.now();
    const answer = await post(400 * 1024 * 1024, { 'content-length': 400 * 1024 * 1024 });
    assert.equal(answer.status, 413);
    assert.match(answer.body, /a webhook delivery is at most 26214400 bytes; this one says 419430400/);
    assert.ok(answer.sent < 100 * 1024 * 1024, `the client got its answer after sending ${answer.sent} bytes`);
    assert.ok(performance.now() - started < 5000);
  });

  it('a body without a length (chunked) is answered 411, none of it read', async () => {
    const started = performance.now();
    const answer = await post(60 * 1024 * 1024, { 'transfer-encoding': 'chunked' });
    assert.equal(answer.status, 411);
    assert.match(answer.body, /a webhook delivery must have a Content-Length/);
    assert.ok(answer.sent < 60 * 1024 * 1024, `the client got its answer after sending ${answer.sent} bytes`);
    assert.ok(performance.now() - started < 5000);
    const peakMiB = process.resourceUsage().maxRSS / 1024;
    assert.ok(peakMiB < 512, `the test's process, App and bed included, peaked at ${peakMiB.toFixed(0)} MiB`);
  });

  it('an ordinary delivery with a bad signature is still a 401, the body read and checked', async () => {
    const answer = await post(1, { 'content-length': 1024 * 1024 });
    assert.equal(answer.status, 401);
  });
});
