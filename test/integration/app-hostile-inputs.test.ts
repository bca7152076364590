import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { checkRunsOf } from '../support/app-promotion.js';
import { defaultServiceConfig, startAppHarness, type AppHarness } from '../support/app-harness.js';
import { pullsInto } from '../support/promotion-fixtures.js';

/**
 * Issue #11, items 5 and 6, through the App: each hostile input a code
 * repository can merge is a failing check run on its commit that says where,
 * within 5 s of the merge, with the whole test process (App and GitHub bed
 * together) under 512 MiB; nothing is promoted. cli-budgets.test.ts does the
 * same through `ladder`, and app-render-isolation.test.ts for a render that
 * runs away.
 */
describe('App: hostile inputs from a code repository get a located refusal in bounded time and memory', { concurrency: false }, () => {
  let harness: AppHarness;
  before(async () => {
    harness = await startAppHarness();
  });
  after(() => harness.stop());

  async function refusal(service: string, files: Record<string, string>, options: { templates?: Record<string, string> } = {}) {
    const config = defaultServiceConfig(service, `shop/${service}-manifests`, options.templates ? 'deploy/templates' : undefined);
    const { codeRepo, manifestRepo } = await harness.createService({ service, config, ...(options.templates ? { templates: options.templates } : {}) });
    const merged = await harness.mergePullRequest(codeRepo, { files });
    // From the merge GitHub made (the bed's git work is not the App's) to the App done with it.
    const started = performance.now();
    await harness.settled();
    const seconds = (performance.now() - started) / 1000;
    const runs = (await checkRunsOf(harness, codeRepo, merged.mergeSha)).filter((run) => run.conclusion === 'failure');
    assert.ok(seconds < 5, `refused after ${seconds.toFixed(1)} s`);
    const peakMiB = process.resourceUsage().maxRSS / 1024;
    assert.ok(peakMiB < 512, `the test's process, App and bed included, peaked at ${peakMiB.toFixed(0)} MiB`);
    assert.deepEqual(await pullsInto(harness.github, manifestRepo, 'dev', 'all'), [], 'nothing was promoted');
    return runs.map((run) => `${run.name}: ${run.output.title ?? ''}\n${run.output.summary ?? ''}`).join('\n');
  }

  it('a config value with a self-referencing alias', async () => {
    const config = `${defaultServiceConfig('alias', 'shop/alias-manifests')}values:\n  default:\n    x: &x [1, *x]\n`;
    assert.match(await refusal('alias', { '.github/ladder.yml': config }), /\.github\/ladder\.yml:\d+:\d+ .*alias/i);
  });

  it('a value tagged !!set', async () => {
    const config = `${defaultServiceConfig('tagged', 'shop/tagged-manifests')}values:\n  default:\n    hosts: !!set { a, b }\n`;
    assert.match(await refusal('tagged', { '.github/ladder.yml': config }), /\.github\/ladder\.yml:\d+:\d+ .*!!set/);
  });

  it('a 256 KiB template of [', async () => {
    const templates = { 'settings.yaml.hbs': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n' };
    const report = await refusal('brackets', { 'deploy/templates/settings.yaml.hbs': '['.repeat(256 * 1024 - 1) }, { templates });
    assert.match(report, /deploy\/templates\/settings\.yaml\.hbs:1:257: the rendered YAML is invalid \(rendered line 1, column 257\): nested more than 256 levels deep/);
  });

  it('three nested {{#each}} over a 1,000-item list', async () => {
    const templates = { 'settings.yaml.hbs': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n' };
    const items = Array.from({ length: 1000 }, (_, i) => i);
    const config = `${defaultServiceConfig('loops', 'shop/loops-manifests', 'deploy/templates')}values:\n  default:\n    items: [${items.join(', ')}]\n`;
    const loop = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: loops\ndata:\n  x: "{{#each values.items}}{{#each ../values.items}}{{#each ../../values.items}}.{{/each}}{{/each}}{{/each}}"\n';
    const report = await refusal('loops', { '.github/ladder.yml': config, 'deploy/templates/loops.yaml.hbs': loop }, { templates });
    assert.match(report, /loops\.yaml\.hbs:\d+.*\{\{#each\}\}|loops\.yaml\.hbs:\d+.*iterations/);
  });
});
