import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseTrailers } from '../../src/core/promotion/trailers.js';
import { installationOctokit, putBranchProtection, userOctokit } from '../bed/github/index.js';
import { startAppHarness, type AppHarness } from '../support/app-harness.js';
import { ManualClock } from '../support/manual-clock.js';
import {
  branchSha,
  commitMessageOf,
  pullState,
  pullsInto,
  repoParams,
  reportDeployment,
  statusesOn,
  tryMergeAs,
} from '../support/promotion-fixtures.js';

const config = [
  'service: checkout',
  'image: registry.example.com/shop/checkout',
  'manifests: { repo: shop/checkout-manifests }',
  'environments:',
  '  - name: dev',
  '    from: { branch: main }',
  '    namespace: checkout-dev',
  '    autoMerge: true',
  '  - name: stg',
  '    from: { environment: dev }',
  '    namespace: checkout-stg',
  '    reviewers: { users: [alice] }',
  '  - name: prd',
  '    from: { environment: stg }',
  '    namespace: checkout',
  '    windows: [{ days: mon-thu, hours: "09:00-16:00", timezone: Europe/London }]',
  '    reviewers: { users: [alice] }',
  '',
].join('\n');

const gates = ['ladder/validate', 'ladder/soak', 'ladder/window', 'ladder/lock'];
const reviewer = 'alice';

/**
 * Issue #4, "Done when": merge in the code repo → validated promotion PR on
 * dev (auto-merged) → the agent reports success → promotion PR on stg with
 * the same image → review + merge → the same for prd, held by a closed deploy
 * window until it opens. Everything through real HTTP, signed webhooks and
 * real git; the agent's part is the Deployments API calls it makes.
 */
