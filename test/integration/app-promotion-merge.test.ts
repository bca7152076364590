import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseTrailers } from '../../src/core/promotion/trailers.js';
import { startAppHarness, type AppHarness } from '../support/app-harness.js';
import {
  annotationsOf,
  branchesOf,
  checkRunsOf,
  commitMessage,
  configMapsTemplate,
  fullyLabelledMapsTemplate,
  filesAt,
  mapsValue,
  mergePull,
  parentsOf,
  promotionConfig,
  pullsOf,
} from '../support/app-promotion.js';

describe('App: a merge becomes a promotion pull request', () => {
  let h: AppHarness;
  before(async () => {
    h = await startAppHarness();
  });
  after(() => h.stop());

  it('opens one PR on the environment branch: one commit, body, labels, reviewers, check runs', async () => {
    const config = promotionConfig({ devExtra: ['    reviewers: { users: [alice], teams: [shop/release-managers] }', '    labels: [team-checkout]'] });
    const { codeRepo, manifestRepo } = await h.createService({ config });
    h.github.setPermission(manifestRepo, 'alice', 'write');
    const first = await h.mergePullRequest(codeRepo, { files: { 'src/a.ts': 'a\n' }, title: 'Add a' });
    await h.settled();

    const pulls = await pullsOf(h, manifestRepo);
    assert.equal(pulls.length, 1);
    const pull = pulls[0]!;
    assert.equal(pull.head.ref, 'ladder/checkout/dev');
    assert.equal(pull.base.ref, 'dev');
    assert.deepEqual(pull.labels.map((l) => l.name).sort(), ['env:dev', 'team-checkout']);
    assert.deepEqual(pull.requested_reviewers?.map((u) => u.login), ['alice']);
    assert.deepEqual(pull.requested_teams?.map((t) => t.slug), ['release-managers']);
    const body = pull.body ?? '';
    assert.match(body, /Promote `checkout` to `dev`/);
    assert.match(body, new RegExp(`registry.example.com/shop/checkout:${first.mergeSha}`));
    assert.match(body, /\| added \| `Deployment\/checkout` \| \+\d+ −0 \|/);
    assert.match(body, /5 resources checked against Kubernetes 1\.[\d.]+: 0 errors, 0 warnings/);
    assert.match(body, /`\/ladder rollback dev`/);
    assert.deepEqual(parseTrailers(body), {
      service: 'checkout',
      environment: 'dev',
      sourceRepo: codeRepo,
      sourceSha: first.mergeSha,
      image: `registry.example.com/shop/checkout:${first.mergeSha}`,
    });

    // One commit on top of dev, carrying the trailers; the files at the root of the repo.
    const heads = branchesOf(h, manifestRepo);
    assert.equal(pull.head.sha, heads.get('ladder/checkout/dev'));
    assert.deepEqual(parentsOf(h, manifestRepo, pull.head.sha), [heads.get('dev')]);
    assert.deepEqual(parseTrailers(commitMessage(h, manifestRepo, pull.head.sha))?.sourceSha, first.mergeSha);
    const files = filesAt(h, manifestRepo, pull.head.sha);
    assert.deepEqual([...files.keys()].filter((p) => p.endsWith('.yaml')).sort(), [
      'configmap-checkout.yaml',
      'deployment-checkout.yaml',
      'horizontalpodautoscaler-checkout.yaml',
      'poddisruptionbudget-checkout.yaml',
      'service-checkout.yaml',
    ]);
    assert.match(files.get('deployment-checkout.yaml') ?? '', new RegExp(`image: registry.example.com/shop/checkout:${first.mergeSha}`));

    const validate = (await checkRunsOf(h, manifestRepo, pull.head.sha)).filter((r) => r.name === 'ladder/validate');
    assert.equal(validate.length, 1);
    assert.equal(validate[0]?.conclusion, 'success');
    const codeChecks = (await checkRunsOf(h, codeRepo, first.mergeSha)).filter((r) => r.name === 'ladder/promote (dev)');
    assert.equal(codeChecks.length, 1, 'the merge and its push promote once');
    assert.equal(codeChecks[0]?.conclusion, 'success');
    assert.match(codeChecks[0]?.output.title ?? '', /#1 opened/);

    // A second merge updates the same PR: new commit on top of the old one, superseded listed, commits since listed.
    const second = await h.mergePullRequest(codeRepo, { files: { 'src/b.ts': 'b\n' }, title: 'Add b' });
    await h.settled();
    const after = await pullsOf(h, manifestRepo);
    assert.equal(after.length, 1);
    assert.equal(after[0]?.number, pull.number);
    const head = branchesOf(h, manifestRepo).get('ladder/checkout/dev')!;
    assert.equal(after[0]?.head.sha, head);
    assert.deepEqual(parentsOf(h, manifestRepo, head), [heads.get('dev'), pull.head.sha]);
    const trailers = parseTrailers(after[0]?.body ?? '');
    assert.equal(trailers?.sourceSha, second.mergeSha);
    assert.deepEqual(trailers?.supersedes, [first.mergeSha]);
    assert.match(after[0]?.body ?? '', new RegExp(`replaces the promotion of \`${first.mergeSha.slice(0, 12)}\``));
    assert.match(after[0]?.body ?? '', /\| added \| `Deployment\/checkout` \|/, 'the summary is against dev, which has none yet');
    assert.equal((await checkRunsOf(h, codeRepo, second.mergeSha)).find((r) => r.name === 'ladder/promote (dev)')?.output.title, `Promotion pull request #${pull.number} updated`);
  });

  it('lists the code commits and PRs since the version on the environment, and the image old → new', async () => {
    const { codeRepo, manifestRepo } = await h.createService({ service: 'cart', config: promotionConfig({ service: 'cart' }) });
    const first = await h.mergePullRequest(codeRepo, { files: { 'a.txt': 'a\n' }, title: 'First change' });
    await h.settled();
    await mergePull(h, manifestRepo, (await pullsOf(h, manifestRepo))[0]!.number);
    await h.settled();
    const second = await h.mergePullRequest(codeRepo, { files: { 'b.txt': 'b\n' }, title: 'Second change' });
    await h.settled();
    const pull = (await pullsOf(h, manifestRepo))[0]!;
    const body = pull.body ?? '';
    assert.match(body, new RegExp(`\`registry.example.com/shop/cart:${first.mergeSha}\` → \`registry.example.com/shop/cart:${second.mergeSha}\``));
    // The code repository's PR, named with its repository: a bare #N would link to the manifest repository's.
    assert.match(body, new RegExp(`- ${second.mergeSha.slice(0, 7)} Merge pull request ${codeRepo}#${second.number} .*\\(${codeRepo}#${second.number}\\)`));
    assert.match(body, /Second change/);
    assert.doesNotMatch(body, /First change/, 'the commit already on dev is not listed');
    assert.match(body, /\| changed \| `Deployment\/cart` \|/);
  });

  it('deletes the files of resources that are no longer rendered, and leaves other files alone', async () => {
    const config = (maps: number) => promotionConfig({ service: 'gone', templates: 'deploy/templates', path: 'services/gone', values: mapsValue(maps) });
    const { codeRepo, manifestRepo } = await h.createService({ service: 'gone', config: config(3), templates: { 'maps.yaml.hbs': configMapsTemplate } });
    await h.github.seed.commitFiles(manifestRepo, 'dev', { 'services/gone/README.md': 'keep me\n', 'services/other.yaml': 'kind: x\n' }, { silent: true });
    await h.mergePullRequest(codeRepo, { files: { 'x.txt': '1\n' } });
    await h.settled();
    await mergePull(h, manifestRepo, (await pullsOf(h, manifestRepo))[0]!.number);
    await h.settled();
    assert.ok(filesAt(h, manifestRepo, 'dev').has('services/gone/configmap-map-002.yaml'));

    await h.mergePullRequest(codeRepo, { files: { '.github/ladder.yml': config(1) } });
    await h.settled();
    const pull = (await pullsOf(h, manifestRepo))[0]!;
    const files = filesAt(h, manifestRepo, pull.head.sha);
    assert.ok(files.has('services/gone/configmap-map-000.yaml'));
    assert.ok(!files.has('services/gone/configmap-map-001.yaml'));
    assert.ok(!files.has('services/gone/configmap-map-002.yaml'));
    assert.ok(files.has('services/gone/README.md'), 'files Ladder did not render are kept');
    assert.ok(files.has('services/other.yaml'), 'files outside manifests.path are kept');
    assert.match(pull.body ?? '', /\| \*\*removed\*\* \| `ConfigMap\/map-001` \| \+0 −\d+ \|/);
    assert.match(pull.body ?? '', /\| \*\*removed\*\* \| `ConfigMap\/map-002` \|/);
    // The warning (no version label) is annotated on the rendered file's line.
    const validate = (await checkRunsOf(h, manifestRepo, pull.head.sha)).find((r) => r.name === 'ladder/validate')!;
    assert.equal(validate.conclusion, 'success');
    const annotations = await annotationsOf(h, manifestRepo, validate.id);
    assert.ok(annotations.length >= 1);
    assert.equal(annotations[0]?.path, 'services/gone/configmap-map-000.yaml');
    assert.equal(annotations[0]?.annotation_level, 'warning');
    assert.ok((annotations[0]?.start_line ?? 0) >= 1);
  });

  it('opens nothing when the render equals the environment branch, and says so on the commit', async () => {
    const config = promotionConfig({ service: 'same', templates: 'deploy/templates', values: mapsValue(2) });
    const { codeRepo, manifestRepo } = await h.createService({ service: 'same', config, templates: { 'maps.yaml.hbs': configMapsTemplate } });
    await h.mergePullRequest(codeRepo, { files: { 'x.txt': '1\n' } });
    await h.settled();
    await mergePull(h, manifestRepo, (await pullsOf(h, manifestRepo))[0]!.number);
    await h.settled();
    const before = branchesOf(h, manifestRepo);

    const again = await h.mergePullRequest(codeRepo, { files: { 'x.txt': '2\n' } });
    await h.settled();
    assert.equal((await pullsOf(h, manifestRepo)).length, 0);
    assert.deepEqual(branchesOf(h, manifestRepo), before, 'no branch was written');
    const check = (await checkRunsOf(h, codeRepo, again.mergeSha)).find((r) => r.name === 'ladder/promote (dev)');
    assert.equal(check?.conclusion, 'success');
    assert.equal(check?.output.title, 'dev is already up to date');
  });

  it('makes as many GitHub requests for 60 rendered files as for 5', async (t) => {
    // A duplicate delivery repeats its event's (idempotent) reads; the comparison is per delivery.
    t.after(h.github.webhooks.withoutDuplicates('compares the requests of one delivery of each event'));
    const counts: string[][] = [];
    for (const [service, maps] of [['small', 5], ['large', 60]] as const) {
      const config = promotionConfig({ service, templates: 'deploy/templates', values: mapsValue(maps) });
      const { codeRepo, manifestRepo } = await h.createService({ service, config, templates: { 'maps.yaml.hbs': fullyLabelledMapsTemplate(service) } });
      await h.settled();
      const mark = h.github.requests.mark();
      await h.mergePullRequest(codeRepo, { files: { 'x.txt': '1\n' } });
      await h.settled();
      counts.push(h.github.requests.describe(mark).sort());
      assert.equal(filesAt(h, manifestRepo, 'ladder/' + service + '/dev').size, maps + 1, 'README plus one file per ConfigMap');
    }
    assert.deepEqual(counts[1], counts[0]);
    assert.ok(counts[0]!.filter((line) => line.startsWith('POST /repos/{owner}/{repo}/git/trees ')).length === 1);
    assert.ok(counts[0]!.filter((line) => line.startsWith('POST /repos/{owner}/{repo}/git/commits ')).length === 1);
    assert.equal(counts[0]!.filter((line) => line.includes('/git/blobs')).length, 1, 'only the one template blob is read');
  });

  it("answered and raised nothing outside GitHub's OpenAPI description", () => {
    h.github.contract.assertClean();
  });
});
