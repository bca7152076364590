import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startAppHarness, type AppHarness } from '../support/app-harness.js';

describe('App harness', () => {
  let h: AppHarness;
  before(async () => {
    h = await startAppHarness();
  });
  after(() => h.stop());

  it('creates a service, merges a PR through the API and delivers its webhooks to the App', async () => {
    const { codeRepo, manifestRepo } = await h.createService();
    assert.equal(codeRepo, 'shop/checkout');
    assert.equal((await h.github.seed.readFile(manifestRepo, 'dev', 'README.md'))?.toString(), '# checkout-manifests\n');
    assert.match((await h.github.seed.readFile(codeRepo, 'main', '.github/ladder.yml'))?.toString() ?? '', /service: checkout/);
    const merged = await h.mergePullRequest(codeRepo, { files: { 'src/app.ts': 'export {};\n' } });
    assert.match(merged.mergeSha, /^[0-9a-f]{40}$/);
    await h.settled();
    // The code PR's; dev's promotion PR is auto-merged too (autoMerge: true) and closes in the manifest repo.
    const closed = h.github.webhooks.deliveries.filter((d) => d.event === 'pull_request' && d.action === 'closed' && d.body.includes(`"full_name":"${codeRepo}"`));
    assert.equal(closed.length, 1);
    // Delivered once by the bed, and answered 200; a duplicate delivery GitHub may add is answered 200 too.
    assert.deepEqual(closed[0]?.attempts.filter((a) => !a.duplicate).map((a) => a.status), [200]);
    assert.ok(closed[0]?.attempts.every((a) => a.status === 200 && !a.redelivery), JSON.stringify(closed[0]?.attempts));
  });

  it('refuses a webhook whose signature does not match', async () => {
    const response = await fetch(h.appUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-github-delivery': 'forged-1', 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` },
      body: JSON.stringify({ ref: 'refs/heads/main' }),
    });
    assert.equal(response.status, 401);
  });
});
