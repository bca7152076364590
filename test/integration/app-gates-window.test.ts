import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { installationOctokit, putBranchProtection } from '../bed/github/index.js';
import { startAppHarness, type AppHarness } from '../support/app-harness.js';
import { promotionConfig } from '../support/app-promotion.js';
import { ManualClock } from '../support/manual-clock.js';
import { openHandMadePromotion, pullState, repoParams, statusesOn, tryMergeAs } from '../support/promotion-fixtures.js';

const image = 'registry.example.com/shop/checkout:1111111111111111111111111111111111111111';

function config(manifestRepo: string): string {
  return promotionConfig({
    manifestRepo,
    devExtra: ['    autoMerge: true', '    windows: [{ days: mon-fri, hours: "09:00-17:00", timezone: Europe/London }]'],
  });
}

describe('ladder/window gate', () => {
  // Saturday 10 January 2026, noon in London (GMT).
  const clock = new ManualClock('2026-01-10T12:00:00Z');
  let harness: AppHarness;
  let repos: { codeRepo: string; manifestRepo: string };

  before(async () => {
    harness = await startAppHarness({ clock });
    repos = await harness.createService({ config: config('shop/checkout-manifests') });
    await putBranchProtection(harness.github, repos.manifestRepo, 'dev', {
      requiredStatusChecks: ['ladder/validate', 'ladder/soak', 'ladder/window', 'ladder/lock'],
    });
  });

  after(async () => {
    await harness.stop();
  });

  it('holds a promotion while the window is closed, and merges it when the window opens', async () => {
    const pull = await openHandMadePromotion(harness.github, { ...repos, service: 'checkout', environment: 'dev', image });
    await harness.settled();

    assert.deepEqual(await statusesOn(harness.github, repos.manifestRepo, pull.headSha), {
      'ladder/soak': 'success: No soak: dev is fed by branch main',
      'ladder/window': 'pending: Deploy window closed; opens Mon 12 Jan 09:00 Europe/London',
      'ladder/lock': 'success: Not locked',
    });
    assert.equal((await pullState(harness.github, repos.manifestRepo, pull.number)).state, 'open', 'not auto-merged while closed');
    // Protection makes the pending status binding for people too.
    const refused = await tryMergeAs(harness.github, 'dev', repos.manifestRepo, pull.number);
    assert.equal(refused.status, 405);
    assert.match(refused.message, /ladder\/window/);
    assert.deepEqual(clock.pendingTimers().map((at) => at.toISOString()), ['2026-01-12T09:00:00.000Z']);

    // Sunday evening: still closed, nothing re-evaluated.
    clock.set('2026-01-11T20:00:00Z');
    await harness.settled();
    assert.equal((await pullState(harness.github, repos.manifestRepo, pull.number)).state, 'open');

    // Monday 09:00 London: the recheck fires, the window turns green, dev auto-merges.
    clock.set('2026-01-12T09:00:00Z');
    await harness.settled();
    const statuses = await statusesOn(harness.github, repos.manifestRepo, pull.headSha);
    assert.equal(statuses['ladder/window'], 'success: Deploy window open until Mon 12 Jan 17:00 Europe/London');
    const merged = await pullState(harness.github, repos.manifestRepo, pull.number);
    assert.equal(merged.merged, true, 'auto-merged once the window opened');

    const { data: mergeCommit } = await installationOctokit(harness.github, repos.manifestRepo).rest.git.getCommit({
      ...repoParams(repos.manifestRepo),
      commit_sha: merged.mergeSha!,
    });
    assert.match(mergeCommit.message, /^Promote checkout to dev \(#\d+\)/);
    assert.match(mergeCommit.message, /Ladder-Image: registry\.example\.com\/shop\/checkout:1{40}/);
    harness.github.contract.assertClean();
  });
});
