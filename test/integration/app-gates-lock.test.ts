import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setLock } from '../../src/adapters/github/locks.js';
import type { GitHubClient } from '../../src/adapters/github/types.js';
import { installationOctokit, putBranchProtection, userOctokit } from '../bed/github/index.js';
import { startAppHarness, type AppHarness } from '../support/app-harness.js';
import { ManualClock } from '../support/manual-clock.js';
import { pullsInto, pullState, repoParams, statusesOn, tryMergeAs } from '../support/promotion-fixtures.js';

describe('ladder/lock gate', () => {
  const clock = new ManualClock('2026-01-05T10:00:00Z');
  let harness: AppHarness;

  before(async () => {
    harness = await startAppHarness({ clock });
  });

  after(async () => {
    await harness.stop();
  });

  it('a locked environment gets a failing lock status and no merge; /ladder unlock turns it green and dev auto-merges', async () => {
    const repos = await harness.createService();
    await putBranchProtection(harness.github, repos.manifestRepo, 'dev', { requiredStatusChecks: ['ladder/validate', 'ladder/soak', 'ladder/window', 'ladder/lock'] });
    const locked = await setLock(installationOctokit(harness.github, repos.manifestRepo) as unknown as GitHubClient, repoParams(repos.manifestRepo), {
      service: 'checkout',
      environment: 'dev',
      by: 'dev',
      reason: 'incident 42: payments down',
    });
    assert.equal(locked.created, true);

    const code = await harness.mergePullRequest(repos.codeRepo, { files: { 'src/app.ts': 'export const fix = true;\n' } });
    await harness.settled();
    const [pull] = await pullsInto(harness.github, repos.manifestRepo, 'dev');
    assert.ok(pull, 'the promotion PR is opened even while locked');
    assert.deepEqual(await statusesOn(harness.github, repos.manifestRepo, pull.head.sha), {
      'ladder/soak': 'success: No soak: dev is fed by branch main',
      'ladder/window': 'success: No deploy windows: always open',
      'ladder/lock': 'failure: Locked by dev: incident 42: payments down',
    });
    assert.equal((await pullState(harness.github, repos.manifestRepo, pull.number)).state, 'open', 'not auto-merged while locked');
    assert.equal((await tryMergeAs(harness.github, 'dev', repos.manifestRepo, pull.number)).status, 405, 'protection refuses people too');

    // Unlocking through the comment command re-evaluates the open promotion PRs.
    await userOctokit(harness.github, 'dev').rest.issues.createComment({ ...repoParams(repos.codeRepo), issue_number: code.number, body: '/ladder unlock dev' });
    await harness.settled();
    assert.equal((await statusesOn(harness.github, repos.manifestRepo, pull.head.sha))['ladder/lock'], 'success: Not locked');
    assert.equal((await pullState(harness.github, repos.manifestRepo, pull.number)).merged, true, 'auto-merged once unlocked');
    harness.github.contract.assertClean();
  });
});
