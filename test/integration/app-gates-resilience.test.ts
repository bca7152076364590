import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { Probot } from 'probot';
import { ladderOctokit } from '../../src/adapters/github/probot-octokit.js';
import { createAppDeps } from '../../src/app/deps.js';
import { createLadderApp } from '../../src/app/index.js';
import { startWebhookReceiver } from '../bed/github/index.js';
import { startAppHarness, type AppHarness } from '../support/app-harness.js';
import { promotionConfig } from '../support/app-promotion.js';
import { ManualClock } from '../support/manual-clock.js';
import { openHandMadePromotion, pullState, statusesOn } from '../support/promotion-fixtures.js';

const image = 'registry.example.com/shop/checkout:2222222222222222222222222222222222222222';
const reviewOnly = (service: string): string =>
  promotionConfig({ service, devExtra: ['    windows: [{ days: mon-fri, hours: "09:00-17:00", timezone: UTC }]'] });

describe('gates when GitHub fails or the App restarts', () => {
  // Monday 5 January 2026, 08:00 UTC: the window opens at 09:00.
  const clock = new ManualClock('2026-01-05T08:00:00Z');
  let harness: AppHarness;

  before(async () => {
    harness = await startAppHarness({ clock });
  });

  after(async () => {
    await harness.stop();
  });

  it('a status write failing past the retries is tried again a minute later', async () => {
    const repos = await harness.createService({ service: 'cart', config: reviewOnly('cart') });
    const outage = harness.github.faults.add({ route: 'POST /repos/{owner}/{repo}/statuses/{sha}', status: 502, times: Infinity });
    const pull = await openHandMadePromotion(harness.github, { ...repos, service: 'cart', environment: 'dev', image });
    await harness.settled();
    assert.ok(outage.hits >= 2, 'Octokit retried the 502');
    assert.deepEqual(await statusesOn(harness.github, repos.manifestRepo, pull.headSha), {});
    assert.ok(harness.logs.some((line) => line.includes('retrying later')));
    assert.deepEqual(clock.pendingTimers().map((at) => at.toISOString()), ['2026-01-05T08:01:00.000Z']);

    outage.remove();
    clock.advance(60_000);
    await harness.settled();
    assert.deepEqual(await statusesOn(harness.github, repos.manifestRepo, pull.headSha), {
      'ladder/soak': 'success: No soak: dev is fed by branch main',
      'ladder/window': 'pending: Deploy window closed; opens Mon 5 Jan 09:00 UTC',
      'ladder/lock': 'success: Not locked',
    });
    assert.deepEqual(clock.pendingTimers().map((at) => at.toISOString()), ['2026-01-05T09:00:00.000Z'], 'now waiting for the window');
  });

  it('a restarted App re-evaluates open promotion PRs it never heard about', async () => {
    const repos = await harness.createService({ service: 'basket', config: reviewOnly('basket') });
    // The running App misses the pull request's webhooks (say it was down).
    const elsewhere = await startWebhookReceiver();
    const appUrl = harness.github.webhooks.url;
    harness.github.webhooks.url = elsewhere.url;
    const pull = await openHandMadePromotion(harness.github, { ...repos, service: 'basket', environment: 'dev', image });
    await harness.github.webhooks.settled();
    harness.github.webhooks.url = appUrl;
    await elsewhere.close();
    assert.deepEqual(await statusesOn(harness.github, repos.manifestRepo, pull.headSha), {});

    // A second App process starts against the same GitHub.
    const restartedClock = new ManualClock('2026-01-05T08:30:00Z');
    const deps = createAppDeps({ clock: restartedClock, log: pino({ level: 'silent' }), retry: { secondaryLimitRetries: 1, retryAfterUnitMs: 5 } });
    const probot = new Probot({
      appId: harness.github.app.id,
      privateKey: harness.github.app.privateKey,
      secret: harness.github.app.webhookSecret,
      baseUrl: harness.github.url,
      log: pino({ level: 'silent' }),
      Octokit: ladderOctokit({ retryBaseMs: 5, retries: 3, retryAfterUnitMs: 5, writeSpacingMs: 0 }),
    });
    await probot.load(createLadderApp(deps));
    await deps.queue.idle();

    assert.equal((await statusesOn(harness.github, repos.manifestRepo, pull.headSha))['ladder/window'], 'pending: Deploy window closed; opens Mon 5 Jan 09:00 UTC');
    // Its own rechecks: this pull request and the first test's, both waiting for 09:00.
    assert.deepEqual(restartedClock.pendingTimers().map((at) => at.toISOString()), ['2026-01-05T09:00:00.000Z', '2026-01-05T09:00:00.000Z']);
    assert.equal((await pullState(harness.github, repos.manifestRepo, pull.number)).state, 'open');
  });
});
