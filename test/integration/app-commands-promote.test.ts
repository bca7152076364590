import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { installationOctokit, userOctokit } from '../bed/github/index.js';
import { parseTrailers } from '../../src/core/promotion/trailers.js';
import { startAppHarness, type AppHarness } from '../support/app-harness.js';
import { commandHelpers } from '../support/command-comments.js';

describe('App: /ladder promote', () => {
  let harness: AppHarness;
  let helpers: ReturnType<typeof commandHelpers>;
  const codeRepo = 'shop/checkout';
  const manifestRepo = 'shop/checkout-manifests';
  let pull: number;

  before(async () => {
    harness = await startAppHarness();
    helpers = commandHelpers(harness);
    await harness.createService();
    pull = await helpers.openPull(codeRepo);
  });

  after(() => harness.stop());

  const promotionPulls = async (environment: string) => {
    const { data } = await userOctokit(harness.github, 'dev').rest.pulls.list({ owner: 'shop', repo: 'checkout-manifests', state: 'all', head: `shop:ladder/checkout/${environment}` });
    return data;
  };

  it('a branch-fed environment: promotes the head of its code branch', async () => {
    const main = (await userOctokit(harness.github, 'dev').rest.repos.getBranch({ owner: 'shop', repo: 'checkout', branch: 'main' })).data.commit.sha;
    await helpers.comment(codeRepo, pull, 'dev', '/ladder promote dev');
    const [pr] = await promotionPulls('dev');
    assert.ok(pr, 'a promotion pull request for dev');
    assert.equal(pr.base.ref, 'dev');
    const trailers = parseTrailers(pr.body ?? '');
    assert.equal(trailers?.sourceSha, main);
    const [reply] = await helpers.replies(codeRepo, pull);
    assert.match(reply ?? '', new RegExp(`Opened \\S+/pull/${pr.number} promoting \`shop/checkout@${main.slice(0, 7)}\` \\(the head of \`main\`\\) to \`dev\``));
    harness.github.contract.assertClean();
  });

  it('again: nothing new to promote, and it says so', async () => {
    await helpers.comment(codeRepo, pull, 'dev', '/ladder promote dev');
    assert.equal((await promotionPulls('dev')).length, 1, 'still one promotion pull request');
    assert.match((await helpers.replies(codeRepo, pull)).at(-1) ?? '', /`dev` needs no promotion|Updated/);
  });

  it('a promotion-fed environment: promotes what the upstream has, with the same image', async () => {
    const [devPull] = await promotionPulls('dev');
    if (devPull && devPull.state === 'open') {
      await userOctokit(harness.github, 'dev').rest.pulls.merge({ owner: 'shop', repo: 'checkout-manifests', pull_number: devPull.number });
      await harness.settled();
    }
    const devVersion = parseTrailers(devPull?.body ?? '');
    await helpers.comment(codeRepo, pull, 'dev', '/ladder promote stg');
    const [stgPull] = await promotionPulls('stg');
    assert.ok(stgPull, `a promotion pull request for stg; replies: ${(await helpers.replies(codeRepo, pull)).at(-1)}`);
    const stgVersion = parseTrailers(stgPull.body ?? '');
    assert.equal(stgVersion?.sourceSha, devVersion?.sourceSha);
    assert.equal(stgVersion?.image, devVersion?.image, 'the same image');
    assert.match((await helpers.replies(codeRepo, pull)).at(-1) ?? '', /Opened \S+ promoting `shop\/checkout@\w{7}` \(what `dev`'s branch has; no deployment of it is recorded yet\) to `stg`\./);
  });

  it('with a deployment recorded, the upstream version is the one deployed successfully', async () => {
    // The agent reports deployments as the App (its token comes from the App): only those count.
    const client = installationOctokit(harness.github, 'shop/checkout-manifests');
    const devHead = (await client.rest.repos.getBranch({ owner: 'shop', repo: 'checkout-manifests', branch: 'dev' })).data.commit.sha;
    const { data } = await client.rest.repos.createDeployment({ owner: 'shop', repo: 'checkout-manifests', ref: devHead, environment: 'dev', auto_merge: false, required_contexts: [] });
    await client.rest.repos.createDeploymentStatus({ owner: 'shop', repo: 'checkout-manifests', deployment_id: (data as { id: number }).id, state: 'success' });
    await harness.settled();
    await helpers.comment(codeRepo, pull, 'dev', '/ladder promote stg');
    assert.match((await helpers.replies(codeRepo, pull)).at(-1) ?? '', new RegExp(`\\(what \`dev\` runs, deployed from ${devHead.slice(0, 7)}\\)`));
    assert.equal((await promotionPulls('stg')).filter((p) => p.state === 'open').length, 1, 'still one open promotion pull request for stg');
  });

  it('an environment with nothing upstream yet says so', async () => {
    await helpers.comment(codeRepo, pull, 'dev', '/ladder promote prd');
    assert.match((await helpers.replies(codeRepo, pull)).at(-1) ?? '', /Cannot promote `prd`: `stg` has no checkout version yet to promote/);
    assert.equal((await promotionPulls('prd')).length, 0);
  });
});
