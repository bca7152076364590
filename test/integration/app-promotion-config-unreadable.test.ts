import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startAppHarness, type AppHarness } from '../support/app-harness.js';
import { checkRunsOf, promotionConfig, pullsOf } from '../support/app-promotion.js';

describe('App: a config file that cannot be read as text', () => {
  let h: AppHarness;
  before(async () => {
    h = await startAppHarness();
  });
  after(() => h.stop());

  it('fails the ladder/config check run on the merge commit instead of skipping the commit silently', async () => {
    const { codeRepo, manifestRepo } = await h.createService({ service: 'latin', config: promotionConfig({ service: 'latin' }) });
    // Saved by an editor in Latin-1: "café" is not valid UTF-8.
    const latin1 = Buffer.concat([Buffer.from(promotionConfig({ service: 'latin' }), 'utf8'), Buffer.from('# caf\xe9\n', 'latin1')]);
    // The harness's type says text; the test bed commits bytes as given.
    const merged = await h.mergePullRequest(codeRepo, { files: { '.github/ladder.yml': latin1 as unknown as string } });
    await h.settled();
    const runs = (await checkRunsOf(h, codeRepo, merged.mergeSha)).filter((r) => r.name === 'ladder/config');
    assert.equal(runs.length, 1);
    assert.equal(runs[0]?.conclusion, 'failure');
    assert.match(runs[0]?.output.summary ?? '', /\.github\/ladder\.yml:1:1 file is not valid UTF-8/);
    assert.equal((await pullsOf(h, manifestRepo, 'all')).length, 0);
  });
});
