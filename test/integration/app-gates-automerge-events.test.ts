// Auto-merge reacts to the events GitHub sends: a ladder/validate check run completing after the
// gates passed merges the promotion (the check_run webhook), and a pull request from a fork's
// `ladder/…` branch is never evaluated or merged, whatever its commit carries (the fork guard).
// Both need a bed that sends check_run webhooks and knows forks (issue #10).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { installationOctokit, userOctokit } from '../bed/github/index.js';
import { startAppHarness, type AppHarness } from '../support/app-harness.js';
import { ManualClock } from '../support/manual-clock.js';
import { checkoutImage, openHandMadePromotion, pullState, repoParams, statusesOn } from '../support/promotion-fixtures.js';
import { formatTrailers } from '../../src/core/promotion/trailers.js';


function config(service: string, manifestRepo: string): string {
  return [
    `service: ${service}`,
    `image: registry.example.com/shop/${service}`,
    `manifests: { repo: ${manifestRepo} }`,
    'environments:',
    '  - { name: dev, from: { branch: main }, namespace: dev, autoMerge: true }',
    '',
  ].join('\n');
}

describe('auto-merge: what the check_run webhook and forks change', () => {
  const clock = new ManualClock('2026-01-05T10:00:00Z');
  let harness: AppHarness;

  before(async () => {
    harness = await startAppHarness({ clock });
  });

  after(async () => {
    await harness.stop();
  });

  it('merges once ladder/validate completes after the gates passed: the check_run webhook triggers it', async () => {
    const repos = await harness.createService({ service: 'hat', config: config('hat', 'shop/hat-manifests') });
    const pull = await openHandMadePromotion(harness.github, { ...repos, service: 'hat', environment: 'dev', image: checkoutImage(5), validate: 'none' });
    await harness.settled();
    assert.deepEqual(Object.values(await statusesOn(harness.github, repos.manifestRepo, pull.headSha)).map((s) => s.split(':')[0]), ['success', 'success', 'success']);
    assert.equal((await pullState(harness.github, repos.manifestRepo, pull.number)).state, 'open', 'ladder/validate has not run yet');

    await installationOctokit(harness.github, repos.manifestRepo).rest.checks.create({
      ...repoParams(repos.manifestRepo),
      name: 'ladder/validate',
      head_sha: pull.headSha,
      status: 'completed',
      conclusion: 'success',
      output: { title: 'Valid', summary: 'Validated after the gates' },
    });
    await harness.settled();
    assert.equal((await pullState(harness.github, repos.manifestRepo, pull.number)).merged, true);
    harness.github.contract.assertClean();
  });

  it('never evaluates or merges a pull request from a fork\'s ladder/ branch, even one whose commit passed ladder/validate', async () => {
    const repos = await harness.createService({ service: 'cap', config: config('cap', 'shop/cap-manifests') });
    harness.github.setPermission(repos.manifestRepo, 'mallory', 'read');
    const mallory = userOctokit(harness.github, 'mallory');
    const { data: fork } = await mallory.rest.repos.createFork(repoParams(repos.manifestRepo));
    // A commit that looks like Ladder's: its trailers copied from a real promotion.
    const sourceSha = (await installationOctokit(harness.github, repos.codeRepo).rest.repos.getBranch({ ...repoParams(repos.codeRepo), branch: 'main' })).data.commit.sha;
    const message = `Promote cap to dev\n\n${formatTrailers({ service: 'cap', environment: 'dev', sourceRepo: repos.codeRepo, sourceSha, image: checkoutImage(6) })}`;
    const headSha = await harness.github.seed.commitFiles(fork.full_name, 'ladder/cap/dev', { 'deployment.yaml': `image: ${checkoutImage(6)}\n` }, { message, from: 'dev', silent: true });
    // Even a passing ladder/validate on that very commit must not make it Ladder's.
    await installationOctokit(harness.github, repos.manifestRepo).rest.checks.create({
      ...repoParams(repos.manifestRepo),
      name: 'ladder/validate',
      head_sha: headSha,
      status: 'completed',
      conclusion: 'success',
      output: { title: 'Valid', summary: 'On the same commit' },
    });
    const mark = harness.github.requests.mark();
    const { data: pull } = await mallory.rest.pulls.create({ ...repoParams(repos.manifestRepo), head: 'mallory:ladder/cap/dev', base: 'dev', title: 'Promote cap to dev' });
    assert.notEqual(pull.head.repo?.id, pull.base.repo.id);
    await harness.settled();

    assert.deepEqual(await statusesOn(harness.github, repos.manifestRepo, headSha), {}, 'no gate was evaluated');
    assert.equal((await pullState(harness.github, repos.manifestRepo, pull.number)).state, 'open');
    const merges = harness.github.requests.since(mark).filter((r) => r.method === 'PUT' && r.route === '/repos/{owner}/{repo}/pulls/{pull_number}/merge');
    assert.deepEqual(merges, [], 'no merge was attempted');
    harness.github.contract.assertClean();
  });
});
