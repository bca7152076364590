import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startAppHarness, type AppHarness } from '../support/app-harness.js';
import { ManualClock } from '../support/manual-clock.js';
import { pullsInto } from '../support/promotion-fixtures.js';

/**
 * GitHub delivers at least once: the same event can arrive twice with the
 * same X-GitHub-Delivery id (the bed duplicates one delivery in five, and
 * GitHub's "Redeliver" keeps the id). The App does a delivery's work once;
 * a redelivery after the App's memory of it expired, or the same event under
 * a new id, is new work.
 */
describe('App: a duplicated delivery does its work once', () => {
  let harness: AppHarness;
  const clock = new ManualClock(new Date());
  const ttlMs = 5 * 60_000;

  before(async () => {
    harness = await startAppHarness({ clock, deliveries: { ttlMs } });
    await harness.createService();
  });

  after(() => harness.stop());

  /** GETs of the code repository's config since `mark`: the work a push to a branch that feeds nothing costs. */
  const configReads = (mark: number) =>
    harness.github.requests.since(mark).filter((r) => r.method === 'GET' && r.path.startsWith('/repos/shop/checkout/contents/.github')).length;

  it('the same push delivered again reads nothing; after the TTL, or under a new id, it is handled again', async () => {
    let mark = harness.github.requests.mark();
    await harness.github.seed.commitFiles('shop/checkout', 'feature-x', { 'src/x.ts': 'export const x = 1;\n' }, { from: 'main' });
    await harness.settled();
    const push = harness.github.webhooks.deliveries.find((d) => d.event === 'push' && (JSON.parse(d.body) as { ref: string }).ref === 'refs/heads/feature-x');
    assert.ok(push, 'the push was delivered');
    assert.equal(configReads(mark), 1, `one read for the push, duplicates included (${push.attempts.length} attempts)`);

    mark = harness.github.requests.mark();
    for (let attempt = 0; attempt < 3; attempt += 1) assert.equal((await harness.github.redeliver(push.id)).status, 200);
    await harness.settled();
    assert.equal(configReads(mark), 0, 'three more deliveries with the same id: no work');
    assert.ok(harness.logs.some((line) => line.includes('duplicate delivery ignored') && line.includes(push.id)));

    mark = harness.github.requests.mark();
    await harness.github.sendWebhook(harness.appUrl, 'push', JSON.parse(push.body) as object, { deliveryId: `${push.id}-new` });
    await harness.settled();
    assert.equal(configReads(mark), 1, 'the same event under a new delivery id is handled');

    clock.advance(ttlMs);
    mark = harness.github.requests.mark();
    assert.equal((await harness.github.redeliver(push.id)).status, 200);
    await harness.settled();
    assert.equal(configReads(mark), 1, 'a redelivery after the TTL is handled');
  });

  it('a merged pull request delivered twice opens one promotion, and its work ran once', async () => {
    const restore = harness.github.webhooks.withoutDuplicates('this test sends the duplicate itself, to count the work of exactly two deliveries');
    try {
      const { number } = await harness.mergePullRequest('shop/checkout', { files: { 'src/a.ts': 'export const a = 1;\n' } });
      await harness.settled();
      const closed = harness.github.webhooks.deliveries.find((d) => d.event === 'pull_request' && (JSON.parse(d.body) as { action: string; number: number }).action === 'closed' && (JSON.parse(d.body) as { number: number }).number === number);
      assert.ok(closed);
      const promoted = harness.logs.filter((line) => line.includes(closed.id)).length;
      const mark = harness.github.requests.mark();
      assert.equal((await harness.github.redeliver(closed.id)).status, 200);
      await harness.settled();
      assert.equal(harness.github.requests.since(mark).filter((r) => r.path.startsWith('/repos/shop/checkout')).length, 0, 'the duplicate read nothing of the code repository');
      assert.equal((await pullsInto(harness.github, 'shop/checkout-manifests', 'dev', 'all')).length, 1);
      assert.ok(harness.logs.filter((line) => line.includes(closed.id)).length > promoted, 'the duplicate was seen and logged as one');
    } finally {
      restore();
    }
  });
});
