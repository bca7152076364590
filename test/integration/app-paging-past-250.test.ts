// Issue #10: GitHub lists at most 250 commits of a comparison unless asked page by page, and pages
// oldest first. Ladder reads comparisons in two places where the newest commits matter: the commit
// list of a promotion PR (src/adapters/github/code-repo.ts) and the choice of which version to
// promote after a deployment (src/adapters/github/deployments.ts). Both past 250 commits here.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { formatTrailers, parseTrailers } from '../../src/core/promotion/trailers.js';
import { startAppHarness, type AppHarness } from '../support/app-harness.js';
import { mergePull, promotionConfig, pullsOf } from '../support/app-promotion.js';
import { ManualClock } from '../support/manual-clock.js';
import { branchSha, commitMessageOf, pullsInto, reportDeployment } from '../support/promotion-fixtures.js';

describe('App: comparisons longer than 250 commits', () => {
  const clock = new ManualClock('2026-01-05T10:00:00Z');
  let h: AppHarness;

  before(async () => {
    h = await startAppHarness({ clock });
  });

  after(async () => {
    await h.stop();
  });

  it('lists the newest code commits in the promotion PR when 302 arrived since the version on the environment', async () => {
    const { codeRepo, manifestRepo } = await h.createService({ service: 'long', config: promotionConfig({ service: 'long' }) });
    await h.mergePullRequest(codeRepo, { files: { 'a.txt': 'a\n' }, title: 'First change' });
    await h.settled();
    await mergePull(h, manifestRepo, (await pullsOf(h, manifestRepo))[0]!.number);
    await h.settled();

    await h.github.seed.commitMany(codeRepo, 'main', 300, { silent: true });
    const newest = await h.mergePullRequest(codeRepo, { files: { 'b.txt': 'b\n' }, title: 'Newest change' });
    await h.settled();

    const body = (await pullsOf(h, manifestRepo))[0]?.body ?? '';
    const listed = [...body.matchAll(/^- ([0-9a-f]{7}) (.*?)(?: \(|$| —)/gm)].map((m) => `${m[1]} ${m[2]}`);
    // The merge commit, the topic commit and Commit 300 down to Commit 253: the newest 50.
    assert.equal(listed.length, 50, body);
    assert.match(listed[0]!, new RegExp(`^${newest.mergeSha.slice(0, 7)} Merge pull request ${codeRepo}#${newest.number}`));
    assert.match(listed[1]!, / Newest change$/);
    assert.deepEqual(listed.slice(2).map((line) => line.slice(8)), Array.from({ length: 48 }, (_, i) => `Commit ${300 - i}`));
    assert.match(body, /^- … and 252 more$/m);
    assert.doesNotMatch(body, /First change/, 'the commit already on dev is not listed');
  });

  it('promotes the newest version that reached an environment, 301 manifest commits after the previous deployment', async () => {
    const { codeRepo, manifestRepo } = await h.createService({ service: 'chain' });
    const landOnDev = async (label: string) => {
      const sourceSha = await h.github.seed.commitFiles(codeRepo, 'main', { 'version.txt': `${label}\n` }, { silent: true });
      const image = `registry.example.com/shop/chain:${sourceSha}`;
      const message = `Promote chain to dev (${label})\n\n${formatTrailers({ service: 'chain', environment: 'dev', sourceRepo: codeRepo, sourceSha, image })}`;
      const sha = await h.github.seed.commitFiles(manifestRepo, 'dev', { 'deployment.yaml': `image: ${image}\n` }, { message, silent: true });
      return { sha, image };
    };
    const first = await landOnDev('v1');
    await reportDeployment(h.github, manifestRepo, { environment: 'dev', sha: first.sha, state: 'success' });
    await h.settled();
    const stgImage = async () => {
      const [pull] = await pullsInto(h.github, manifestRepo, 'stg');
      return pull ? parseTrailers(commitMessageOf(h.github, manifestRepo, pull.head.sha))?.image : undefined;
    };
    assert.equal(await stgImage(), first.image);

    // v2 lands, then 300 commits by people (no trailers), then v3: the agent deploys them all at once.
    const second = await landOnDev('v2');
    await h.github.seed.commitMany(manifestRepo, 'dev', 300, { silent: true, files: (i) => ({ [`notes/${i}.md`]: `note ${i}\n` }) });
    const third = await landOnDev('v3');
    assert.equal(await branchSha(h.github, manifestRepo, 'dev'), third.sha);
    await reportDeployment(h.github, manifestRepo, { environment: 'dev', sha: third.sha, state: 'success' });
    await h.settled();
    assert.notEqual(second.image, third.image);
    assert.equal(await stgImage(), third.image, 'stg gets the newest version dev runs, not one from the first 250 commits');
    h.github.contract.assertClean();
  });
});
