import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { createRenderWorkers } from '../../src/app/render-worker/pool.js';
import { parseConfig } from '../../src/core/config/load.js';
import { LadderInputError } from '../../src/core/errors.js';

/** The App's render threads: answers as data, a located error from the templates, and a stop at the time or memory limit. */
const items = JSON.stringify(Array.from({ length: 30 }, (_, index) => index));
const config = parseConfig(
  `service: a\nimage: registry.example.com/a\nmanifests: { repo: shop/a-manifests }\nenvironments:\n  - name: dev\n    from: { branch: main }\n    namespace: a\nvalues:\n  default:\n    items: ${items}\n`,
  '.github/ladder.yml',
);
const job = (content: string) => ({ config, environment: 'dev', sha: 'a'.repeat(40), templates: [{ path: 't.yaml.hbs', content }], templatesDir: 'deploy/templates' });
const heavy = `apiVersion: v1\nkind: List\nmetadata: { name: x }\nitems:\n{{#each values.items}}${'  - x\n'.repeat(Math.floor((250 * 1024) / 6))}{{/each}}`;
// 7.5 MB of output (half the 16 Mi character budget) that parses into 2.4 million empty objects,
// 100 objects a line: far more than 48 MB of heap whichever parser reads it, so the memory limit
// stops it by far. (`heavy`'s list of one interned string came within 48 MB once parsing stopped
// building a position tree per document.)
const manyObjects = `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: x }\nx:\n{{#each values.items}}${`  - [${'{},'.repeat(99)}{}]\n`.repeat(Math.floor((250 * 1024) / 305))}{{/each}}`;

describe('render worker threads', () => {
  const renderer = createRenderWorkers({ timeoutMs: 20_000, heapMb: 256, threads: 1 });
  after(() => renderer.close());

  it('render in a thread and answer the resources', async () => {
    const resources = await renderer.render(job('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{str service}}\n'));
    assert.deepEqual(resources.map((r) => [r.template, r.object['kind'], (r.object['metadata'] as { name: string }).name]), [['deploy/templates/t.yaml.hbs', 'ConfigMap', 'a']]);
  });

  it("keep a template error's location", async () => {
    const error = await renderer.render(job('a: {{str values.missing}}\n')).catch((e: unknown) => e);
    assert.ok(error instanceof LadderInputError);
    assert.equal(error.location.file, 'deploy/templates/t.yaml.hbs');
    assert.equal(error.location.line, 1);
    assert.match(error.message, /^deploy\/templates\/t\.yaml\.hbs:1:\d+ \(values\.missing\): "values\.missing" is not defined/);
  });

  it('stop a render at its time limit, and render again afterwards', async () => {
    const quick = createRenderWorkers({ timeoutMs: 300, heapMb: 256, threads: 1 });
    try {
      const started = performance.now();
      const error = await quick.render(job(heavy)).catch((e: unknown) => e);
      assert.ok(error instanceof LadderInputError);
      assert.equal(error.message, 'deploy/templates: rendering took longer than 0.3 s and was stopped; templates that loop this much are a mistake or an attack');
      assert.ok(performance.now() - started < 5000);
      assert.equal((await quick.render(job('apiVersion: v1\nkind: ConfigMap\nmetadata: { name: b }\n'))).length, 1, 'a fresh thread takes the next render');
    } finally {
      await quick.close();
    }
  });

  it('stop a render at its memory limit without harming the process', async () => {
    const small = createRenderWorkers({ timeoutMs: 60_000, heapMb: 48, threads: 1 });
    try {
      const error = await small.render(job(manyObjects)).catch((e: unknown) => e);
      assert.ok(error instanceof LadderInputError, `expected the memory limit, got ${Array.isArray(error) ? `${error.length} resources` : String(error)}`);
      assert.match(error.message, /^deploy\/templates: rendering needed more than the 48 MB a render may use/);
    } finally {
      await small.close();
    }
  });
});
