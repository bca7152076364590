import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readTemplates } from '../../src/adapters/fs/templates.js';
import { parseManifests } from '../../src/core/manifests/parse.js';
import { templateLocationAt } from '../../src/core/render/source-map.js';
import { configWith, exampleConfig, render, renderOne, sha } from '../fixtures/templates/render-input.js';
import { placeRendered, renderEnvironment, renderResources, type RenderedFile } from '../../src/core/render/render.js';
import { fromPortable, toPortable } from '../../src/core/render/resources.js';
import { maxTracedChars } from '../../src/core/render/handlebars/engine.js';

/** The template location of the node at `path` of a rendered file, as a finding there would get it. */
function origin(file: RenderedFile, path: (string | number)[]) {
  const document = parseManifests(file.content, file.path).documents[0]!;
  const at = document.positionOf(path);
  return templateLocationAt(file.sourceMap!, at.line, at.column);
}

describe('source maps of rendered files', () => {
  it('every default template renders with a map, in every environment', async () => {
    const templates = await readTemplates();
    for (const environment of ['dev', 'stg', 'prd']) {
      const files = renderEnvironment({ config: exampleConfig(), environment, sha, templates });
      assert.ok(files.length > 3);
      for (const file of files) assert.ok((file.sourceMap?.entries.length ?? 0) > 5, `${environment} ${file.path} has a map`);
    }
  });

  it('locate literals, helper output and values keys through standalone blocks and else-if chains', () => {
    const template = [
      'apiVersion: v1', //                                   1
      'kind: ConfigMap', //                                  2
      'metadata:', //                                        3
      '  name: {{str service}}', //                          4
      'data:', //                                            5
      '{{#if values.off}}', //                               6
      '  never: "1"', //                                     7
      '{{else if values.on}}', //                            8
      '  mode: {{str values.mode}}', //                      9
      '{{/if}}', //                                         10
      '{{#each values.items}}', //                          11
      '  {{str @key}}: {{str this.size}}', //              12
      '{{/each}}', //                                       13
      '{{#with values.db}}', //                             14
      '  host: {{str host}}', //                            15
      '{{/with}}', //                                       16
      '  literal: "yes"', //                                17
      '',
    ].join('\n');
    const [file] = renderOne(template, { on: true, mode: 'fast', items: { a: { size: 's' }, b: { size: 'm' } }, db: { host: 'db.local' } });
    assert.ok(file?.sourceMap, 'the render was traced');
    const at = (path: (string | number)[]) => { const { file: _, ...where } = origin(file, path); return where; };
    assert.deepEqual(at(['metadata', 'name']), { line: 4, column: 9 });
    assert.deepEqual(at(['data', 'mode']), { line: 9, column: 9, valuesKey: 'values.mode' });
    assert.deepEqual(at(['data', 'b']), { line: 12, column: 17, valuesKey: 'values.items.size' });
    assert.deepEqual(at(['data', 'host']), { line: 15, column: 9, valuesKey: 'values.db.host' });
    assert.deepEqual(at(['data', 'literal']), { line: 17, column: 12 });
    assert.equal(origin(file, ['data', 'literal']).file, 'test.yaml.hbs');
  });

  it('a value holding the markers Ladder traces with renders as before, without a map', () => {
    const content = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  x: {{str values.x}}\n';
    const odd = String.fromCodePoint(0xf0002);
    const [file] = render([{ path: 't.yaml.hbs', content }], configWith({ x: `a${odd}b` }));
    assert.equal(file?.sourceMap, undefined);
    assert.ok(file?.content.includes(`x: a${odd}b`));
  });
});

describe("source maps across the App's render threads", () => {
  it('a resource posted as data (toPortable → structured clone → fromPortable) keeps where each node came from', async () => {
    const templates = await readTemplates();
    const input = { config: exampleConfig(), environment: 'dev', sha, templates };
    const direct = renderEnvironment(input);
    const resources = renderResources(input);
    const posted = structuredClone(resources.map(toPortable)).map(fromPortable);
    assert.throws(() => structuredClone(resources), /could not be cloned/, 'a traced resource holds a function: it cannot be posted as it is');
    const placed = placeRendered({ ...input, isNamespaced: () => true }, posted);
    assert.deepEqual(placed.map((f) => f.sourceMap), renderEnvironment({ ...input, isNamespaced: () => true }).map((f) => f.sourceMap));
    assert.ok(direct.every((f) => f.sourceMap), 'every default template is traced');
  });

  it('output past maxTracedChars renders once, without a map', () => {
    const big = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{str service}}\ndata:\n  blob: "${'x'.repeat(maxTracedChars)}"\n`;
    const small = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{str service}}\ndata:\n  blob: "x"\n`;
    assert.equal(renderOne(big, {})[0]?.sourceMap, undefined);
    assert.ok(renderOne(small, {})[0]?.sourceMap);
  });
});
