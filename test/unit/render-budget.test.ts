import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConfig } from '../../src/core/config/load.js';
import { LadderInputError } from '../../src/core/errors.js';
import { renderEnvironment } from '../../src/core/render/render.js';
import { cpuTimed } from '../support/cpu-time.js';

/** A render is bounded in iterations, output and resources: each runaway template is a located error, fast. */

const items = JSON.stringify(Array.from({ length: 1000 }, (_, index) => index));
const config = parseConfig(
  `service: a\nimage: registry.example.com/a\nmanifests: { repo: shop/a-manifests }\nenvironments:\n  - name: dev\n    from: { branch: main }\n    namespace: a\nvalues:\n  default:\n    items: ${items}\n`,
  '.github/ladder.yml',
);

/** The render's error, if any, and the CPU milliseconds it cost (which load on the machine does not stretch). */
function render(templates: { path: string; content: string }[], limits = {}) {
  const { value: error, ms } = cpuTimed(() => {
    try {
      renderEnvironment({ config, environment: 'dev', sha: 'a'.repeat(40), templates, limits });
      return undefined;
    } catch (error) {
      return error;
    }
  });
  return { error, ms };
}

test('three nested {{#each}} over a 1,000-item list stop at the iteration budget, at the loop', () => {
  const content = 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: x }\ndata:\n{{#each values.items}}{{#each @root.values.items}}{{#each @root.values.items}}  k: v\n{{/each}}{{/each}}{{/each}}';
  const { error, ms } = render([{ path: 'cm.yaml.hbs', content }]);
  assert.ok(error instanceof LadderInputError);
  assert.equal(error.message, 'cm.yaml.hbs:5:51: {{#each}} ran more than 100000 iterations in this render; a template that loops this much is a mistake or an attack');
  assert.ok(ms < 3000, `took ${ms} ms of CPU`);
});

test('output is bounded as it is produced', () => {
  const content = 'apiVersion: v1\nkind: List\nmetadata: { name: x }\nitems:\n{{#each values.items}}{{#each @root.values.items}}  - xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n{{/each}}{{/each}}';
  const { error } = render([{ path: 'cm.yaml.hbs', content }], { maxIterations: 10_000_000, maxOutputChars: 1_000_000 });
  assert.ok(error instanceof LadderInputError);
  assert.match(error.message, /^cm\.yaml\.hbs:\d+:\d+: \{\{#each\}\} produced more than 1000000 characters in this render$/);
});

test('a render that makes too many resources is refused', () => {
  const content = '{{#each values.items}}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{str (concat "cm-" this)}}\n{{/each}}';
  const { error } = render([{ path: 'many.yaml.hbs', content }], { maxResources: 500 });
  assert.ok(error instanceof LadderInputError);
  assert.equal(error.message, 'many.yaml.hbs: the templates produced more than 500 resources; Ladder renders at most 500 per environment');
});

test('a 256 KiB template of [ is refused as too deep, with a bounded excerpt', () => {
  const { error, ms } = render([{ path: 'b.yaml.hbs', content: '['.repeat(256 * 1024 - 1) }]);
  assert.ok(error instanceof LadderInputError);
  const [first, excerpt] = error.message.split('\n');
  assert.equal(first, 'b.yaml.hbs:1:257: the rendered YAML is invalid (rendered line 1, column 257): nested more than 256 levels deep');
  assert.ok(excerpt!.length < 220, `the excerpt is ${excerpt!.length} characters`);
  assert.ok(ms < 2000, `took ${ms} ms of CPU`);
});

test('ordinary loops stay well inside the budget', () => {
  const content = 'apiVersion: v1\nkind: List\nmetadata: { name: x }\nitems:\n{{#each values.items}}  - {{int this}}\n{{/each}}';
  assert.equal(render([{ path: 'cm.yaml.hbs', content }]).error, undefined);
});
