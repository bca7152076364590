import assert from 'node:assert/strict';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { after, before, describe, it } from 'node:test';
import { checkRunsOf, pullsOf } from '../support/app-promotion.js';
import { defaultServiceConfig, startAppHarness, type AppHarness } from '../support/app-harness.js';

/**
 * Templates are code from the code repository. The core budgets bound what
 * they count; a render can still be slow within them (a 7 MB literal list
 * the renderer re-parses), so the App runs renders in worker threads with a
 * wall-clock and a memory limit. Here the limit is one second, and a hostile
 * render in one service does not hold up another service's promotion or the
 * App's event loop.
 */
describe('App: a hostile render does not block the App', () => {
  let harness: AppHarness;

  before(async () => {
    harness = await startAppHarness({ render: { timeoutMs: 1000, threads: 2 } });
    const items = JSON.stringify(Array.from({ length: 30 }, (_, index) => index));
    const literal = '  - x\n'.repeat(Math.floor((250 * 1024) / 6));
    await harness.createService({
      service: 'hostile',
      config: `${defaultServiceConfig('hostile', 'shop/hostile-manifests', 'deploy/templates')}values:\n  default:\n    items: ${items}\n`,
      templates: { 'big.yaml.hbs': `apiVersion: v1\nkind: List\nmetadata: { name: x }\nitems:\n{{#each values.items}}${literal}{{/each}}` },
    });
    await harness.createService({ service: 'checkout' });
  });

  after(() => harness.stop());

  it("another service's promotion completes while the hostile render runs, and the render is stopped with a located refusal", async () => {
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const started = performance.now();
    const hostile = harness.mergePullRequest('shop/hostile', { files: { 'src/a.ts': 'export const a = 1;\n' } });
    const legit = harness.mergePullRequest('shop/checkout', { files: { 'src/a.ts': 'export const a = 1;\n' } });
    const [hostileMerge] = await Promise.all([hostile, legit]);
    await harness.settled();
    delay.disable();
    const elapsed = performance.now() - started;

    const [promotion] = await pullsOf(harness, 'shop/checkout-manifests', 'all');
    assert.equal(promotion?.head.ref, 'ladder/checkout/dev', `checkout's promotion completed:\n${harness.logs.slice(-15).join('\n')}`);
    const run = (await checkRunsOf(harness, 'shop/hostile', hostileMerge.mergeSha)).find((r) => r.name === 'ladder/promote (dev)');
    assert.equal(run?.conclusion, 'failure');
    assert.match(run?.output.summary ?? '', /deploy\/templates: rendering took longer than 1 s and was stopped/);
    assert.equal((await pullsOf(harness, 'shop/hostile-manifests', 'all')).length, 0, 'nothing was promoted for the hostile service');
    // The event loop kept turning: no pause anywhere near the render's length.
    assert.ok(delay.max / 1e6 < 500, `the event loop was blocked for ${(delay.max / 1e6).toFixed(0)} ms`);
    assert.ok(elapsed < 30_000, `took ${elapsed.toFixed(0)} ms`);
    const peakMiB = process.resourceUsage().maxRSS / 1024;
    assert.ok(peakMiB < 512, `the test's process, the App, its render threads and the GitHub bed together peaked at ${peakMiB.toFixed(0)} MiB`);
  });
});
