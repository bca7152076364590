import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadSchemaBundle } from '../../src/adapters/fs/schema-bundle.js';
import { parseManifests } from '../../src/core/manifests/parse.js';
import { resolvePlainScalar } from '../../src/core/manifests/scalars.js';
import { createSchemaValidator } from '../../src/core/validate/schema/index.js';
import { seededRandom } from '../support/random.js';

function valuesOf(text: string): unknown[] {
  const { documents, findings } = parseManifests(text, 'scalars.yaml');
  assert.deepEqual(findings, []);
  return documents.map((doc) => doc.object);
}

// What go-yaml v2 (sigs.k8s.io/yaml, used by kubectl, the API server and kubeconform) gives each plain scalar.
const kubernetesReads: [string, unknown][] = [
  ['yes', true], ['Yes', true], ['YES', true], ['y', true], ['Y', true], ['on', true], ['On', true], ['ON', true],
  ['true', true], ['True', true], ['TRUE', true],
  ['no', false], ['No', false], ['NO', false], ['n', false], ['N', false], ['off', false], ['Off', false], ['OFF', false],
  ['false', false], ['False', false], ['FALSE', false],
  ['yEs', 'yEs'], ['tRUE', 'tRUE'], ['onn', 'onn'],
  ['~', null], ['null', null], ['Null', null], ['NULL', null], ['nULL', 'nULL'],
  ['0644', 420], ['-0644', -420], ['0o17', 15], ['0x1F', 31], ['-0x1F', -31], ['0b101', 5], ['-0b101', -5], ['0', 0],
  ['08', 8], ['1_000', 1000], ['+12', 12], ['-12', -12], ['0x', '0x'], ['0b', '0b'],
  ['1.5', 1.5], ['-.5', -0.5], ['.5', 0.5], ['.5e3', 500], ['1e+3', 1000], ['6.02e-23', 6.02e-23],
  ['1e3', '1e3'], ['1.', '1.'], ['1e+400', '1e+400'], ['0xFFFFFFFFFFFFFFFFF', '0xFFFFFFFFFFFFFFFFF'],
  ['.inf', Number.POSITIVE_INFINITY], ['-.Inf', Number.NEGATIVE_INFINITY], ['.NaN', Number.NaN], ['.iNf', '.iNf'],
  ['12:30', '12:30'], ['2024-01-31', '2024-01-31'], ['2001-12-14t21:59:43.10-05:00', '2001-12-14t21:59:43.10-05:00'],
  ['1.2.3', '1.2.3'], ['+', '+'], ['-x', '-x'], ['_1', '_1'], ['v1', 'v1'],
];

test('plain scalars resolve as go-yaml v2 resolves them for Kubernetes', () => {
  for (const [text, expected] of kubernetesReads) {
    const resolved = resolvePlainScalar(text);
    assert.deepEqual(resolved ? resolved.value : text, expected, text);
  }
});

test('decimal integers read as ParseInt reads them, on the quick way for short ones and the long way for the rest', () => {
  const random = seededRandom(7);
  const digit = () => String(Math.floor(random() * 10));
  for (let i = 0; i < 20_000; i++) {
    const sign = ['', '', '-', '+'][Math.floor(random() * 4)]!;
    const zeros = random() < 0.1 ? '0' : '';
    const text = sign + zeros + Array.from({ length: 1 + Math.floor(random() * 20) }, digit).join('');
    const resolved = resolvePlainScalar(text);
    const octal = zeros !== '' || (/^[-+]?0[0-9]/.test(text));
    if (octal) continue; // octal and its float fallback are in the table above
    const value = BigInt(text);
    const fits = value >= -(2n ** 63n) && value <= 2n ** 64n - 1n && (value <= 2n ** 63n - 1n || sign !== '+');
    // Out of range, ParseInt fails and go-yaml reads the digits as a float.
    assert.deepEqual(resolved, fits ? { tag: 'int', value: Number(value) } : { tag: 'float', value: Number(text) }, text);
  }
  for (const [text, value] of [['0', 0], ['-0', 0], ['8080', 8080], ['-1', -1], ['999999999999999', 999999999999999], ['9999999999999999', 1e16]] as const) {
    assert.ok(Object.is(resolvePlainScalar(text)?.value, value), text);
  }
});

test('YAML 1.1 booleans and octals in a manifest are what kubectl reads, on both parse paths', () => {
  const body = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: yes\n  b: "yes"\n  c: off\n  d: 0644\n  e: 1e3\n  f: 1_000\n  on: y\n';
  const expected = {
    apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' },
    data: { a: true, b: 'yes', c: false, d: 420, e: '1e3', f: 1000, true: true },
  };
  assert.deepEqual(valuesOf(body), [expected]);
  // An anchor sends the file down the careful path (the `yaml` package); the values must not change.
  assert.deepEqual(valuesOf(body.replace('name: x', 'name: &n x')), [expected]);
});

test('an env value of yes is refused like kubectl refuses it, and a quoted one passes', async () => {
  const validator = createSchemaValidator(await loadSchemaBundle());
  const pod = (value: string) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n      env:\n        - name: FEATURE\n          value: ${value}\n`;
  const [finding, ...rest] = validator.validate(parseManifests(pod('yes'), 'pod.yaml').documents);
  assert.deepEqual(rest, []);
  assert.equal(finding?.message, 'spec.containers[0].env[0].value: expected string, got boolean true');
  assert.deepEqual([finding?.line, finding?.column], [11, 18]);
  assert.deepEqual(validator.validate(parseManifests(pod('"yes"'), 'pod.yaml').documents), []);
});

test('merge keys merge as in go-yaml: the mapping\'s own keys win', () => {
  const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  labels: &base\n    team: a\n    tier: web\ndata:\n  <<: *base\n  tier: api\n';
  assert.deepEqual(valuesOf(text)[0], {
    apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', labels: { team: 'a', tier: 'web' } }, data: { team: 'a', tier: 'api' },
  });
});
