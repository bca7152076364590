import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startAppHarness, type AppHarness } from '../support/app-harness.js';
import { faultService } from '../support/app-faults.js';
import { checkRunsOf, pullsOf } from '../support/app-promotion.js';

describe('App: a promotion whose PR opened but whose last steps failed for good is completed by the next delivery', () => {
  let h: AppHarness;
  before(async () => {
    h = await startAppHarness();
  });
  after(() => h.stop());

  it('the ladder/validate check run and the env label the first deliveries could not write', async () => {
    const s = await faultService(h, 'complete');
    const manifests = s.manifestRepo.split('/')[1];
    // Only the manifest repository's writes fail: the code commit's check run can still say what happened.
    const faults = [
      h.github.faults.add({ route: 'POST /repos/{owner}/{repo}/check-runs', status: 502, times: Infinity, match: (r) => r.params.repo === manifests }),
      h.github.faults.add({ route: 'POST /repos/{owner}/{repo}/issues/{issue_number}/labels', status: 502, times: Infinity, match: (r) => r.params.repo === manifests }),
    ];
    const merged = await h.mergePullRequest(s.codeRepo, { files: { 'a.txt': 'a\n' } });
    await h.settled();
    for (const fault of faults) fault.remove();
    const [pull] = await pullsOf(h, s.manifestRepo);
    assert.ok(pull, 'the PR was opened before the failures');
    assert.deepEqual(pull.labels, []);
    assert.deepEqual(await checkRunsOf(h, s.manifestRepo, pull.head.sha), []);
    const failed = (await checkRunsOf(h, s.codeRepo, merged.mergeSha)).filter((r) => r.name === 'ladder/promote (dev)').sort((a, b) => b.id - a.id)[0];
    assert.equal(failed?.conclusion, 'failure');

    const delivery = h.github.webhooks.deliveries.filter((d) => d.event === 'pull_request' && d.action === 'closed' && d.body.includes(merged.mergeSha)).at(-1)!;
    await h.github.redeliver(delivery.id);
    await h.settled();

    const [completed] = await pullsOf(h, s.manifestRepo);
    assert.equal(completed?.number, pull.number);
    assert.deepEqual(completed?.labels.map((l) => l.name), ['env:dev']);
    const validate = (await checkRunsOf(h, s.manifestRepo, pull.head.sha)).filter((r) => r.name === 'ladder/validate');
    assert.equal(validate.length, 1);
    assert.equal(validate[0]?.conclusion, 'success');
    const latest = (await checkRunsOf(h, s.codeRepo, merged.mergeSha)).filter((r) => r.name === 'ladder/promote (dev)').sort((a, b) => b.id - a.id)[0];
    assert.equal(latest?.conclusion, 'success', latest?.output.summary ?? undefined);

    // Once complete, another delivery changes nothing.
    await h.github.redeliver(delivery.id);
    await h.settled();
    assert.equal((await checkRunsOf(h, s.manifestRepo, pull.head.sha)).filter((r) => r.name === 'ladder/validate').length, 1);
  });
});
