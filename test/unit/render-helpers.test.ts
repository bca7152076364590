import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { parseManifests } from '../../src/core/manifests/parse.js';
import { doubleQuoted, flowNode } from '../../src/core/render/yaml-text.js';
import { inputError, renderOne } from '../fixtures/templates/render-input.js';

/** Values that would change a document's structure or type if written as plain text. */
const hostile: readonly string[] = [
  'line one\nline two',
  'a\nkind: Secret',
  'x\n---\napiVersion: v1\nkind: Secret',
  'key: value',
  'value # comment',
  '#',
  '*alias',
  '&anchor x',
  '!!binary aGk=',
  '!tag x',
  '%YAML 1.1',
  '@at',
  '`tick',
  '| block',
  '> folded',
  '- item',
  '? key',
  '{a: 1}',
  '[1, 2]',
  '"double"',
  "'single'",
  'on', 'off', 'yes', 'no', 'y', 'n', 'Y', 'NO', 'True', 'FALSE',
  'null', 'Null', '~', '',
  '0123', '1e3', '0x1F', '0o17', '0b101', '1_000', '12:30:00', '.inf', '-.5', '+1', '2001-12-14',
  '<<', '=',
  ' leading space', 'trailing space ', '\ttab',
  'back\\slash', 'tab\tinside', 'cr\rinside', 'nul\u0000byte', 'del\u007f', 'nel\u0085', 'ls\u2028ps\u2029', 'bom\ufeff', '\uffff',
  'emoji 😀 and ünïcödé',
];

const configMapTemplate = `apiVersion: v1
kind: ConfigMap
metadata:
  name: injection
data:
  before: "sentinel"
  value: {{str values.x}}
  after: "sentinel"
`;

function dataOf(content: string): unknown {
  const { documents, findings } = parseManifests(content, 'out.yaml');
  assert.deepEqual(findings, []);
  assert.equal(documents.length, 1);
  return documents[0]!.object['data'];
}