describe('end to end: code merge to production', () => {
  // Friday 9 January 2026, 10:00 in London: prd's window (Monday to Thursday) is closed.
  const clock = new ManualClock('2026-01-09T10:00:00Z');
  let harness: AppHarness;
  let repos: { codeRepo: string; manifestRepo: string };

  before(async () => {
    harness = await startAppHarness({ clock });
    repos = await harness.createService({ config });
    harness.github.setPermission(repos.manifestRepo, reviewer, 'write');
    await putBranchProtection(harness.github, repos.manifestRepo, 'dev', { requiredStatusChecks: gates });
    for (const branch of ['stg', 'prd']) {
      await putBranchProtection(harness.github, repos.manifestRepo, branch, { requiredStatusChecks: gates, requiredApprovingReviewCount: 1 });
    }
  });

  after(async () => {
    await harness.stop();
  });

  // A reviewer's merge commit has no trailers; Ladder's commit is its second parent.
  const versionAt = (ref: string) =>
    parseTrailers(commitMessageOf(harness.github, repos.manifestRepo, ref)) ?? parseTrailers(commitMessageOf(harness.github, repos.manifestRepo, `${ref}^2`));

  async function approveAndMerge(number: number): Promise<{ status: number; message: string }> {
    const client = userOctokit(harness.github, reviewer);
    await client.rest.pulls.createReview({ ...repoParams(repos.manifestRepo), pull_number: number, event: 'APPROVE' });
    await harness.settled();
    return tryMergeAs(harness.github, reviewer, repos.manifestRepo, number);
  }

  it('promotes one image from a code merge through dev and stg to prd, by review and within the window', async () => {
    // 1. A merge in the code repository.
    const code = await harness.mergePullRequest(repos.codeRepo, { files: { 'src/checkout.ts': 'export const total = (a: number, b: number) => a + b;\n' } });
    await harness.settled();

    // 2. dev: a validated promotion PR, auto-merged once its checks passed.
    const [devPull, ...moreDev] = await pullsInto(harness.github, repos.manifestRepo, 'dev', 'all');
    assert.ok(devPull);
    assert.equal(moreDev.length, 0);
    assert.ok(devPull.merged_at, 'dev auto-merged');
    const { data: devChecks } = await installationOctokit(harness.github, repos.manifestRepo).rest.checks.listForRef({
      ...repoParams(repos.manifestRepo),
      ref: devPull.head.sha,
      check_name: 'ladder/validate',
    });
    assert.equal(devChecks.check_runs[0]?.conclusion, 'success', 'validated');
    const devHead = await branchSha(harness.github, repos.manifestRepo, 'dev');
    const devVersion = versionAt(devHead);
    assert.equal(devVersion?.sourceSha, code.mergeSha);
    const image = devVersion!.image;
    assert.equal(image, `registry.example.com/shop/checkout:${code.mergeSha}`);
    assert.equal((await pullsInto(harness.github, repos.manifestRepo, 'stg')).length, 0, 'stg waits for dev to be deployed');

    // 3. The agent applies dev's merge commit and reports success.
    await reportDeployment(harness.github, repos.manifestRepo, { environment: 'dev', sha: devHead, state: 'success' });
    await harness.settled();

    // 4. stg: a promotion PR carrying the same image; it merges by review only.
    const [stgPull] = await pullsInto(harness.github, repos.manifestRepo, 'stg');
    assert.ok(stgPull, 'stg promotion PR opened');
    assert.equal(versionAt(stgPull.head.sha)?.image, image, 'stg carries the image dev runs');
    assert.deepEqual(stgPull.requested_reviewers?.map((user) => user.login), [reviewer]);
    assert.deepEqual(Object.values(await statusesOn(harness.github, repos.manifestRepo, stgPull.head.sha)).map((s) => s.split(':')[0]), ['success', 'success', 'success']);
    assert.equal((await pullState(harness.github, repos.manifestRepo, stgPull.number)).state, 'open', 'no auto-merge for stg');
    const unreviewed = await tryMergeAs(harness.github, 'dev', repos.manifestRepo, stgPull.number);
    assert.equal(unreviewed.status, 405, 'protection wants a review');
    assert.equal((await approveAndMerge(stgPull.number)).status, 200, 'review + merge');
    await harness.settled();

    // 5. The agent applies stg and reports success: prd's promotion PR, same image, held by the window.
    const stgHead = await branchSha(harness.github, repos.manifestRepo, 'stg');
    assert.equal(versionAt(stgHead)?.image, image);
    await reportDeployment(harness.github, repos.manifestRepo, { environment: 'stg', sha: stgHead, state: 'success' });
    await harness.settled();
    const [prdPull] = await pullsInto(harness.github, repos.manifestRepo, 'prd');
    assert.ok(prdPull, 'prd promotion PR opened');
    assert.equal(versionAt(prdPull.head.sha)?.image, image, 'prd carries the same image');
    assert.deepEqual(await statusesOn(harness.github, repos.manifestRepo, prdPull.head.sha), {
      'ladder/soak': 'success: stg deployed this image successfully',
      'ladder/window': 'pending: Deploy window closed; opens Mon 12 Jan 09:00 Europe/London',
      'ladder/lock': 'success: Not locked',
    });
    const held = await approveAndMerge(prdPull.number);
    assert.equal(held.status, 405, 'approved, but the window is closed');
    assert.match(held.message, /ladder\/window/);

    // Monday morning in London the window opens: the status turns green and the reviewer's merge goes through.
    clock.set('2026-01-12T08:59:00Z');
    await harness.settled();
    assert.equal((await tryMergeAs(harness.github, reviewer, repos.manifestRepo, prdPull.number)).status, 405, 'one minute early');
    clock.set('2026-01-12T09:00:00Z');
    await harness.settled();
    assert.equal(
      (await statusesOn(harness.github, repos.manifestRepo, prdPull.head.sha))['ladder/window'],
      'success: Deploy window open until Mon 12 Jan 16:00 Europe/London',
    );
    assert.equal((await tryMergeAs(harness.github, reviewer, repos.manifestRepo, prdPull.number)).status, 200, 'mergeable once open');
    await harness.settled();
    const prdHead = await branchSha(harness.github, repos.manifestRepo, 'prd');
    assert.deepEqual(
      { image: versionAt(prdHead)?.image, source: versionAt(prdHead)?.sourceSha },
      { image, source: code.mergeSha },
      'production runs the image built from the code merge',
    );
    harness.github.contract.assertClean();
  });
});
