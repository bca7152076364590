import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startAppHarness, type AppHarness } from '../support/app-harness.js';
import { assertConsistent, confinedFault, faultService } from '../support/app-faults.js';

// `npm start` runs `probot run`, which builds clients from Probot's own Octokit class: its throttle
// options only log a secondary rate limit. The App's own hook must retry it there too.
describe("App with Probot's default Octokit (as `probot run` builds it)", () => {
  let h: AppHarness;
  before(async () => {
    h = await startAppHarness({ probotDefaultOctokit: true });
  });
  after(() => h.stop());

  it('rides out a secondary rate limit on writing the tree', async () => {
    const s = await faultService(h, 'defaults');
    const fault = confinedFault(h, s, 'POST /repos/{owner}/{repo}/git/trees', { secondaryRateLimit: { retryAfterSeconds: 1 } });
    const merged = await h.mergePullRequest(s.codeRepo, { files: { 'a.txt': 'a\n' } });
    await h.settled();
    assert.equal(fault.hits, 1);
    await assertConsistent(h, s, merged.mergeSha, "Probot's default client");
  });
});
