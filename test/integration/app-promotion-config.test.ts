import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { grantingServicesFile, startAppHarness, type AppHarness } from '../support/app-harness.js';
import { annotationsOf, branchesOf, checkRunsOf, promotionConfig, pullsOf } from '../support/app-promotion.js';

describe('App: configuration, template and validation errors', () => {
  let h: AppHarness;
  before(async () => {
    h = await startAppHarness();
  });
  after(() => h.stop());

  it('fails a ladder/config check run on the merge commit, annotated at the line and column', async () => {
    const { codeRepo, manifestRepo } = await h.createService({ service: 'badconf', config: promotionConfig({ service: 'badconf' }) });
    const broken = promotionConfig({ service: 'badconf' }).replace('    namespace: badconf-dev', '    namespace: badconf-dev\n    autoMerg: true');
    const merged = await h.mergePullRequest(codeRepo, { files: { '.github/ladder.yml': broken } });
    await h.settled();
    const runs = (await checkRunsOf(h, codeRepo, merged.mergeSha)).filter((r) => r.name === 'ladder/config');
    assert.equal(runs.length, 1, 'reported once although the merge raised two events');
    const run = runs[0]!;
    assert.equal(run.conclusion, 'failure');
    assert.match(run.output.summary ?? '', /\.github\/ladder\.yml:9:5 environments\[0\]\.autoMerg/);
    const annotations = await annotationsOf(h, codeRepo, run.id);
    assert.equal(annotations.length, 1);
    assert.equal(annotations[0]?.path, '.github/ladder.yml');
    assert.equal(annotations[0]?.start_line, 9);
    assert.equal(annotations[0]?.start_column, 5);
    assert.match(annotations[0]?.message ?? '', /autoMerge/, 'suggests the key meant');
    assert.equal((await pullsOf(h, manifestRepo, 'all')).length, 0);
  });

  it('uses the organisation-wide default from <owner>/.github when the repo has none, and names that file in errors', async () => {
    await h.github.createRepo('acme/web');
    await h.github.createRepo('acme/web-manifests');
    await h.github.createRepo('acme/.github');
    await h.github.seed.setBranch('acme/web-manifests', 'dev', 'main');
    h.github.setPermission('acme/web', 'dev', 'write');
    await h.github.seed.commitFiles('acme/.github', 'main', { '.github/ladder.yml': promotionConfig({ service: 'web', manifestRepo: 'acme/web-manifests' }) }, { silent: true });
    const grant = grantingServicesFile(['acme/web', promotionConfig({ service: 'web', manifestRepo: 'acme/web-manifests' })]);
    await h.github.seed.commitFiles('acme/web-manifests', 'main', { '.ladder/services.yml': grant }, { silent: true });
    const merged = await h.mergePullRequest('acme/web', { files: { 'a.txt': 'a\n' } });
    await h.settled();
    assert.equal((await pullsOf(h, 'acme/web-manifests')).length, 1);

    await h.github.seed.commitFiles('acme/.github', 'main', { '.github/ladder.yml': 'service: Web\n' }, { silent: true });
    const second = await h.mergePullRequest('acme/web', { files: { 'b.txt': 'b\n' } });
    await h.settled();
    const run = (await checkRunsOf(h, 'acme/web', second.mergeSha)).find((r) => r.name === 'ladder/config');
    assert.equal(run?.conclusion, 'failure');
    assert.match(run?.output.summary ?? '', /acme\/\.github: \.github\/ladder\.yml:1:10 service: must be a DNS-1123 label/);
    assert.equal((await annotationsOf(h, 'acme/web', run!.id)).length, 0, 'no annotation on a file that is not in this repository');
    assert.notEqual(merged.mergeSha, second.mergeSha);
  });

  it('fails the commit\'s check with the template file and line when a template is wrong, and opens nothing', async () => {
    const config = promotionConfig({ service: 'tmpl', templates: 'deploy/templates' });
    const template = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{str service}}\n  labels: {{toYaml labels}}\ndata:\n  X: {{str values.missing}}\n';
    const { codeRepo, manifestRepo } = await h.createService({ service: 'tmpl', config, templates: { 'settings.yaml.hbs': template } });
    const merged = await h.mergePullRequest(codeRepo, { files: { 'x.txt': 'x\n' } });
    await h.settled();
    const run = (await checkRunsOf(h, codeRepo, merged.mergeSha)).find((r) => r.name === 'ladder/promote (dev)');
    assert.equal(run?.conclusion, 'failure');
    assert.match(run?.output.summary ?? '', /deploy\/templates\/settings\.yaml\.hbs:7:\d+ \(values\.missing\)/);
    const annotations = await annotationsOf(h, codeRepo, run!.id);
    assert.equal(annotations[0]?.path, 'deploy/templates/settings.yaml.hbs');
    assert.equal(annotations[0]?.start_line, 7);
    assert.equal((await pullsOf(h, manifestRepo, 'all')).length, 0);
    assert.deepEqual([...branchesOf(h, manifestRepo).keys()].sort(), ['dev', 'main', 'prd', 'stg']);
  });

  it('opens no PR for manifests that fail validation; the commit\'s check lists the findings with locations', async () => {
    const config = promotionConfig({ service: 'invalid', templates: 'deploy/templates', path: 'apps/invalid' });
    const template = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{str service}}\n  labels: {{toYaml labels}}\nbogus: 1\n';
    const { codeRepo, manifestRepo } = await h.createService({ service: 'invalid', config, templates: { 'settings.yaml.hbs': template } });
    const merged = await h.mergePullRequest(codeRepo, { files: { 'x.txt': 'x\n' } });
    await h.settled();
    const run = (await checkRunsOf(h, codeRepo, merged.mergeSha)).find((r) => r.name === 'ladder/promote (dev)');
    assert.equal(run?.conclusion, 'failure');
    assert.match(run?.output.title ?? '', /Validation failed for dev: 1 error/);
    // The template line first (issue 14: bogus: is line 6 of the template), the rendered file's second.
    assert.match(run?.output.text ?? '', /`deploy\/templates\/settings\.yaml\.hbs:6:\d+` \(rendered `apps\/invalid\/configmap-invalid\.yaml:\d+:\d+`\) \*\*error\*\* schema \(ConfigMap\/invalid\): .*bogus/);
    assert.equal((await pullsOf(h, manifestRepo, 'all')).length, 0);
    assert.ok(!branchesOf(h, manifestRepo).has('ladder/invalid/dev'));
  });

  it('answers 401 to a webhook with a bad signature and does nothing', async () => {
    const { codeRepo } = await h.createService({ service: 'forged', config: promotionConfig({ service: 'forged' }) });
    await h.settled();
    const payload = await h.github.payloads.push(codeRepo, { ref: 'refs/heads/main', before: null, after: branchesOf(h, codeRepo).get('main')! });
    const mark = h.github.requests.mark();
    const response = await fetch(h.appUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'push',
        'x-github-delivery': 'forged-delivery',
        'x-hub-signature-256': `sha256=${'ab'.repeat(32)}`,
      },
      body: JSON.stringify(payload),
    });
    assert.equal(response.status, 401);
    await h.settled();
    assert.deepEqual(h.github.requests.describe(mark), [], 'the App made no request');
  });

  it("answered and raised nothing outside GitHub's OpenAPI description", () => h.github.contract.assertClean());
});
