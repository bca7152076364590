import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startAppHarness, type AppHarness } from '../support/app-harness.js';
import { assertConsistent, confinedFault, failures, faultService, firstPromotionRoutes, type Failure } from '../support/app-faults.js';

describe('App: a 5xx or a secondary rate limit at any step of a first promotion is ridden out', { concurrency: 3 }, () => {
  let h: AppHarness;
  before(async () => {
    h = await startAppHarness();
  });
  after(() => h.stop());

  for (const route of firstPromotionRoutes) {
    for (const failure of ['a 502', 'a secondary rate limit'] as Failure[]) {
      it(`opens the PR when ${route} answers ${failure} once`, async () => {
        const s = await faultService(h, 'fault');
        const fault = confinedFault(h, s, route, failures[failure]);
        const merged = await h.mergePullRequest(s.codeRepo, { files: { 'a.txt': 'a\n' } });
        await h.settled();
        fault.remove();
        assert.equal(fault.hits, 1, 'the fault was met');
        await assertConsistent(h, s, merged.mergeSha, `${route} ${failure}`);
      });
    }
  }
});
