import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { unusedValues, valuesReadBy } from '../../src/core/render/values-usage.js';
import { configWith } from '../fixtures/templates/render-input.js';

const template = (content: string) => [{ path: 't.yaml.hbs', content }];
const at = () => ({ line: 7, column: 3 });

function unused(content: string, values: Record<string, unknown>, extra: Record<string, unknown> = {}): string[] {
  const config = configWith(values, extra);
  return unusedValues(config, valuesReadBy(template(content)), 'ladder.yml', at).map((f) => `${f.rule} ${f.severity} ${f.message}`);
}

describe('values nothing reads', () => {
  it('a typo under an environment is a warning with the key meant, and what the environment gets instead', () => {
    const config = configWith({ memory: '256Mi' }, {
      environments: [{ name: 'dev', from: { branch: 'main' }, namespace: 'dev' }, { name: 'prd', from: { environment: 'dev' }, namespace: 'prd' }],
    });
    config.values['prd'] = { memroy: '512Mi' };
    const findings = unusedValues(config, valuesReadBy(template('m: {{str values.memory}}')), 'ladder.yml', (path) => ({ line: path.length, column: 5 }));
    assert.deepEqual(findings, [{
      file: 'ladder.yml', line: 3, column: 5, rule: 'unused-value', severity: 'warning',
      message: 'values.prd.memroy: no template reads this key (did you mean memory?); prd gets values.default.memory ("256Mi") instead',
      hint: 'Rename it to memory.',
    }]);
  });

  it('keys read through helpers, sub-expressions, #with and #if count as read; nested typos are found', () => {
    const content = [
      'a: {{str (default values.image.tag "x")}}',
      '{{#with values.db}}host: {{str host}}{{/with}}',
      '{{#if values.feature.on}}b: 1{{/if}}',
    ].join('\n');
    assert.deepEqual(unused(content, { image: { tag: '1' }, db: { host: 'h', prot: 5432 }, feature: { on: true } }), [
      'unused-value warning values.default.db.prot: no template reads this key',
    ]);
    assert.deepEqual(unused(content, { image: { tga: '1' } }), ['unused-value warning values.default.image.tga: no template reads this key (did you mean tag?)']);
  });

  it('what a template uses whole (toYaml, #each, checksum) covers every key below it', () => {
    const content = 'env: {{toYaml values.env}}\n{{#each values.ports}}- {{int this}}{{/each}}\nsum: {{str (checksum values.files)}}';
    assert.deepEqual(unused(content, { env: { A: '1', B: { deep: 2 } }, ports: [80], files: { x: 'y' } }), []);
  });

  it('a template that reads values by a computed key or whole leaves nothing to call unused', () => {
    assert.deepEqual(unused('x: {{str (lookup values "a")}}', { anything: 1 }), []);
    assert.deepEqual(unused('x: {{toYaml values}}', { anything: 1 }), []);
  });
});
