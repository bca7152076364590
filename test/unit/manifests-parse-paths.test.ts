import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ManifestDocument } from '../../src/core/manifests/document.js';
import { parseManifests } from '../../src/core/manifests/parse.js';
import { parseQuickly } from '../../src/core/manifests/parse-quick.js';
import { parseWithYaml } from '../../src/core/manifests/parse-yaml.js';
import { generateYamlFiles } from '../support/yaml-shapes.js';

/**
 * The quick path (the block reader's values and positions) must give what the
 * careful path (`yaml` Documents) gives: the same documents, numbers, values,
 * starts and the position of every path, existing or not.
 */
function assertSameAsCareful(text: string, label: string): void {
  const quick = parseManifests(text, 'm.yaml');
  const careful = parseWithYaml(text, 'm.yaml', { maxAliasCount: 100, maxDepth: 256 });
  assert.deepEqual(quick.findings, careful.findings, `${label}: findings`);
  assert.equal(quick.documents.length, careful.documents.length, `${label}: documents`);
  quick.documents.forEach((doc, i) => {
    const expected = careful.documents[i]!;
    assert.equal(doc.index, expected.index, `${label}: index`);
    assert.deepEqual(doc.object, expected.object, `${label}: value`);
    assert.deepEqual(doc.start, expected.start, `${label}: start`);
    for (const path of pathsOf(expected.object)) {
      assert.deepEqual(doc.positionOf(path), expected.positionOf(path), `${label}: ${JSON.stringify(path)}`);
    }
  });
}

function pathsOf(value: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(prefix);
  if (Array.isArray(value)) {
    value.forEach((item, i) => pathsOf(item, [...prefix, i], out));
    out.push([...prefix, value.length], [...prefix, 'name']);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) pathsOf(item, [...prefix, key], out);
    out.push([...prefix, 'missing'], [...prefix, 0]);
  } else {
    out.push([...prefix, 'deeper']);
  }
  return out;
}

