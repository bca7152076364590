import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { Probot } from 'probot';
import { ladderOctokit } from '../../src/adapters/github/probot-octokit.js';
import { createAppDeps } from '../../src/app/deps.js';
import { createLadderApp } from '../../src/app/index.js';
import { startAppHarness, type AppHarness } from '../support/app-harness.js';
import { ManualClock } from '../support/manual-clock.js';
import { promotionConfig } from '../support/app-promotion.js';
import { openHandMadePromotion, statusesOn } from '../support/promotion-fixtures.js';

const image = 'registry.example.com/shop/checkout:2222222222222222222222222222222222222222';
// No windows and no soak (promotionConfig's dev): a successful evaluation schedules nothing, so every timer is a failure's retry.
const plain = (service: string): string => promotionConfig({ service });

describe('gates stop retrying a failure that does not pass', () => {
  const clock = new ManualClock('2026-01-05T08:00:00Z');
  let harness: AppHarness;

  before(async () => {
    harness = await startAppHarness({ clock });
  });

  after(async () => {
    await harness.stop();
  });

  it('a refusal (403 without a rate limit) is not retried every minute', async () => {
    const repos = await harness.createService({ service: 'refused', config: plain('refused') });
    const refusal = harness.github.faults.add({
      route: 'POST /repos/{owner}/{repo}/statuses/{sha}',
      status: 403,
      message: 'Resource not accessible by integration',
      times: Infinity,
    });
    await openHandMadePromotion(harness.github, { ...repos, service: 'refused', environment: 'dev', image });
    await harness.settled();
    refusal.remove();
    assert.ok(refusal.hits >= 1, 'the refusal was met');
    assert.deepEqual(clock.pendingTimers(), [], 'no retry scheduled');
    assert.ok(harness.logs.some((line) => line.includes('giving up until the next event')));
  });

  it('an outage is retried a minute apart, ten times at most, and a success afterwards still works', async () => {
    const repos = await harness.createService({ service: 'outage', config: plain('outage') });
    const outage = harness.github.faults.add({ route: 'POST /repos/{owner}/{repo}/statuses/{sha}', status: 502, times: Infinity });
    const pull = await openHandMadePromotion(harness.github, { ...repos, service: 'outage', environment: 'dev', image });
    await harness.settled();
    // Each failed evaluation logs once; GitHub may deliver the opening twice, and each delivery's evaluation counts.
    const failedChecks = () =>
      harness.logs
        .map((line) => JSON.parse(line) as { msg?: string; repo?: string; pull?: number })
        .filter((line) => line.msg?.startsWith('Checking promotion gates failed') && line.repo === repos.manifestRepo && line.pull === pull.number);
    const beforeRetries = failedChecks().length;
    assert.ok(beforeRetries >= 1, 'the evaluation on the opening failed');
    let retries = 0;
    while (clock.pendingTimers().length > 0) {
      assert.ok(retries < 20, 'retries end');
      clock.advance(60_000);
      await harness.settled();
      retries += 1;
    }
    const failures = failedChecks();
    assert.equal(failures.length, 10, 'ten failed evaluations in all');
    assert.equal(retries, 10 - beforeRetries, 'the ones after the opening were retries a minute apart');
    assert.deepEqual(
      failures.map((line) => line.msg),
      [...Array<string>(9).fill('Checking promotion gates failed; retrying later'), 'Checking promotion gates failed; giving up until the next event'],
    );
    outage.remove();
    assert.deepEqual(await statusesOn(harness.github, repos.manifestRepo, pull.headSha), {});

    // The next event evaluates again, from a clean count.
    await harness.github.redeliver(
      harness.github.webhooks.deliveries.filter((d) => d.event === 'pull_request' && d.action === 'opened' && d.body.includes(pull.headSha)).at(-1)!.id,
    );
    await harness.settled();
    assert.equal((await statusesOn(harness.github, repos.manifestRepo, pull.headSha))['ladder/lock'], 'success: Not locked');
  });
});

describe('gates after a restart', () => {
  let harness: AppHarness;

  before(async () => {
    harness = await startAppHarness({ clock: new ManualClock('2026-01-05T08:00:00Z') });
  });

  after(async () => {
    await harness.stop();
  });

  it('one installation the App cannot act for does not stop the re-evaluation of the others', async () => {
    // Installed first, so listed first: its token cannot be had (a suspended installation, say).
    const broken = await harness.createService({ service: 'gone', codeRepo: 'aaa-suspended/gone', manifestRepo: 'aaa-suspended/gone-manifests', config: plain('gone') });
    const repos = await harness.createService({ service: 'kept', config: plain('kept') });
    const brokenId = harness.github.installations.idFor(broken.manifestRepo);
    assert.notEqual(brokenId, harness.github.installations.idFor(repos.manifestRepo));
    // The running App never hears of the pull request (its webhooks go nowhere).
    harness.github.webhooks.url = 'http://127.0.0.1:9/nowhere';
    const pull = await openHandMadePromotion(harness.github, { ...repos, service: 'kept', environment: 'dev', image });
    await harness.github.webhooks.settled().catch(() => undefined);
    harness.github.webhooks.url = harness.appUrl;
    const suspended = harness.github.faults.add({
      route: 'POST /app/installations/{installation_id}/access_tokens',
      status: 403,
      message: 'This installation has been suspended',
      times: Infinity,
      match: (r) => r.params.installation_id === String(brokenId),
    });

    const deps = createAppDeps({ clock: new ManualClock('2026-01-05T08:30:00Z'), log: pino({ level: 'silent' }), retry: { secondaryLimitRetries: 1, retryAfterUnitMs: 5 } });
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
    suspended.remove();

    assert.ok(suspended.hits >= 1, 'the broken installation was tried');
    assert.equal((await statusesOn(harness.github, repos.manifestRepo, pull.headSha))['ladder/lock'], 'success: Not locked');
  });
});