describe('str keeps any string one string value', () => {
  for (const value of hostile) {
    it(`${JSON.stringify(value)}`, () => {
      const files = renderOne(configMapTemplate, { x: value });
      assert.deepEqual(files.map((f) => f.path), ['configmap-injection.yaml']);
      // Exactly the three keys: nothing was added, nothing swallowed.
      assert.deepEqual(dataOf(files[0]!.content), { after: 'sentinel', before: 'sentinel', value });
      // kubectl reads YAML 1.1; the value must not turn into a boolean, number or null there either.
      assert.deepEqual((parse(files[0]!.content, { version: '1.1' }) as { data: unknown }).data, { after: 'sentinel', before: 'sentinel', value });
    });
  }

  it('quote is the same helper', () => {
    const files = renderOne(configMapTemplate.replace('str', 'quote'), { x: 'a\nb: c' });
    assert.deepEqual(dataOf(files[0]!.content), { after: 'sentinel', before: 'sentinel', value: 'a\nb: c' });
  });

  it('joins several arguments, numbers and booleans included', () => {
    const template = configMapTemplate.replace('{{str values.x}}', '{{str "v" values.n "-" values.b ": " values.x}}');
    const files = renderOne(template, { n: 2, b: true, x: '# not a comment' });
    assert.deepEqual(dataOf(files[0]!.content), { after: 'sentinel', before: 'sentinel', value: 'v2-true: # not a comment' });
  });

  it('works as a key too', () => {
    const template = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: keys\ndata:\n  {{str values.k}}: "v"\n';
    const files = renderOne(template, { k: 'a: b\nc' });
    assert.deepEqual(dataOf(files[0]!.content), { 'a: b\nc': 'v' });
  });

  it('doubleQuoted round-trips every UTF-16 code unit in YAML 1.2 and 1.1', () => {
    let all = '';
    for (let code = 0; code <= 0xffff; code++) all += String.fromCharCode(code);
    const text = doubleQuoted(all);
    assert.ok(!text.includes('\n'), 'a quoted value stays on one line');
    // Raw, these are refused by YAML 1.1 readers or read as line breaks there.
    assert.doesNotMatch(text, /[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/);
    assert.equal(parse(text), all);
    assert.equal(parse(text, { version: '1.1' }), all);
  });
});

describe('toYaml writes structures that cannot break out', () => {
  const annotations = {
    'a\nb': 'c: d',
    '- x': ['---', '...', '# c', { 'k: v': 'on' }],
    plain: 'yes',
    number: 3,
    flag: false,
    nothing: null,
  };

  it('keeps a hostile map exactly, as a value', () => {
    const template = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ann\ndata: {{toYaml values.data}}\nbinaryData: {}\n';
    const files = renderOne(template, { data: annotations });
    const { documents, findings } = parseManifests(files[0]!.content, 'out.yaml');
    assert.deepEqual(findings, []);
    assert.deepEqual(documents[0]!.object['data'], annotations);
    assert.deepEqual(documents[0]!.object['binaryData'], {});
  });

  it('keeps a hostile list exactly, as a list item and inside a flow list', () => {
    const template = 'apiVersion: v1\nkind: List\nmetadata:\n  name: l\nitems:\n  - {{toYaml values.a}}\n  - [{{toYaml values.b}}, "end"]\n';
    const files = renderOne(template, { a: ['x\ny: z', '*a'], b: 'on' });
    const { documents } = parseManifests(files[0]!.content, 'out.yaml');
    assert.deepEqual(documents[0]!.object['items'], [['x\ny: z', '*a'], ['on', 'end']]);
  });

  it('flowNode is one line for any data', () => {
    const text = flowNode(annotations);
    assert.ok(!text.includes('\n'));
    assert.deepEqual(parse(text), annotations);
  });

  it('refuses data YAML cannot hold, naming where it is', () => {
    const error = inputError(() => renderOne('a: {{toYaml values.data}}\n', { data: { list: [1, Number.POSITIVE_INFINITY] } }));
    assert.match(error.message, /"values\.data" contains the number Infinity at list\[1\]/);
  });
});

describe('typed scalar helpers', () => {
  const typed = `apiVersion: v1
kind: Thing
metadata:
  name: typed
spec:
  count: {{int values.count}}
  ratio: {{num values.ratio}}
  big: {{num values.big}}
  enabled: {{bool values.enabled}}
`;

  it('write numbers and booleans of the right type', () => {
    const files = renderOne(typed, { count: 3, ratio: 0.25, big: 1e21, enabled: false });
    const { documents } = parseManifests(files[0]!.content, 'out.yaml');
    assert.deepEqual(documents[0]!.object['spec'], { count: 3, ratio: 0.25, big: 1e21, enabled: false });
  });

  const wrong: [string, Record<string, unknown>, RegExp][] = [
    ['int refuses a numeric string', { count: '8080' }, /"values\.count" must be an integer, but it is the string "8080"/],
    ['int refuses a fraction', { count: 1.5 }, /"values\.count" must be an integer, but it is the number 1\.5/],
    ['num refuses a string', { ratio: '0.5' }, /"values\.ratio" must be a number, but it is the string "0\.5"/],
    ['bool refuses "yes"', { enabled: 'yes' }, /"values\.enabled" must be true or false, but it is the string "yes"/],
  ];
  for (const [name, bad, message] of wrong) {
    it(name, () => {
      const values = { count: 1, ratio: 1, big: 1, enabled: true, ...bad };
      const error = inputError(() => renderOne(typed, values));
      assert.match(error.message, message);
      assert.equal(error.location.file, 'test.yaml.hbs');
      assert.equal(error.location.line, typed.split('\n').findIndex((l) => l.includes(Object.keys(bad)[0]!)) + 1);
      assert.equal(error.location.key, `values.${Object.keys(bad)[0]}`);
    });
  }

  it('str refuses a map and says to use toYaml', () => {
    const error = inputError(() => renderOne(configMapTemplate, { x: { a: 1 } }));
    assert.match(error.message, /"values\.x" must be a string, number or boolean, but it is a map; use \{\{toYaml …\}\}/);
  });

  it('str refuses null', () => {
    const error = inputError(() => renderOne(configMapTemplate, { x: null }));
    assert.match(error.message, /"values\.x" must be a string, number or boolean, but it is null/);
  });
});

describe('value helpers', () => {
  const template = `apiVersion: v1
kind: ConfigMap
metadata:
  name: values
data:
  fallback: {{str (default values.missing "fallback")}}
  present: {{str (default values.present "fallback")}}
  joined: {{str (concat values.present "-" 1)}}
  looked: {{str (lookup values "present")}}
{{#if (and (eq values.present "p") (not values.missing))}}
  both: "yes"
{{/if}}
{{#if (or values.missing (ne values.present "p"))}}
  either: "yes"
{{/if}}
  sumA: {{str (checksum values.a)}}
  sumB: {{str (checksum values.b)}}
  sumC: {{str (checksum values.c)}}
`;

  it('default, concat, lookup, eq, ne, and, or, not and checksum', () => {
    const files = renderOne(template, { present: 'p', a: { x: 1, y: [1, 2] }, b: { y: [1, 2], x: 1 }, c: { x: 1, y: [2, 1] } });
    const data = dataOf(files[0]!.content) as Record<string, string>;
    assert.equal(data['fallback'], 'fallback');
    assert.equal(data['present'], 'p');
    assert.equal(data['joined'], 'p-1');
    assert.equal(data['looked'], 'p');
    assert.equal(data['both'], 'yes');
    assert.equal(data['either'], undefined);
    assert.match(data['sumA']!, /^[0-9a-f]{16}$/);
    assert.equal(data['sumA'], data['sumB'], 'key order does not change the checksum');
    assert.notEqual(data['sumA'], data['sumC'], 'list order does');
  });
});