const shapes: Record<string, string> = {
  'block maps and sequences': 'a: 1\nb:\n  c: x\n  d:\n    - 1\n    - e: 2\n      f: 3\n    -\n      g: 4\n    - - 5\n      - 6\n',
  'a sequence at its key\'s indentation': 'a:\n- x\n- y: 1\n  z: 2\nb: 3\n',
  'empty values and comments': 'a:\nb: # c\nc:   \nd:\n  # only a comment below\ne:\n  - \n  -\n  - # c\n# the end\n',
  'comments and blank lines between entries': '# head\n\napiVersion: v1   # trailing\n\n  # indented comment\nkind: ConfigMap\n#\nmetadata:\n\n  name: x\n',
  'quoted scalars and keys': 'a: "x # not a comment"\nb: \'it\'\'s\'\n"c d": 1\n\'e\': "f\\"g"\n"h\\"i": 2\nj: "multi\n  line"\nk: \'multi\n\n  line\'\n',
  'plain scalars over several lines': 'description: one\n  two\n\n  three\nnext: x\nlist:\n- a\n  b\n- c: d\n    e\n',
  'block scalars': 'a: |\n  one\n    two\n\n  # not a comment\nb: >-\n  folded\n  text\nc: |+\n  keep\n\nd:\n- |\n  in a list\n- x\ne: |\n\n  leading blank line\nf: |2\n    explicit indentation\n',
  'flow collections': 'a: []\nb: {}\nc: [1, "two", {three: 3}]\nd: {e: [f, g], "h": i}\nj: [\n  k,\n  # comment\n  l\n]\nm:\n  [n, o]\np: [a\'b, c]\n',
  'scalars below their key': 'a:\n  plain\nb:\n  "quoted"\nc:\n  - x\n',
  'keys Kubernetes reads as other types': 'on: 1\nn: 2\n1: 4\n0x10: 5\n1.5: 6\n.inf: 7\n',
  'a null key': '~: 1\n',
  'null keys in flow mappings': 'a: {~}\nb: {: 2, c: 3}\n',
  'keys that collide once resolved': 'on: 1\ny: 2\n',
  'keys with colons and indicators inside': 'a:b: 1\nhttp://x: 2\nk8s.io/name: 3\n-x: 4\n?y: 5\nz[0]: 6\n',
  'documents, numbered as written': '# leading comment\n---\na: 1\n--- # second\nb: 2\n---\n---\nc: 3\n---\n',
  'a first document without ---': 'a: 1\n---\nb: 2\n',
  'CRLF line ends': 'a: 1\r\nb:\r\n  c: "x"\r\n  d:\r\n  - e\r\nf: |\r\n  g\r\n',
  'a mapping indented as a whole': '  a: 1\n  b:\n    c: 2\n',
  'tabs in a block scalar and as separation': 'a: |\n  \tindented by a tab\nb: x\t# comment\nc:\t1\n',
  'unicode': 'a: "é"\nb: 日本語\n"ключ": 1\nc: 🙂 text\n',
  'JSON': '{\n  "apiVersion": "v1",\n  "kind": "ConfigMap",\n  "data": {"a": "1", "b": [1, 2, {"c": null}]}\n}\n',
  'JSON on one line': '{"apiVersion": "v1", "kind": "Service", "spec": {"ports": [{"port": 80}]}}',
  'non-mapping documents': 'a: 1\n---\n- x\n---\ntext\n---\nb: 2\n',
  'an anchor (careful path)': 'a: &x {b: 1}\nc: *x\n',
  'a merge key (careful path)': 'a: {b: 1}\nc:\n  <<: {d: 2}\n',
  'a tag': 'a: !!str 1\nb: !!int "2"\nc: ! x\n',
  'syntax errors': 'a: 1\n---\nb: [1\n---\nc: 3\nc: 4\n---\nd: "x\n',
  'a document marker with content': '--- {a: 1}\n--- |\n  text\n',
  'directives and document ends': '%YAML 1.1\n---\na: 1\n...\n---\nb: 2\n',
  // Found comparing the two paths on the YAML test suite in go-yaml's test data:
  'a block scalar whose only line is a tab': 'foo: |\n\t\nbar: 1\n',
  'a lone tag, a null document and an empty one': '!\n---\n~\n---\n# nothing\n---\na: 1\n',
  // Block scalars at the end of a file without a line break (the first was read as "x\n\n" once):
  'a kept block scalar ending in blanks without a line break': 'a: |+\n  x\n  ',
  'a block scalar whose last line has no line break': 'a: |\n  x',
  'a stripped folded scalar ending in blanks without a line break': 'a: >-\n  x\n\n  ',
  'a kept block scalar before a document marker': 'a: |+\n  x\n  \n---\nb: |+\n  y\n\n',
};

test('the quick path gives what the careful path gives, for every shape it reads and every it declines', () => {
  for (const [label, text] of Object.entries(shapes)) assertSameAsCareful(text, label);
});

test('the quick path takes the usual manifest and declines what it must leave to yaml', () => {
  const declined = (text: string): boolean => parseQuickly(text, 'm.yaml') === undefined;
  assert.equal(declined('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n'), false);
  assert.equal(declined('schedule: "*/5 * * * *"\nurl: http://x?a=1&b=2\n'), false, 'a star or ampersand inside a value');
  assert.equal(declined('a: &x 1\n'), true, 'an anchor');
  assert.equal(declined('a: 1\na: 2\n'), true, 'a duplicate key');
  assert.equal(declined('a: {{ .Values.x }}\n'), true, 'a collection as a key');
  assert.equal(declined('- a\n'), true, 'a document that is not a mapping');
  assert.equal(declined('\ufeffa: 1\n'), true, 'a byte-order mark');
});

test('every manifest fixture gives the same documents and positions on both paths', () => {
  const root = fileURLToPath(new URL('../fixtures/', import.meta.url));
  const files = (readdirSync(root, { recursive: true }) as string[]).filter((name) => /\.(ya?ml|json)$/.test(name));
  assert.ok(files.length > 40, `found ${files.length} fixtures`);
  for (const file of files) assertSameAsCareful(readFileSync(join(root, file), 'utf8'), file);
});

test('positions are computed only when asked; a document holds its data and where it starts', () => {
  const [doc] = parseManifests('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n', 'm.yaml').documents as [ManifestDocument];
  assert.deepEqual(doc.positionOf(['metadata', 'name']), { line: 4, column: 9 });
  assert.deepEqual(doc.start, { line: 1, column: 1 });
  assert.deepEqual({ ...doc, positionOf: undefined }, { file: 'm.yaml', index: 0, object: doc.object, start: { line: 1, column: 1 }, positionOf: undefined });
});

