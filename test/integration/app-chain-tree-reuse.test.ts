import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseTrailers } from '../../src/core/promotion/trailers.js';
import { userOctokit } from '../bed/github/index.js';
import { developer, startAppHarness, type AppHarness } from '../support/app-harness.js';
import { ManualClock } from '../support/manual-clock.js';
import { branchSha, commitMessageOf, pullsInto, repoParams } from '../support/promotion-fixtures.js';

const config = [
  'service: checkout',
  'image: registry.example.com/shop/checkout',
  'manifests: { repo: shop/checkout-manifests }',
  'environments:',
  '  - { name: dev, from: { branch: main }, namespace: checkout-dev, autoMerge: true }',
  '  - { name: stg, from: { branch: release }, namespace: checkout-stg }',
  '',
].join('\n');

/** Opens a pull request head → base in the code repo and merges it like a developer. */
async function mergeBranch(harness: AppHarness, codeRepo: string, head: string, base: string): Promise<string> {
  const client = userOctokit(harness.github, developer);
  const { data: pull } = await client.rest.pulls.create({ ...repoParams(codeRepo), head, base, title: `Merge ${head} into ${base}` });
  return (await client.rest.pulls.merge({ ...repoParams(codeRepo), pull_number: pull.number, merge_method: 'merge' })).data.sha;
}

describe('branch-mapped environments reuse the image of an identical tree', () => {
  const clock = new ManualClock('2026-01-05T10:00:00Z');
  let harness: AppHarness;

  before(async () => {
    harness = await startAppHarness({ clock });
  });

  after(async () => {
    await harness.stop();
  });

  it('main merged into release promotes the image dev already runs; a real change gets its own', async () => {
    const repos = await harness.createService({ config });
    await harness.github.seed.setBranch(repos.codeRepo, 'release', 'main');
    await harness.settled();

    const change = await harness.mergePullRequest(repos.codeRepo, { files: { 'src/app.ts': 'export const answer = 42;\n' } });
    await harness.settled();
    const devHead = await branchSha(harness.github, repos.manifestRepo, 'dev');
    const devImage = parseTrailers(commitMessageOf(harness.github, repos.manifestRepo, devHead))?.image;
    assert.equal(devImage, `registry.example.com/shop/checkout:${change.mergeSha}`, 'dev runs the image of the merge (auto-merged)');

    // release is behind main: merging main into it makes a new commit with main's tree.
    const releaseMerge = await mergeBranch(harness, repos.codeRepo, 'main', 'release');
    assert.notEqual(releaseMerge, change.mergeSha);
    await harness.settled();

    const [stgPull] = await pullsInto(harness.github, repos.manifestRepo, 'stg');
    assert.ok(stgPull, 'a stg promotion PR');
    const stg = parseTrailers(commitMessageOf(harness.github, repos.manifestRepo, stgPull.head.sha));
    assert.equal(stg?.sourceSha, releaseMerge, 'rendered from the release merge');
    assert.equal(stg?.image, devImage, 'with the image already built for the same tree');
    assert.ok(harness.logs.some((line) => line.includes(`reusing image tag ${change.mergeSha}`)));

    // A change made on release itself has a tree nobody built: its own tag.
    await harness.github.seed.commitFiles(repos.codeRepo, 'hotfix', { 'src/app.ts': 'export const answer = 43;\n' }, { from: 'release', silent: true });
    const hotfix = await mergeBranch(harness, repos.codeRepo, 'hotfix', 'release');
    await harness.settled();
    const [updated] = await pullsInto(harness.github, repos.manifestRepo, 'stg');
    const after = parseTrailers(commitMessageOf(harness.github, repos.manifestRepo, updated!.head.sha));
    assert.equal(after?.sourceSha, hotfix);
    assert.equal(after?.image, `registry.example.com/shop/checkout:${hotfix}`);
    harness.github.contract.assertClean();
  });
});
