import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { installationOctokit, putBranchProtection, userOctokit } from '../bed/github/index.js';
import { startAppHarness, type AppHarness } from '../support/app-harness.js';
import { ManualClock } from '../support/manual-clock.js';
import { checkoutImage, openHandMadePromotion, pullState, repoParams, statusesOn } from '../support/promotion-fixtures.js';


function config(service: string, manifestRepo: string): string {
  return [
    `service: ${service}`,
    `image: registry.example.com/shop/${service}`,
    `manifests: { repo: ${manifestRepo} }`,
    'environments:',
    '  - { name: dev, from: { branch: main }, namespace: dev, autoMerge: true }',
    '  - { name: stg, from: { branch: release }, namespace: stg }',
    '',
  ].join('\n');
}

describe('auto-merge', () => {
  const clock = new ManualClock('2026-01-05T10:00:00Z');
  let harness: AppHarness;

  before(async () => {
    harness = await startAppHarness({ clock });
  });

  after(async () => {
    await harness.stop();
  });

  it('waits for a check branch protection requires, then merges when it arrives', async (t) => {
    // Each delivery of a triggering event tries the merge once: a duplicate would add a refused attempt.
    t.after(harness.github.webhooks.withoutDuplicates('counts merge attempts, one per delivery of a triggering event'));
    const repos = await harness.createService({ service: 'cart', config: config('cart', 'shop/cart-manifests') });
    await putBranchProtection(harness.github, repos.manifestRepo, 'dev', {
      requiredStatusChecks: ['ladder/validate', 'ladder/soak', 'ladder/window', 'ladder/lock', 'ci/smoke'],
    });
    const pull = await openHandMadePromotion(harness.github, { ...repos, service: 'cart', environment: 'dev', image: checkoutImage(1) });
    await harness.settled();

    assert.deepEqual(Object.values(await statusesOn(harness.github, repos.manifestRepo, pull.headSha)).map((s) => s.split(':')[0]), ['success', 'success', 'success']);
    assert.equal((await pullState(harness.github, repos.manifestRepo, pull.number)).state, 'open', 'protection refused: ci/smoke missing');
    assert.ok(harness.logs.some((line) => line.includes('GitHub refused the auto-merge')), 'the refusal is logged');

    // Another CI system reports the required check: the status webhook triggers the merge.
    await installationOctokit(harness.github, repos.manifestRepo).rest.repos.createCommitStatus({
      ...repoParams(repos.manifestRepo),
      sha: pull.headSha,
      context: 'ci/smoke',
      state: 'success',
      description: 'Smoke tests passed',
    });
    await harness.settled();
    const merged = await pullState(harness.github, repos.manifestRepo, pull.number);
    assert.equal(merged.merged, true);
    const merges = harness.github.requests.entries.filter((r) => r.method === 'PUT' && r.route === '/repos/{owner}/{repo}/pulls/{pull_number}/merge' && r.path.includes('/cart-manifests/'));
    assert.deepEqual(merges.map((r) => r.status), [405, 200], 'one refused attempt, one merge, nothing more');
    harness.github.contract.assertClean();
  });

  it('waits for a review branch protection requires; the approval triggers the merge', async () => {
    const repos = await harness.createService({ service: 'shoe', config: config('shoe', 'shop/shoe-manifests') });
    await putBranchProtection(harness.github, repos.manifestRepo, 'dev', { requiredStatusChecks: ['ladder/validate'], requiredApprovingReviewCount: 1 });
    harness.github.setPermission(repos.manifestRepo, 'alice', 'write');
    const pull = await openHandMadePromotion(harness.github, { ...repos, service: 'shoe', environment: 'dev', image: checkoutImage(4) });
    await harness.settled();
    assert.equal((await pullState(harness.github, repos.manifestRepo, pull.number)).state, 'open', 'no approval yet');

    await userOctokit(harness.github, 'alice').rest.pulls.createReview({ ...repoParams(repos.manifestRepo), pull_number: pull.number, event: 'APPROVE' });
    await harness.settled();
    assert.equal((await pullState(harness.github, repos.manifestRepo, pull.number)).merged, true);
  });

  it('never merges when ladder/validate failed, nor an environment without autoMerge', async () => {
    const repos = await harness.createService({ service: 'basket', config: config('basket', 'shop/basket-manifests') });
    const invalid = await openHandMadePromotion(harness.github, { ...repos, service: 'basket', environment: 'dev', image: checkoutImage(2), validate: 'failure' });
    const byReview = await openHandMadePromotion(harness.github, { ...repos, service: 'basket', environment: 'stg', image: checkoutImage(3) });
    await harness.settled();

    assert.equal((await statusesOn(harness.github, repos.manifestRepo, invalid.headSha))['ladder/lock'], 'success: Not locked');
    assert.equal((await pullState(harness.github, repos.manifestRepo, invalid.number)).state, 'open');
    assert.equal((await statusesOn(harness.github, repos.manifestRepo, byReview.headSha))['ladder/window'], 'success: No deploy windows: always open');
    assert.equal((await pullState(harness.github, repos.manifestRepo, byReview.number)).state, 'open');
    assert.ok(harness.logs.some((line) => line.includes('ladder/validate is failure')));
  });
});
