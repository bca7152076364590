import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { configWith, inputError, render, renderOne } from '../fixtures/templates/render-input.js';

/** A Deployment-like template whose line 14 reads values.memory. */
const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{str service}}
spec:
  template:
    spec:
      containers:
        - name: app
          image: {{str image}}
          resources:
            requests:
              cpu: {{str values.cpu}}
              memory: {{str values.memory}}
`;

describe('missing values', () => {
  it('name the template, the line and the key', () => {
    const error = inputError(() => render([{ path: 'deployment.yaml.hbs', content: deployment }], configWith({ cpu: '1' })));
    assert.deepEqual(error.location, { file: 'deployment.yaml.hbs', line: 14, column: 23, key: 'values.memory' });
    assert.match(error.message, /^deployment\.yaml\.hbs:14:23 \(values\.memory\): "values\.memory" is not defined/);
  });

  it('name the full path when a parent is missing too', () => {
    const error = inputError(() => renderOne('a: {{str values.ingress.host}}\n'));
    assert.equal(error.location.key, 'values.ingress.host');
    assert.match(error.message, /"values\.ingress\.host" is not defined/);
  });

  it('name the list item inside #each', () => {
    const template = 'ports:\n{{#each values.ports}}\n  - port: {{int number}}\n{{/each}}\n';
    const error = inputError(() => renderOne(template, { ports: [{ number: 80 }, { name: 'x' }] }));
    assert.equal(error.location.key, 'values.ports[1].number');
    assert.equal(error.location.line, 3);
  });

  it('name the path of a block parameter', () => {
    const template = '{{#each values.ports as |port|}}\n- {{int port.number}}\n{{/each}}\n';
    const error = inputError(() => renderOne(template, { ports: [{}] }));
    assert.equal(error.location.key, 'values.ports[0].number');
  });

  it('prefix the templates directory when given', () => {
    const error = inputError(() =>
      render([{ path: 'deployment.yaml.hbs', content: deployment }], configWith({ cpu: '1' }), { templatesDir: 'deploy/templates/' }),
    );
    assert.equal(error.location.file, 'deploy/templates/deployment.yaml.hbs');
  });

  it('are not an error in a condition: that is how a value is optional', () => {
    const template = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n{{#if values.a.b.c}}\ndata: {{toYaml values.a}}\n{{/if}}\n';
    assert.equal(renderOne(template)[0]!.path, 'configmap-c.yaml');
  });
});

describe('template rules, checked in every branch before rendering', () => {
  const cases: [string, string, RegExp, number][] = [
    ['an unknown helper', 'a: 1\nb: {{frobnicate values.x}}\n', /unknown helper "frobnicate"; the helpers are str, quote,/, 2],
    ['an unknown helper in a branch not taken', '{{#if values.absent}}\nb: {{nope values.x}}\n{{/if}}\n', /unknown helper "nope"/, 2],
    ['an unknown helper in ( )', 'a:\n  b: {{str (upcase values.x)}}\n', /unknown helper "upcase"/, 2],
    ['an unknown block helper', '{{#repeat values.x}}\n{{/repeat}}\n', /unknown block helper "repeat"/, 1],
    ['a Mustache section', '{{#values.list}}\n{{/values.list}}\n', /\{\{#values\.list\}\} is a Mustache section; write \{\{#if …\}\}/, 1],
    ['a bare value', 'a: 1\nb: {{values.memory}}\n', /\{\{values\.memory\}\} writes a value without a helper; write \{\{str values\.memory\}\}/, 2],
    ['a bare value, unescaped', 'b: {{{values.memory}}}\n', /\{\{values\.memory\}\} writes a value without a helper/, 1],
    ['a literal', 'b: {{"x"}}\n', /a literal in \{\{ \}\} is not needed/, 1],
    ['a value helper as output', 'b: {{default values.x 1}}\n', /default returns a value for another helper; write \{\{str \(default …\)\}\}/, 1],
    ['an output helper inside ( )', 'b: {{str (str values.x)}}\n', /str writes YAML text and cannot be used inside \( \)/, 1],
    ['a block helper as output', 'b: {{if values.x}}\n', /if is a block helper: write \{\{#if …\}\}…\{\{\/if\}\}/, 1],
    ['too many arguments', 'b: {{int values.x values.y}}\n', /int takes 1 argument, not 2/, 1],
    ['too few arguments', 'b: {{str (default values.x)}}\n', /default takes 2 arguments, not 1/, 1],
    ['an option', 'b: {{toYaml values.x indent=4}}\n', /toYaml takes no indent=… option/, 1],
    ['a partial', 'b: 1\n{{> header}}\n', /partials \(\{\{> name\}\}\) are not supported/, 2],
    ['text glued before', 'image: registry/{{str values.x}}\n', /\{\{str …\}\} is glued to the "\/" before it; .*\{\{str "prefix-" x\}\}/, 1],
    ['text glued after', 'name: {{str values.x}}-suffix\n', /is glued to the "-" after it; a helper writes a whole YAML value/, 1],
    ['no space after the colon', 'key:{{int values.x}}\n', /\{\{int …\}\} is glued to the ":" before it; .*put it after "key: " or "- " on its own/, 1],
    ['glued across ~', 'name: x{{~str values.x}}\n', /is glued to the "x" before it/, 1],
    ['inside quotes', 'name: "{{str values.x}}"\n', /is glued to the "\\"" before it/, 1],
  ];
  for (const [name, template, message, line] of cases) {
    it(`refuses ${name}`, () => {
      const error = inputError(() => renderOne(template, { x: 'v', y: 1, list: [1] }));
      assert.match(error.message, message);
      assert.equal(error.location.file, 'test.yaml.hbs');
      assert.equal(error.location.line, line);
    });
  }

  it('allows helpers in flow collections and as keys', () => {
    const template = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  annotations: {a: {{str values.x}}, {{str values.x}}: b}\ndata:\n  {{str values.x}}: {{str values.x}}\n';
    assert.equal(renderOne(template, { x: 'v' }).length, 1);
  });
});

describe('template syntax errors', () => {
  it('name the line of an unclosed mustache', () => {
    const error = inputError(() => renderOne('a: 1\nb: {{str values.x\n'));
    assert.equal(error.location.line, 2);
    assert.match(error.message, /template syntax error: unexpected the end of the template \(an unclosed \{\{ or block\?\)\n {2}2 \| b: \{\{str values\.x$/);
  });

  it('name the line and the token of a stray character', () => {
    const error = inputError(() => renderOne('a: 1\nb: {{str values.x}}\nc: {{str values.x b=}}\n', { x: 'v' }));
    assert.equal(error.location.line, 3);
    assert.match(error.message, /template syntax error: unexpected 'CLOSE'\n {2}3 \| c: \{\{str values\.x b=\}\}$/);
  });

  it('name the line of a mismatched block', () => {
    const error = inputError(() => renderOne('a: 1\n{{#if values.x}}\nb: 2\n{{/each}}\n'));
    assert.match(error.message, /if doesn't match each/);
    assert.equal(error.location.line, 2);
  });
});

describe('rendered output', () => {
  it('that is not valid YAML names the template line that wrote it, and the rendered line', () => {
    const template = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: 1\n  a: 2\n';
    const error = inputError(() => renderOne(template));
    assert.deepEqual(error.location, { file: 'test.yaml.hbs', line: 7, column: 3 });
    assert.match(error.message, /^test\.yaml\.hbs:7:3: the rendered YAML is invalid \(rendered line 7, column 3\): .*\n {2}7 \| {3}a: 2/);
  });

  it('that is not valid YAML is located in the template even where blocks make the lines differ', () => {
    const template = [
      'apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: c', '{{#if values.on}}', 'data:',
      '{{#each values.keys}}', '  a: {{str this}}', '{{/each}}', '{{/if}}', '',
    ].join('\n');
    const error = inputError(() => renderOne(template, { on: true, keys: ['1', '2'] }));
    // Rendered line 7 (the second `a:`) comes from template line 8.
    assert.deepEqual(error.location, { file: 'test.yaml.hbs', line: 8, column: 3 });
    assert.match(error.message, /\(rendered line 7, column 3\): Map keys must be unique/);
  });

  it('that is not a mapping is refused', () => {
    const error = inputError(() => renderOne('- a\n- b\n'));
    assert.match(error.message, /rendered line 1.*not a Kubernetes object/);
  });

  it('without metadata.name is refused, naming the document', () => {
    const template = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  generateName: b-\n';
    const error = inputError(() => renderOne(template));
    assert.equal(error.location.key, 'metadata.name');
    assert.equal(error.location.line, 6, 'the template line where the document starts');
    assert.match(error.message, /document 2 \(rendered line 6\) has no metadata\.name/);
  });

  it('without kind is refused', () => {
    const error = inputError(() => renderOne('apiVersion: v1\nmetadata:\n  name: a\n'));
    assert.equal(error.location.key, 'kind');
  });

  it('with a name that is no file name is refused', () => {
    const error = inputError(() => renderOne('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ../../etc\n'));
    assert.match(error.message, /has the name "\.\.\/\.\.\/etc", which is not a valid Kubernetes name/);
  });

  it('with the same resource from two templates names both', () => {
    const content = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: {{str service}}\n';
    const error = inputError(() =>
      render([
        { path: 'b.yaml.hbs', content },
        { path: 'a.yaml.hbs', content },
      ]),
    );
    assert.match(error.message, /Service\/shop rendered by both a\.yaml\.hbs and b\.yaml\.hbs would both be written to service-shop\.yaml/);
    assert.equal(error.location.file, 'b.yaml.hbs');
  });

  it('with the same resource twice in one template says so', () => {
    const content = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: x\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: x\n';
    const error = inputError(() => renderOne(content));
    assert.match(error.message, /Service\/x rendered twice by test\.yaml\.hbs/);
  });
});

describe('inputs', () => {
  it('an unknown environment is an input error naming the config', () => {
    const error = inputError(() => render([], configWith(), { environment: 'qa' }));
    assert.equal(error.location.key, 'environments');
    assert.match(error.message, /no environment named 'qa'/);
  });

  it('a malformed SHA or digest is a bug of the caller', () => {
    assert.throws(() => render([], configWith(), { sha: 'HEAD' }), RangeError);
    assert.throws(() => render([], configWith(), { imageDigest: 'sha256:abc' }), RangeError);
  });
});
