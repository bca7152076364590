import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { formatTrailers, parseTrailers } from '../../src/core/promotion/trailers.js';
import { startAppHarness, type AppHarness } from '../support/app-harness.js';
import { ManualClock } from '../support/manual-clock.js';
import { branchSha, commitMessageOf, pullsInto, reportDeployment } from '../support/promotion-fixtures.js';

describe('promotion by deployment status when GitHub fails', () => {
  const clock = new ManualClock('2026-01-05T10:00:00Z');
  let harness: AppHarness;

  before(async () => {
    harness = await startAppHarness({ clock });
  });

  after(async () => {
    await harness.stop();
  });

  it('an outage past the retries is retried a minute later and opens the stg PR then', async () => {
    const repos = await harness.createService();
    const sourceSha = await branchSha(harness.github, repos.codeRepo, 'main');
    const image = `registry.example.com/shop/checkout:${sourceSha}`;
    const message = `Promote checkout to dev\n\n${formatTrailers({ service: 'checkout', environment: 'dev', sourceRepo: repos.codeRepo, sourceSha, image })}`;
    const devSha = await harness.github.seed.commitFiles(repos.manifestRepo, 'dev', { 'deployment.yaml': `image: ${image}\n` }, { message, silent: true });

    const outage = harness.github.faults.add({ route: 'GET /repos/{owner}/{repo}/commits', status: 502, times: Infinity });
    await reportDeployment(harness.github, repos.manifestRepo, { environment: 'dev', sha: devSha, state: 'success' });
    await harness.settled();
    assert.ok(outage.hits > 1, 'the listing failed, retries included');
    assert.equal((await pullsInto(harness.github, repos.manifestRepo, 'stg')).length, 0);
    assert.ok(harness.logs.some((line) => line.includes('Promotion after a deployment failed; retrying later')));

    outage.remove();
    clock.advance(60_000);
    await harness.settled();
    const [stg] = await pullsInto(harness.github, repos.manifestRepo, 'stg');
    assert.ok(stg, 'opened by the retry');
    assert.equal(parseTrailers(commitMessageOf(harness.github, repos.manifestRepo, stg.head.sha))?.image, image);
  });
});
