import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startAppHarness, type AppHarness } from '../support/app-harness.js';
import { ManualClock } from '../support/manual-clock.js';
import { branchSha, pullsInto, reportDeployment, statusesOn } from '../support/promotion-fixtures.js';

const config = [
  'service: checkout',
  'image: registry.example.com/shop/checkout',
  'manifests: { repo: shop/checkout-manifests }',
  'environments:',
  '  - { name: dev, from: { branch: main }, namespace: checkout-dev, autoMerge: true }',
  '  - { name: stg, from: { environment: dev }, namespace: checkout-stg, soak: 30m }',
  '',
].join('\n');

const minute = 60_000;

describe('ladder/soak gate', () => {
  // The test bed stamps deployment statuses with the real time; the App's clock starts there and is moved by hand.
  const clock = new ManualClock(new Date());
  let harness: AppHarness;

  before(async () => {
    harness = await startAppHarness({ clock });
  });

  after(async () => {
    await harness.stop();
  });

  it('pending while dev soaks, success once the soak time has passed, failure when dev fails', async () => {
    const repos = await harness.createService({ config });
    await harness.mergePullRequest(repos.codeRepo, { files: { 'src/app.ts': 'export const soak = 1;\n' } });
    await harness.settled();
    const devHead = await branchSha(harness.github, repos.manifestRepo, 'dev');
    await reportDeployment(harness.github, repos.manifestRepo, { environment: 'dev', sha: devHead, state: 'success' });
    await harness.settled();

    const [stg] = await pullsInto(harness.github, repos.manifestRepo, 'stg');
    assert.ok(stg, 'the stg promotion PR is open');
    const soak = async () => (await statusesOn(harness.github, repos.manifestRepo, stg.head.sha))['ladder/soak'];
    assert.match((await soak()) ?? '', /^pending: Soaking until \S+Z: dev healthy since \S+Z, soak 30m$/);
    assert.equal(clock.pendingTimers().length, 1, 'one recheck scheduled, at the end of the soak');

    clock.advance(10 * minute);
    await harness.settled();
    assert.match((await soak()) ?? '', /^pending: Soaking until/, 'still soaking after 10 minutes');

    clock.advance(21 * minute);
    await harness.settled();
    assert.match((await soak()) ?? '', /^success: dev healthy since \S+Z \(soak 30m\)$/);
    assert.equal(clock.pendingTimers().length, 0, 'nothing left to recheck');
    assert.equal((await pullsInto(harness.github, repos.manifestRepo, 'stg')).length, 1, 'stg is not auto-merged: it merges by review');

    // An unrelated deployment re-evaluates the PR: nothing changed, so no status is written.
    const mark = harness.github.requests.mark();
    await reportDeployment(harness.github, repos.manifestRepo, { environment: 'qa', sha: devHead, state: 'success' });
    await harness.settled();
    assert.ok(harness.logs.some((line) => line.includes('"written":[]')), 'evaluated again');
    assert.equal(harness.github.requests.count((r) => r.method === 'POST' && r.route === '/repos/{owner}/{repo}/statuses/{sha}', mark), 0);

    // The agent redeploys dev and it fails: the stg gate turns red.
    await reportDeployment(harness.github, repos.manifestRepo, { environment: 'dev', sha: devHead, state: 'failure', description: 'Deployment/checkout: 0/2 ready' });
    await harness.settled();
    assert.equal(await soak(), "failure: dev's latest deployment failed: Deployment/checkout: 0/2 ready");
    harness.github.contract.assertClean();
  });
});
