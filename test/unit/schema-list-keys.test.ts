import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadSchemaBundle } from '../../src/adapters/fs/schema-bundle.js';
import { parseManifests } from '../../src/core/manifests/parse.js';
import { createSchemaValidator } from '../../src/core/validate/schema/index.js';

// What server-side apply refused on kube-apiserver 1.36.3 (500 "failed to create typed
// patch object ... duplicate entries for key ..."), and what it took.
const validator = createSchemaValidator(await loadSchemaBundle('1.36'));

function findings(spec: object, metadata: object = {}): string[] {
  const text = JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', ...metadata }, spec });
  return validator.validate(parseManifests(text, 'pod.json').documents).map((f) => `${f.rule} ${f.message}`);
}
const container = { name: 'app', image: 'shop/web:1' };

test('two env vars of one name: refused by server-side apply though validation allows them', () => {
  const result = findings({ containers: [{ ...container, env: [{ name: 'A', value: '1' }, { name: 'A', value: '2' }] }] });
  assert.equal(result.length, 1);
  assert.match(result[0]!, /^apiserver spec\.containers\[0\]\.env\[1\]: duplicate entries for key \[name="A"\] \(first at spec\.containers\[0\]\.env\[0\]\); server-side apply merges this list by name/);
});

test('a key field left out takes its schema default: two ports 80 without protocol are one key', () => {
  const result = findings({ containers: [{ ...container, ports: [{ containerPort: 80 }, { containerPort: 80 }] }] });
  assert.deepEqual(result.map((r) => r.replace(/ \(first.*/, '')), ['apiserver spec.containers[0].ports[1]: duplicate entries for key [containerPort=80,protocol="TCP"]']);
  // An explicit "" is another key for server-side apply; the server took this object.
  assert.deepEqual(findings({ containers: [{ ...container, ports: [{ containerPort: 80, protocol: '' }, { containerPort: 80 }] }] }), []);
  assert.deepEqual(findings({ containers: [{ ...container, ports: [{ containerPort: 80, protocol: 'UDP' }, { containerPort: 80 }] }] }), []);
});

test('set lists refuse a repeated value; atomic lists (tolerations) take repeats', () => {
  const result = findings({ containers: [container] }, { finalizers: ['example.com/a', 'example.com/a'] });
  assert.equal(result.length, 1);
  assert.match(result[0]!, /^apiserver metadata\.finalizers\[1\]: duplicate entries for value "example\.com\/a" \(first at metadata\.finalizers\[0\]\)/);
  assert.deepEqual(findings({ containers: [container], tolerations: [{ key: 'a', operator: 'Exists' }, { key: 'a', operator: 'Exists' }] }), []);
});

test('duplicates are found at any depth and in every map list of the path', () => {
  const result = findings({
    containers: [container, { ...container, image: 'other' }],
    imagePullSecrets: [{ name: 'r' }, { name: 'r' }],
    hostAliases: [{ ip: '10.0.0.1', hostnames: ['a'] }, { ip: '10.0.0.1', hostnames: ['b'] }],
  });
  assert.deepEqual(result.map((r) => r.replace(/:.*?key /, ' ').replace(/ \(first.*/, '')).sort(), [
    'apiserver spec.containers[1] [name="app"]',
    'apiserver spec.hostAliases[1] [ip="10.0.0.1"]',
    'apiserver spec.imagePullSecrets[1] [name="r"]',
  ].sort());
});
