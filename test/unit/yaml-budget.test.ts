import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkConfig } from '../../src/core/config/load.js';
import { parseManifests } from '../../src/core/manifests/parse.js';
import { findNestingOver } from '../../src/core/yaml/budget.js';
import { cpuTimed as timed } from '../support/cpu-time.js';

/** Shapes of YAML that made a reader run away (issue #11): each is now a located refusal, fast (in CPU time, which load does not stretch). */

test('a config value with a self-referencing alias is refused where the alias stands', () => {
  const { value, ms } = timed(() => checkConfig('service: a\nvalues:\n  default:\n    x: &x [1, *x]\n'));
  assert.deepEqual(value, {
    ok: false,
    problems: [{ message: 'alias *x stands inside the value &x names, which makes an endless value; write the value out', key: 'values.default.x[1]', line: 4, column: 15 }],
  });
  assert.ok(ms < 1000, `took ${ms} ms of CPU`);
});

test('an alias to an enclosing mapping is a cycle too', () => {
  const result = checkConfig('values:\n  default: &d\n    x: { y: *d }\n');
  assert.equal(result.ok, false);
  assert.match(!result.ok ? result.problems[0]!.message : '', /^alias \*d stands inside the value &d names/);
});

test('values tagged as sets, ordered maps, timestamps or bytes are refused with their location', () => {
  for (const [tag, column] of [['!!set {a, b}', 8], ['!!omap [a: 1]', 8], ['!!pairs [a: 1]', 8], ['!!timestamp 2001-12-14', 8], ['!!binary aGVsbG8=', 8]] as const) {
    const result = checkConfig(`values:\n  default:\n    x: ${tag}\n`);
    const name = tag.split(' ')[0];
    assert.equal(result.ok, false, tag);
    const [problem] = !result.ok ? result.problems : [];
    assert.equal(problem?.message, `the tag ${name} makes something other than plain data (text, a number, true/false, a list or a mapping); remove it`);
    assert.equal(problem?.key, 'values.default.x');
    assert.equal(problem?.line, 3);
    assert.ok((problem?.column ?? 0) >= column, tag);
  }
});

test('plain tags still load: !!str makes text of a number', () => {
  const result = checkConfig('service: a\nvalues:\n  default:\n    x: !!str 1\n');
  assert.equal(result.ok, false); // the rest of the config is missing; the tag is not the problem
  assert.ok(!result.ok && result.problems.every((problem) => !/tag/.test(problem.message)));
});

test('aliases whose expansion nests too deep are refused at the alias, without expanding the bomb', () => {
  const deep = `${'{ a: '.repeat(150)}1${' }'.repeat(150)}`;
  const text = `values:\n  default:\n    d: &d ${deep}\n    e: { f: ${'{ g: '.repeat(60)}*d${' }'.repeat(60)} }\n`;
  const result = checkConfig(text);
  assert.equal(result.ok, false);
  assert.match(!result.ok ? result.problems[0]!.message : '', /^nested more than 200 levels deep once its aliases are expanded$/);
});

test('a manifest with a self-referencing alias is a finding, not a circular object', () => {
  const { value, ms } = timed(() => parseManifests('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: &x [1, *x]\n', 'cm.yaml'));
  assert.deepEqual(value.documents, []);
  assert.deepEqual(value.findings.map((f) => [f.line, f.column, f.rule, f.message]), [[4, 14, 'input', 'document 1: alias *x stands inside the value &x names, which makes an endless value']]);
  assert.ok(ms < 1000, `took ${ms} ms of CPU`);
});

test('8 MB of [ is refused before any parser runs', () => {
  const { value, ms } = timed(() => parseManifests('['.repeat(8 * 1024 * 1024 - 16), 'brackets.yaml'));
  assert.deepEqual(value.findings.map((f) => [f.line, f.column, f.message]), [[1, 257, 'nested more than 256 levels deep']]);
  assert.ok(ms < 2000, `took ${ms} ms of CPU (it took a minute and 3 GB before)`);
});

test('a run of block-sequence markers nests too, and is refused the same way', () => {
  const { value, ms } = timed(() => parseManifests(`a:\n${'- '.repeat(3_000_000)}x\n`, 'dashes.yaml'));
  assert.deepEqual(value.findings.map((f) => [f.line, f.column, f.message]), [[2, 513, 'nested more than 256 levels deep']]);
  assert.ok(ms < 2000, `took ${ms} ms of CPU`);
});

test('the shortest line with one marker too many is found, on the last line and after a CR too, and one fewer is not', () => {
  // A file without brackets is answered from its line lengths unless a line could hold max + 1 markers.
  for (const [text, expected] of [
    ['- - - -\tx', { line: 1, column: 7 }],
    ['a: 1\n- - - - \n', { line: 2, column: 7 }],
    ['a: 1\r\n- - - - x\r\nb: 2', { line: 2, column: 7 }],
    ['- - - x\n- - -\t\n', undefined],
    ['a: - - - - x\n', undefined],
    ['a: [b]\n- - - x\n', undefined],
    ['a: [[[[b]]]]\n', { line: 1, column: 7 }],
  ] as const) {
    assert.deepEqual(findNestingOver(text, 3), expected, JSON.stringify(text));
  }
});

test('a deep but legal manifest still parses', () => {
  const nested = `${'{ a: '.repeat(100)}1${' }'.repeat(100)}`;
  const parsed = parseManifests(`apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: { x: "1" }\nextra: ${nested}\n`, 'deep.yaml');
  assert.deepEqual(parsed.findings, []);
  assert.equal(parsed.documents.length, 1);
});
