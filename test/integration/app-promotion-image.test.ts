import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseTrailers } from '../../src/core/promotion/trailers.js';
import { startAppHarness, type AppHarness } from '../support/app-harness.js';
import { annotationsOf, branchesOf, checkRunsOf, configMapsTemplate, filesAt, mapsValue, mergePull, promotionConfig, pullsOf, split } from '../support/app-promotion.js';

describe('App: promote() for other callers, and PRs that stop being needed', () => {
  let h: AppHarness;
  before(async () => {
    h = await startAppHarness();
  });
  after(() => h.stop());

  it('renders the image it is given (tag and digest) instead of one derived from the commit', async () => {
    const config = `${promotionConfig({ service: 'image' })}  - name: stg\n    from: { environment: dev }\n    namespace: image-stg\n`;
    const { codeRepo, manifestRepo } = await h.createService({ service: 'image', config });
    const merged = await h.mergePullRequest(codeRepo, { files: { 'a.txt': 'a\n' } });
    await h.settled();
    const digest = `sha256:${'4'.repeat(64)}`;
    const github = h.services.github.fromClient(await h.appOctokit(manifestRepo));
    const outcome = await h.services.promotions.promote(github, { codeRepo: split(codeRepo), sourceSha: merged.mergeSha, environment: 'stg', image: { tag: merged.mergeSha, digest }, reason: 'deployment' });
    assert.equal(outcome.kind, 'opened');
    const image = `registry.example.com/shop/image:${merged.mergeSha}@${digest}`;
    assert.match(filesAt(h, manifestRepo, 'ladder/image/stg').get('deployment-image.yaml') ?? '', new RegExp(`image: ${image.replace(/[.]/g, '\\.')}`));
    const pull = (await pullsOf(h, manifestRepo)).find((p) => p.base.ref === 'stg');
    assert.equal(pull?.number, outcome.pullRequest?.number);
    assert.equal(parseTrailers(pull?.body ?? '')?.image, image);
    assert.match(pull?.body ?? '', /healthy deployment of this image/);
  });

  it('closes the open PR and deletes its branch when a later merge renders what the environment already has', async () => {
    const config = (maps: number) => promotionConfig({ service: 'stale', templates: 'deploy/templates', values: mapsValue(maps) });
    const { codeRepo, manifestRepo } = await h.createService({ service: 'stale', config: config(2), templates: { 'maps.yaml.hbs': configMapsTemplate } });
    await h.mergePullRequest(codeRepo, { files: { 'x.txt': '1\n' } });
    await h.settled();
    await mergePull(h, manifestRepo, (await pullsOf(h, manifestRepo))[0]!.number);
    await h.settled();

    await h.mergePullRequest(codeRepo, { files: { '.github/ladder.yml': config(1) } });
    await h.settled();
    const open = await pullsOf(h, manifestRepo);
    assert.equal(open.length, 1, 'a PR removing one ConfigMap');
    await h.mergePullRequest(codeRepo, { files: { '.github/ladder.yml': config(2) } });
    await h.settled();
    assert.equal((await pullsOf(h, manifestRepo)).length, 0);
    const closed = (await pullsOf(h, manifestRepo, 'all')).find((p) => p.number === open[0]!.number);
    assert.equal(closed?.state, 'closed');
    assert.equal(closed?.merged_at, null);
    assert.ok(!branchesOf(h, manifestRepo).has('ladder/stale/dev'));
  });

  it('puts more than 50 annotations on ladder/validate, 50 per request', async () => {
    const config = promotionConfig({ service: 'noisy', templates: 'deploy/templates', values: mapsValue(60) });
    const { codeRepo, manifestRepo } = await h.createService({ service: 'noisy', config, templates: { 'maps.yaml.hbs': configMapsTemplate } });
    const mark = h.github.requests.mark();
    await h.mergePullRequest(codeRepo, { files: { 'x.txt': '1\n' } });
    await h.settled();
    const pull = (await pullsOf(h, manifestRepo))[0]!;
    const run = (await checkRunsOf(h, manifestRepo, pull.head.sha)).find((r) => r.name === 'ladder/validate')!;
    assert.equal(run.conclusion, 'success', 'warnings do not fail the check');
    const annotations = await annotationsOf(h, manifestRepo, run.id);
    assert.equal(annotations.length, 60);
    assert.deepEqual(new Set(annotations.map((a) => a.path)).size, 60, 'one per rendered file');
    assert.equal(h.github.requests.count('PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', mark), 1);
  });

  it("answered and raised nothing outside GitHub's OpenAPI description", () => h.github.contract.assertClean());
});
