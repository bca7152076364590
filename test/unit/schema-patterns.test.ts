import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadSchemaBundle } from '../../src/adapters/fs/schema-bundle.js';
import { parseManifests } from '../../src/core/manifests/parse.js';
import { createSchemaValidator } from '../../src/core/validate/schema/index.js';
import { re2PatternProblem, re2RegExp } from '../../src/core/validate/schema/re2.js';
import type { ValidatorCodeStore } from '../../src/core/validate/schema/code-cache.js';
import { crdYaml } from '../support/crd-yaml.js';
import { cpuTimed } from '../support/cpu-time.js';

/**
 * CRD patterns are checked as kube-apiserver checks them: Go's regexp, RE2
 * syntax, in linear time. They used to run on JavaScript's backtracking
 * RegExp, which stalled on `^(a|a)*$`; a heuristic then skipped the patterns
 * it thought dangerous (with a warning), and missed these.
 */

test('patterns compile as Go compiles them: RE2 syntax, nothing JavaScript adds', () => {
  for (const valid of ['^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', '^(\\S+\\s+){4}\\S+$', '^(a+)+$', '(a*)*', '^(a|a)*$', '^(a{1,20}){1,20}$', '^(?:v\\d+)?$', '^(?P<n>a)$', '^\\pL+$']) {
    assert.equal(re2PatternProblem(valid), undefined, valid);
  }
  assert.equal(re2PatternProblem('(a)\\1'), 'error parsing regexp: invalid escape sequence: `\\1`');
  assert.equal(re2PatternProblem('a(?=b)'), 'error parsing regexp: invalid or unsupported Perl syntax: `(?=`');
  assert.equal(re2PatternProblem('a{1001}'), 'error parsing regexp: invalid repeat count: `{1001}`');
});

test('matching is unanchored, as the API server applies a pattern, and linear on the inputs that made RegExp backtrack', () => {
  assert.equal(re2RegExp('b+').test('abbbc'), true);
  assert.equal(re2RegExp('^b+$').test('abbbc'), false);
  for (const [pattern, input] of [['^(a|a)*$', `${'a'.repeat(100_000)}b`], ['^(a{1,20}){1,20}$', 'a'.repeat(401)], ['^([a-z]+)+$', `${'a'.repeat(100_000)}!`]] as const) {
    const { value: matched, ms } = cpuTimed(() => re2RegExp(pattern).test(input));
    assert.equal(matched, false, pattern);
    assert.ok(ms < 2000, `${pattern} took ${ms} ms of CPU`);
  }
});

// The timeout turns a regression (catastrophic backtracking on 40 characters) into a failure instead of a hang.
test('a CRD pattern that stalled JavaScript is now enforced, in bounded time, with the server\'s verdict', { timeout: 10_000 }, async () => {
  const text = `${hostsCrd(`
spec:
  type: object
  properties:
    domain:
      type: string
      pattern: '^([a-z]+)+$'
    port:
      type: integer
`)}---
apiVersion: example.com/v1
kind: Host
metadata:
  name: h
spec:
  domain: "${'a'.repeat(40)}!"
  port: "80"
`;
  const bundle = await loadSchemaBundle();
  const { value: findings, ms } = cpuTimed(() => createSchemaValidator(bundle).validate(parseManifests(text, 'hosts.yaml').documents));
  assert.ok(ms < 5000, `no catastrophic backtracking: ${ms} ms of CPU`);
  assert.deepEqual(findings.map((f) => `${f.line}:${f.column} ${f.severity} ${f.message.slice(0, 60)}`), [
    '31:11 error spec.domain: must match the pattern ^([a-z]+)+$; got string ',
    '32:9 error spec.port: expected integer, got string "80"',
  ]);
});

test("the issue's patterns and a 100,000-character value: refused at the field in well under a second", { timeout: 10_000 }, async () => {
  const crd = (pattern: string, value: string) => `${hostsCrd(`
spec:
  type: object
  properties:
    name:
      type: string
      pattern: '${pattern}'
`)}---
apiVersion: example.com/v1
kind: Host
metadata:
  name: h
spec:
  name: "${value}"
`;
  const bundle = await loadSchemaBundle();
  for (const [pattern, value] of [['^(a|a)*$', `${'a'.repeat(100_000)}b`], ['^(a{1,20}){1,20}$', 'a'.repeat(401)]]) {
    const { value: findings, ms } = cpuTimed(() => createSchemaValidator(bundle).validate(parseManifests(crd(pattern!, value!), 'hosts.yaml').documents));
    assert.deepEqual(findings.map((f) => [f.line, f.column, f.severity, f.message.startsWith(`spec.name: must match the pattern ${pattern}`)]), [[29, 9, 'error', true]], pattern);
    assert.ok(ms < 3000, `${pattern}: ${ms} ms of CPU`);
  }
});

test('a CRD pattern Go does not compile is the error the API server would give, at the pattern', async () => {
  const text = hostsCrd(`
name:
  type: string
  pattern: '^(?=a)b$'
`);
  const findings = createSchemaValidator(await loadSchemaBundle()).validate(parseManifests(text, 'hosts.yaml').documents);
  assert.deepEqual(findings.map((f) => `${f.line}:${f.column} ${f.severity} ${f.message}`), [
    '19:24 error pattern ^(?=a)b$ of example.com/v1 Host is not a valid Go (RE2) regular expression, so the API server refuses this CRD: error parsing regexp: invalid or unsupported Perl syntax: `(?=`',
  ]);
});

test('a validator with patterns loads from the code cache: the second run compiles nothing and still matches as RE2 does, in linear time', { timeout: 20_000 }, async () => {
  const text = `${hostsCrd(`
spec:
  type: object
  properties:
    name:
      type: string
      pattern: '^(a|a)*$'
`)}---
apiVersion: example.com/v1
kind: Host
metadata:
  name: h
spec:
  name: "${'a'.repeat(100_000)}b"
`;
  const bundle = await loadSchemaBundle();
  const entries = new Map<string, { code: string; v8?: Uint8Array }>();
  let writes = 0;
  const codeStore: ValidatorCodeStore = {
    read: (key) => entries.get(key),
    write(key, code, v8) {
      writes++;
      entries.set(key, v8 ? { code, v8 } : { code });
    },
  };
  const run = () => createSchemaValidator(bundle, { codeStore }).validate(parseManifests(text, 'hosts.yaml').documents).map((f) => `${f.line}:${f.column} ${f.message.slice(0, 50)}`);
  const compiled = run();
  assert.deepEqual(compiled, ['29:9 spec.name: must match the pattern ^(a|a)*$; got st']);
  const written = writes;
  assert.ok(written >= 2, 'the CRD\'s validators (yes/no and explaining) were written');
  const { value: loaded, ms } = cpuTimed(run);
  assert.deepEqual(loaded, compiled);
  assert.equal(writes, written, 'nothing compiled again: the code with its patterns loaded from the store');
  assert.ok(ms < 3000, `the loaded code matches in linear time (RE2), not by backtracking: ${ms} ms of CPU`);
});

/** A cluster-scoped CRD, hosts.example.com (kind Host), whose properties start at line 17. */
function hostsCrd(properties: string): string {
  return crdYaml({ kind: 'Host', plural: 'hosts', scope: 'Cluster', properties });
}
