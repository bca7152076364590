import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { parseTrailers } from '../../src/core/promotion/trailers.js';
import { formatTrailers } from '../../src/core/promotion/trailers.js';
import { installationOctokit } from '../bed/github/index.js';
import { startAppHarness, type AppHarness } from '../support/app-harness.js';
import { ManualClock } from '../support/manual-clock.js';
import {
  branchSha,
  branchesOf,
  commitMessageOf,
  pullsInto,
  repoParams,
  reportDeployment,
  statusesOn,
} from '../support/promotion-fixtures.js';

const digest = `sha256:${'d'.repeat(64)}`;

/** Every file of a commit, path → text, read with git. */
function filesAt(harness: AppHarness, fullName: string, ref: string): Map<string, string> {
  const gitDir = harness.github.repoPath(fullName);
  const names = execFileSync('git', ['--git-dir', gitDir, 'ls-tree', '-r', '--name-only', ref], { encoding: 'utf8' }).split('\n').filter(Boolean);
  return new Map(names.map((name) => [name, execFileSync('git', ['--git-dir', gitDir, 'show', `${ref}:${name}`], { encoding: 'utf8' })]));
}

/** A Ladder commit on an environment branch, as a merged promotion leaves it, without going through a promotion. */
async function seedDeployedVersion(harness: AppHarness, repos: { codeRepo: string; manifestRepo: string }, service: string, image: string): Promise<{ sha: string; sourceSha: string }> {
  const sourceSha = await branchSha(harness.github, repos.codeRepo, 'main');
  const message = `Promote ${service} to dev\n\n${formatTrailers({ service, environment: 'dev', sourceRepo: repos.codeRepo, sourceSha, image })}`;
  const sha = await harness.github.seed.commitFiles(repos.manifestRepo, 'dev', { 'deployment.yaml': `image: ${image}\n` }, { message, silent: true });
  return { sha, sourceSha };
}

describe('promotion by deployment status', () => {
  const clock = new ManualClock('2026-01-05T10:00:00Z');
  let harness: AppHarness;

  before(async () => {
    harness = await startAppHarness({ clock });
  });

  after(async () => {
    await harness.stop();
  });

  it('a merge auto-merges into dev; dev deployed → a stg PR carrying exactly the image dev runs', async () => {
    const repos = await harness.createService();
    const merged = await harness.mergePullRequest(repos.codeRepo, { files: { 'src/app.ts': 'export const version = 1;\n' } });
    await harness.settled();

    const devPulls = await pullsInto(harness.github, repos.manifestRepo, 'dev', 'closed');
    assert.equal(devPulls.length, 1);
    assert.ok(devPulls[0]!.merged_at, 'the dev promotion was auto-merged');
    const devHead = await branchSha(harness.github, repos.manifestRepo, 'dev');
    const devVersion = parseTrailers(commitMessageOf(harness.github, repos.manifestRepo, devHead));
    assert.equal(devVersion?.sourceSha, merged.mergeSha, 'the merge commit names the version');
    assert.equal((await pullsInto(harness.github, repos.manifestRepo, 'stg')).length, 0, 'nothing for stg before dev reports');

    await reportDeployment(harness.github, repos.manifestRepo, { environment: 'dev', sha: devHead, state: 'success' });
    await harness.settled();

    const [stgPull, ...others] = await pullsInto(harness.github, repos.manifestRepo, 'stg');
    assert.ok(stgPull, 'a stg promotion PR was opened');
    assert.equal(others.length, 0);
    assert.equal(stgPull.head.ref, 'ladder/checkout/stg');
    const stgVersion = parseTrailers(commitMessageOf(harness.github, repos.manifestRepo, stgPull.head.sha));
    assert.equal(stgVersion?.image, devVersion?.image, 'the same image reference');
    assert.equal(stgVersion?.sourceSha, merged.mergeSha);
    assert.equal(stgVersion?.environment, 'stg');
    assert.deepEqual(await statusesOn(harness.github, repos.manifestRepo, stgPull.head.sha), {
      'ladder/soak': 'success: dev deployed this image successfully',
      'ladder/window': 'success: No deploy windows: always open',
      'ladder/lock': 'success: Not locked',
    });
    assert.equal((await pullsInto(harness.github, repos.manifestRepo, 'stg')).length, 1, 'stg merges by review: still open');

    // GitHub redelivers the success: the same PR, the same head, no new commit.
    const success = harness.github.webhooks.deliveries.filter((d) => d.event === 'deployment_status' && d.body.includes('"state":"success"')).at(-1);
    assert.ok(success);
    await harness.github.redeliver(success.id);
    await harness.settled();
    const again = await pullsInto(harness.github, repos.manifestRepo, 'stg');
    assert.deepEqual(again.map((pull) => [pull.number, pull.head.sha]), [[stgPull.number, stgPull.head.sha]]);
    harness.github.contract.assertClean();
  });

  it('promotes the tag AND the digest dev deployed, into the rendered manifests', async () => {
    const repos = await harness.createService({ service: 'cart' });
    const tag = 'build-4711';
    const devImage = `registry.example.com/shop/cart:${tag}@${digest}`;
    const deployed = await seedDeployedVersion(harness, repos, 'cart', devImage);
    await reportDeployment(harness.github, repos.manifestRepo, { environment: 'dev', sha: deployed.sha, state: 'success' });
    await harness.settled();

    const [stgPull] = await pullsInto(harness.github, repos.manifestRepo, 'stg');
    assert.ok(stgPull);
    const trailers = parseTrailers(commitMessageOf(harness.github, repos.manifestRepo, stgPull.head.sha));
    assert.equal(trailers?.image, devImage);
    assert.equal(trailers?.sourceSha, deployed.sourceSha);
    const rendered = [...filesAt(harness, repos.manifestRepo, stgPull.head.sha).values()].join('\n');
    assert.match(rendered, new RegExp(`image: "?registry\\.example\\.com/shop/cart:${tag}@${digest}"?`), 'the manifests deploy the digest');
    assert.doesNotMatch(rendered, new RegExp(`shop/cart:${deployed.sourceSha}`), 'no image re-derived from the code commit');
  });

  it('a failed deployment, or a late success of an older deployment, promotes nothing', async () => {
    const repos = await harness.createService({ service: 'basket' });
    const deployed = await seedDeployedVersion(harness, repos, 'basket', 'registry.example.com/shop/basket:build-1');
    const before = branchesOf(harness.github, repos.manifestRepo);

    await reportDeployment(harness.github, repos.manifestRepo, { environment: 'dev', sha: deployed.sha, state: 'failure', description: 'Deployment/basket: rollout timed out' });
    await harness.settled();
    assert.equal((await pullsInto(harness.github, repos.manifestRepo, 'stg')).length, 0);

    // Deployment A, then B; a success of A arriving after B exists is stale.
    const agent = installationOctokit(harness.github, repos.manifestRepo);
    const params = repoParams(repos.manifestRepo);
    const create = async () =>
      (await agent.rest.repos.createDeployment({ ...params, ref: deployed.sha, environment: 'dev', auto_merge: false, required_contexts: [] })).data as { id: number };
    const older = await create();
    await create();
    await agent.rest.repos.createDeploymentStatus({ ...params, deployment_id: older.id, state: 'success' });
    await harness.settled();

    assert.equal((await pullsInto(harness.github, repos.manifestRepo, 'stg')).length, 0);
    assert.deepEqual(branchesOf(harness.github, repos.manifestRepo), before, 'no promotion branch written');
    assert.ok(harness.logs.some((line) => line.includes('a newer deployment')), 'the stale status is skipped with a reason');
  });
});
