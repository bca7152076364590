import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadSchemaBundle } from '../../src/adapters/fs/schema-bundle.js';
import { parseManifests } from '../../src/core/manifests/parse.js';
import { createSchemaValidator } from '../../src/core/validate/schema/index.js';

// kube-apiserver 1.36.3 took each object these tests accept, and refused each one they refuse.
const validator = createSchemaValidator(await loadSchemaBundle('1.36'));

function findings(container: object): string[] {
  const labels = { app: 'web' };
  const text = JSON.stringify({
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' },
    spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'app', image: 'shop/web:1', ...container }] } } },
  });
  return validator.validate(parseManifests(text, 'deploy.json').documents).map((f) => `${f.severity} ${f.rule} ${f.message}`);
}

test('a field of a feature that is off is dropped by the server: a bad value there is a warning, not an error', () => {
  const result = findings({ lifecycle: { stopSignal: 'SIGBOGUS' } });
  assert.equal(result.length, 1);
  assert.match(result[0]!, /^warning schema spec\.template\.spec\.containers\[0\]\.lifecycle\.stopSignal: must be one of .*; kube-apiserver 1\.36 drops this field before validating/);
});

test('a required number left out is Go\'s zero value: accepted where validation accepts zero', () => {
  assert.deepEqual(findings({ lifecycle: { preStop: { sleep: {} } } }), []);
});

test('a required field whose zero value validation refuses stays an error', () => {
  const result = findings({ ports: [{ name: 'http' }] });
  assert.deepEqual(result, ['error schema spec.template.spec.containers[0].ports[0].containerPort: required field missing']);
  // An enum outside a dropped field stays an error as well.
  assert.match(findings({ imagePullPolicy: 'Sometimes' })[0]!, /^error schema .*imagePullPolicy: must be one of Always, IfNotPresent, Never/);
});
