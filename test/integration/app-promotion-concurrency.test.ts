import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseTrailers } from '../../src/core/promotion/trailers.js';
import { startAppHarness, type AppHarness } from '../support/app-harness.js';
import { branchesOf, checkRunsOf, commitMessage, promotionConfig, pullsOf, split } from '../support/app-promotion.js';

describe('App: one promotion PR per (service, environment), whatever arrives', () => {
  let h: AppHarness;
  before(async () => {
    h = await startAppHarness();
  });
  after(() => h.stop());

  it('a redelivered webhook writes nothing new, and a replica that never saw it finds the work done', async () => {
    const { codeRepo, manifestRepo } = await h.createService({ service: 'redeliver', config: promotionConfig({ service: 'redeliver' }) });
    const merged = await h.mergePullRequest(codeRepo, { files: { 'a.txt': 'a\n' } });
    await h.settled();
    const before = branchesOf(h, manifestRepo);
    const deliveries = h.github.webhooks.deliveries.filter((d) => (d.event === 'pull_request' && d.action === 'closed') || d.event === 'push');
    const mark = h.github.requests.mark();
    for (const delivery of deliveries.slice(-2)) assert.equal((await h.github.redeliver(delivery.id)).status, 200);
    await h.settled();
    assert.deepEqual(branchesOf(h, manifestRepo), before);
    assert.equal((await pullsOf(h, manifestRepo, 'all')).length, 1);
    assert.deepEqual(h.github.requests.describe(mark).filter((r) => !r.startsWith('GET') && !r.includes('/access_tokens')), [], 'this process remembers the merge it promoted');

    // Another replica: its own queue and memory, the same GitHub.
    const replica = h.replica();
    const github = replica.github.fromClient(await h.appOctokit(manifestRepo));
    const outcome = await replica.promotions.promote(github, { codeRepo: split(codeRepo), sourceSha: merged.mergeSha, environment: 'dev', reason: 'merge' });
    assert.equal(outcome.kind, 'unchanged');
    assert.equal(outcome.pullRequest?.number, (await pullsOf(h, manifestRepo))[0]?.number);
    assert.deepEqual(branchesOf(h, manifestRepo), before);
  });

  it('a burst of ten merges ends with one open PR at the newest commit and no other branch', async () => {
    const { codeRepo, manifestRepo } = await h.createService({ service: 'burst', config: promotionConfig({ service: 'burst' }) });
    const merges = [];
    for (let i = 0; i < 10; i++) merges.push(await h.mergePullRequest(codeRepo, { files: { [`f${i}.txt`]: `${i}\n` }, title: `Change ${i}` }));
    await h.settled();
    const pulls = await pullsOf(h, manifestRepo, 'all');
    assert.equal(pulls.length, 1);
    assert.equal(pulls[0]?.state, 'open');
    const newest = merges.at(-1)!.mergeSha;
    assert.equal(parseTrailers(pulls[0]?.body ?? '')?.sourceSha, newest);
    const heads = branchesOf(h, manifestRepo);
    assert.deepEqual([...heads.keys()].sort(), ['dev', 'ladder/burst/dev', 'main', 'prd', 'stg']);
    assert.equal(pulls[0]?.head.sha, heads.get('ladder/burst/dev'));
    assert.equal(parseTrailers(commitMessage(h, manifestRepo, 'ladder/burst/dev'))?.sourceSha, newest);
    const check = (await checkRunsOf(h, codeRepo, newest)).find((r) => r.name === 'ladder/promote (dev)');
    assert.equal(check?.conclusion, 'success');
  });

  it('two replicas promoting at once: compare-and-swap keeps one PR, and the newer commit wins', async () => {
    const { codeRepo, manifestRepo } = await h.createService({ service: 'replicas', config: promotionConfig({ service: 'replicas' }) });
    const older = await h.mergePullRequest(codeRepo, { files: { 'a.txt': 'a\n' } });
    const newer = await h.mergePullRequest(codeRepo, { files: { 'b.txt': 'b\n' } });
    await h.settled();
    // The App promoted both through its queue; now two replicas race on the same branch with two more merges.
    const third = await h.mergePullRequest(codeRepo, { files: { 'c.txt': 'c\n' } });
    const fourth = await h.mergePullRequest(codeRepo, { files: { 'd.txt': 'd\n' } });
    const octokit = await h.appOctokit(manifestRepo);
    const replicas = [0, 1].map(() => h.replica());
    const promote = (replica: number, sha: string) =>
      replicas[replica]!.promotions.promote(replicas[replica]!.github.fromClient(octokit), { codeRepo: split(codeRepo), sourceSha: sha, environment: 'dev', reason: 'merge' });
    const outcomes = await Promise.all([promote(0, fourth.mergeSha), promote(1, third.mergeSha), promote(1, older.mergeSha)]);
    await h.settled();
    assert.ok(outcomes.every((o) => o.kind !== 'failed'), JSON.stringify(outcomes));
    const pulls = await pullsOf(h, manifestRepo, 'all');
    assert.equal(pulls.length, 1);
    assert.equal(parseTrailers(pulls[0]?.body ?? '')?.sourceSha, fourth.mergeSha);
    assert.equal(parseTrailers(commitMessage(h, manifestRepo, 'ladder/replicas/dev'))?.sourceSha, fourth.mergeSha);
    assert.equal(outcomes[2]?.kind, 'superseded', 'an older commit never replaces a newer one');
    assert.notEqual(newer.mergeSha, fourth.mergeSha);
  });

  it("answered and raised nothing outside GitHub's OpenAPI description", () => h.github.contract.assertClean());
});