test('odd values, keys and block scalars, one at a time, give what the careful path gives', () => {
  const values = [
    ':x', '?x', '-', '--', '---x', 'a:', '|x', '>x', 'x #y', 'x#y', '"x" ', "'x'  # c", '[x]y', '{x}y', '=', '<<x', 'x:y', '"a\\\\"', '"\\""',
    "'''", "''''", '-.5', '+', '.', '..', '0x_1', '1_', '_1', '0.', 'NaN', 'True ', 'x\t', '\u00a0x', 'x\u00a0', '[ ]', '{ }', '[,]', '[a,b]',
    '{a: [b, {c: d}]}', '{"a b": "c"}', '[-1, -x]', '[x-, y]', '[a b c]', '[1.5, .inf, ~, null, yes]', '["a"]  # c', '[]#c', '[] #c', '{a: 1}x',
    '[{}]', '[[]]', '{ "a" : 1 }', "{'a':1}",
  ];
  const keys = ['-', '--', ':x', '?x', 'a b', 'a\tb', '"a\tb"', '1e3', '0x', '-1', '+1', '1.0', '.5', 'é', 'a"b', "a'b", '@x', '%x', '=', 'x ', '"x" '];
  for (const value of values) {
    assertSameAsCareful(`a: ${value}\n`, value);
    assertSameAsCareful(`k:\n  - ${value}\n  - z\n`, `- ${value}`);
  }
  for (const key of keys) assertSameAsCareful(`${key}: 1\nb: 2\nl:\n- ${key}: 1\n  b: 2\n`, key);
  for (const body of ['x\n', '\n x\n', 'x\n\n', 'x\n  y\n', ' x\n y\n', 'x\n\ty\n', 'x\n\n\n']) {
    for (const header of ['|', '|-', '|+', '>', '>-', '>+']) {
      const scalar = `a: ${header}\n${body.replace(/^/gm, '  ')}`;
      for (const text of [`${scalar}b: 1\n`, scalar, `${scalar}---\nb: 1\n`, scalar.trimEnd()]) assertSameAsCareful(text, JSON.stringify(text));
    }
  }
});

// LADDER_PARSE_FUZZ=50000 (and LADDER_PARSE_FUZZ_SEED) for a longer run; CI's 2,000 files take about a second.
const fuzzCount = Number(process.env.LADDER_PARSE_FUZZ ?? 2000);
const fuzzSeed = Number(process.env.LADDER_PARSE_FUZZ_SEED ?? 14);

test(`${fuzzCount} generated files: the quick path gives what the careful path gives, or declines, and declines only what it should`, () => {
  let taken = 0;
  let documents = 0;
  const declinedBy = new Map<string, number>();
  for (const [i, { text, leftToYaml }] of generateYamlFiles(fuzzSeed, fuzzCount).entries()) {
    const label = `file ${i} (seed ${fuzzSeed}): ${JSON.stringify(text)}`;
    const quick = parseQuickly(text, 'm.yaml');
    if (quick) {
      taken++;
      documents += quick.length;
      const careful = parseWithYaml(text, 'm.yaml', { maxAliasCount: 100, maxDepth: 256 });
      assert.deepEqual(careful.findings, [], `${label}: the careful path finds a problem in a file the quick path took`);
      assertSameAsCareful(text, label);
    }
    assert.equal(quick === undefined, leftToYaml.length > 0, `${label}: ${quick ? `taken, with ${leftToYaml.join(', ')}` : 'declined'}`);
    for (const reason of leftToYaml) declinedBy.set(reason, (declinedBy.get(reason) ?? 0) + 1);
  }
  const share = taken / fuzzCount;
  console.log(`quick path took ${taken} of ${fuzzCount} generated files (${(share * 100).toFixed(1)} %, ${documents} documents); declined for: ${JSON.stringify(Object.fromEntries(declinedBy))}`);
  assert.ok(share > 0.3, `the generator gives the quick path enough to take: ${share}`);
});
