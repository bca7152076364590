import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatTrailers } from '../../src/core/promotion/trailers.js';
import { startAppHarness, type AppHarness } from '../support/app-harness.js';
import { commandHelpers } from '../support/command-comments.js';

const codeRepo = 'shop/checkout';
const manifestRepo = 'shop/checkout-manifests';

function version(n: number): string {
  const sha = String(n).repeat(40);
  return `Promote checkout to prd\n\n${formatTrailers({ service: 'checkout', environment: 'prd', sourceRepo: codeRepo, sourceSha: sha, image: `registry.example.com/shop/checkout:${sha}` })}`;
}

describe('App: comment commands when GitHub fails', () => {
  let harness: AppHarness;
  let helpers: ReturnType<typeof commandHelpers>;
  let pull: number;

  before(async () => {
    harness = await startAppHarness();
    helpers = commandHelpers(harness);
    await harness.createService();
    for (const n of [1, 2]) {
      await harness.github.seed.commitFiles(manifestRepo, 'prd', { 'configmap-checkout.yaml': `kind: ConfigMap # ${n}\n` }, { message: version(n), silent: true });
    }
    pull = await helpers.openPull(codeRepo);
  });

  after(() => harness.stop());

  it('a rate-limited call is retried and the command succeeds', async () => {
    harness.github.faults.add({ route: 'POST /repos/{owner}/{repo}/labels', secondaryRateLimit: { retryAfterSeconds: 1 } });
    await helpers.comment(codeRepo, pull, 'dev', '/ladder lock stg retried');
    assert.match((await helpers.replies(codeRepo, pull)).at(-1) ?? '', /Locked `stg`/);
    await helpers.comment(codeRepo, pull, 'dev', '/ladder unlock stg');
  });

  it('a command GitHub keeps failing says so; the next line still runs', async () => {
    const fault = harness.github.faults.add({ route: 'POST /repos/{owner}/{repo}/labels', status: 500, times: Infinity });
    await helpers.comment(codeRepo, pull, 'dev', '/ladder lock prd will fail\n/ladder unlock prd');
    fault.remove();
    const reply = (await helpers.replies(codeRepo, pull)).at(-1) ?? '';
    assert.match(reply, /`\/ladder lock prd will fail` failed: GitHub answered 500 to POST \/repos\/shop\/checkout-manifests\/labels.*safe to repeat/);
    assert.match(reply, /`prd` was not locked; nothing to do/);
    assert.deepEqual(await helpers.labels(manifestRepo), []);
  });

  it('a permission check that fails runs nothing', async () => {
    const fault = harness.github.faults.add({ route: 'GET /repos/{owner}/{repo}/collaborators/{username}/permission', status: 502, times: Infinity });
    await helpers.comment(codeRepo, pull, 'dev', '/ladder lock prd unchecked');
    fault.remove();
    assert.match((await helpers.replies(codeRepo, pull)).at(-1) ?? '', /`\/ladder lock prd unchecked` failed: GitHub answered 502/);
    assert.deepEqual(await helpers.labels(manifestRepo), []);
  });

  it('a rollback whose pull request cannot be opened leaves no branch behind, and works once GitHub is back', async () => {
    const fault = harness.github.faults.add({ route: 'POST /repos/{owner}/{repo}/pulls', status: 500, times: Infinity });
    await helpers.comment(codeRepo, pull, 'dev', '/ladder rollback prd');
    fault.remove();
    assert.match((await helpers.replies(codeRepo, pull)).at(-1) ?? '', /`\/ladder rollback prd` failed: GitHub answered 500/);
    assert.ok(!(await helpers.branches(manifestRepo)).includes('ladder/checkout/prd-rollback'), 'no orphan branch');

    await helpers.comment(codeRepo, pull, 'dev', '/ladder rollback prd');
    assert.match((await helpers.replies(codeRepo, pull)).at(-1) ?? '', /Opened \S+ to roll `prd` back to `shop\/checkout@1111111`/);
    assert.equal((await helpers.openPulls(manifestRepo)).filter((p) => p.head === 'ladder/checkout/prd-rollback').length, 1);
  });
});
