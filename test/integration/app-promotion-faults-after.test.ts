import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startAppHarness, type AppHarness } from '../support/app-harness.js';
import { assertConsistent, confinedFault, failures, faultService, firstPromotionRoutes, updateRoutes, type Failure } from '../support/app-faults.js';
import { branchesOf, checkRunsOf, pullsOf } from '../support/app-promotion.js';

describe('App: failures after GitHub made the change, on updates, and for good', { concurrency: 3 }, () => {
  let h: AppHarness;
  const services: string[] = [];
  before(async () => {
    h = await startAppHarness();
  });
  after(() => h.stop());

  for (const route of firstPromotionRoutes.filter((r) => !r.startsWith('GET'))) {
    it(`opens the PR when ${route} made its change but answered 502`, async () => {
      const s = await faultService(h, 'after');
      services.push(s.manifestRepo);
      const fault = confinedFault(h, s, route, failures['a 502 after the change was made']);
      const merged = await h.mergePullRequest(s.codeRepo, { files: { 'a.txt': 'a\n' } });
      await h.settled();
      fault.remove();
      assert.equal(fault.hits, 1, 'the fault was met');
      await assertConsistent(h, s, merged.mergeSha, `${route} after the change`);
    });
  }

  for (const route of updateRoutes) {
    for (const failure of Object.keys(failures) as Failure[]) {
      if (failure === 'a 502 after the change was made' && route.startsWith('GET')) continue;
      it(`updates the PR when ${route} answers ${failure} once`, async () => {
        const s = await faultService(h, 'update');
        services.push(s.manifestRepo);
        await h.mergePullRequest(s.codeRepo, { files: { 'a.txt': 'a\n' } });
        await h.settled();
        const fault = confinedFault(h, s, route, failures[failure]);
        const merged = await h.mergePullRequest(s.codeRepo, { files: { 'b.txt': 'b\n' } });
        await h.settled();
        fault.remove();
        assert.equal(fault.hits, 1, 'the fault was met');
        await assertConsistent(h, s, merged.mergeSha, `${route} ${failure}`);
      });
    }
  }

  it('deletes the branch it wrote when the PR cannot be opened, fails the check saying so, and the next delivery completes', async () => {
    const s = await faultService(h, 'refused');
    services.push(s.manifestRepo);
    const fault = confinedFault(h, s, 'POST /repos/{owner}/{repo}/pulls', { status: 502 }, Infinity);
    const merged = await h.mergePullRequest(s.codeRepo, { files: { 'a.txt': 'a\n' } });
    await h.settled();
    fault.remove();
    assert.equal((await pullsOf(h, s.manifestRepo, 'all')).length, 0);
    assert.deepEqual([...branchesOf(h, s.manifestRepo).keys()].sort(), ['dev', 'main', 'prd', 'stg'], 'the written branch was deleted again');
    const failed = (await checkRunsOf(h, s.codeRepo, merged.mergeSha)).find((r) => r.name === 'ladder/promote (dev)');
    assert.equal(failed?.conclusion, 'failure');
    assert.match(failed?.output.summary ?? '', /refused the pull request: GitHub answered 502.*was deleted again/s);

    const delivery = h.github.webhooks.deliveries.filter((d) => d.event === 'pull_request' && d.action === 'closed' && d.body.includes(merged.mergeSha)).at(-1)!;
    await h.github.redeliver(delivery.id);
    await h.settled();
    await assertConsistent(h, s, merged.mergeSha, 'after redelivery', true);
  });

  it('a branch left without a PR (its deletion failed too) gets its PR from the next delivery', async () => {
    const s = await faultService(h, 'orphan');
    services.push(s.manifestRepo);
    const faults = [
      confinedFault(h, s, 'POST /repos/{owner}/{repo}/pulls', { status: 500 }, Infinity),
      confinedFault(h, s, 'DELETE /repos/{owner}/{repo}/git/refs/{ref}', { status: 500 }, Infinity),
    ];
    const merged = await h.mergePullRequest(s.codeRepo, { files: { 'a.txt': 'a\n' } });
    await h.settled();
    for (const fault of faults) fault.remove();
    assert.ok(branchesOf(h, s.manifestRepo).has(`ladder/${s.name}/dev`));
    assert.equal((await pullsOf(h, s.manifestRepo, 'all')).length, 0);

    const delivery = h.github.webhooks.deliveries.find((d) => {
      const payload = JSON.parse(d.body) as { after?: string; repository?: { full_name?: string } };
      return d.event === 'push' && payload.after === merged.mergeSha && payload.repository?.full_name === s.codeRepo;
    })!;
    await h.github.redeliver(delivery.id);
    await h.settled();
    await assertConsistent(h, s, merged.mergeSha, 'after redelivery', true);
  });

  it("never writes the App's key, tokens or webhook secret into logs or PR bodies", { concurrency: false }, async () => {
    await h.settled();
    const bodies: string[] = [];
    for (const repo of services) for (const pull of await pullsOf(h, repo, 'all')) bodies.push(pull.body ?? '');
    const text = [...h.logs, ...bodies].join('\n');
    assert.ok(h.logs.length > 0 && bodies.length > 0);
    assert.doesNotMatch(text, /ghs_[0-9a-f]{8}/, 'no installation token');
    assert.doesNotMatch(text, /BEGIN (RSA )?PRIVATE KEY/);
    assert.ok(!text.includes(h.github.app.webhookSecret));
    assert.doesNotMatch(text, /authorization/i);
  });
});
