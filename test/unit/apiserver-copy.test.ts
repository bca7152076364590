import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cloneData } from '../../src/core/validate/apiserver/access.js';
import { createApiServerRules, formatFieldError } from '../../src/core/validate/apiserver/index.js';
import { podOptionsFor } from '../../src/core/validate/apiserver/pod/options.js';
import { kindRules } from '../../src/core/validate/apiserver/kinds/registry.js';
import { serverCases } from '../support/apiserver-cases.js';

// Kinds whose defaulting writes only their own top-level fields (and metadata.generation) copy only
// those: the answers must be the deep copy's, and the manifest as written must stay as it was.
const minor = 36;
const context = { minor, pod: podOptionsFor(minor) };
const rules = createApiServerRules(minor);

const shallow: Record<string, unknown>[] = [
  { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'Bad_Name', labels: { app: 'x' } } },
  { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { 'bad key': 'x', ok: 'y' }, binaryData: { ok: 'eA==' } },
  { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { 'a b': 'eA==' } },
  { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, type: 'kubernetes.io/dockerconfigjson', stringData: { '.dockerconfigjson': '{' } },
  { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'UPPER', annotations: { 'a/b/c': 'x' } } },
  { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'i', labels: { app: 'x' } }, spec: { rules: [{ host: 'Bad Host', http: { paths: [{ path: 'x', pathType: 'Prefix', backend: { service: { name: 's', port: { number: 80 } } } }] } }] } },
  { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', spec: {} },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'r' }, rules: [{ verbs: [] }] },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'r', namespace: 'n' }, rules: [{ verbs: ['get'], resources: ['pods'] }] },
];

function deepCopyAnswer(object: Record<string, unknown>): string[] {
  const kind = kindRules[`${String(object['apiVersion'])}/${String(object['kind'])}`]!;
  const copy = cloneData(object);
  kind.prepare(copy, context);
  return kind.validate(copy, context).map(formatFieldError);
}

for (const object of [...shallow, ...serverCases.map((item) => item.object)]) {
  const name = `${String(object['kind'])} ${JSON.stringify(object).slice(0, 80)}`;
  test(`the API server's rules copy what defaulting writes, no less: ${name}`, () => {
    const before = structuredClone(object);
    const refusals = rules.check(object).filter((refusal) => refusal.severity === 'error');
    assert.deepEqual(object, before, 'the manifest as written is unchanged');
    assert.deepEqual([...new Set(refusals.map((refusal) => refusal.message))], [...new Set(deepCopyAnswer(object))]);
    assert.deepEqual(object, before, 'and unchanged again');
  });
}

test('kinds that copy only their top level still see their defaults', () => {
  assert.equal(kindRules['v1/Secret']!.copy !== undefined, true);
  assert.deepEqual(rules.prepared({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' } })?.['type'], 'Opaque');
  assert.deepEqual(rules.prepared({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } })?.['data'], {});
  const ingress = { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'i' } };
  assert.deepEqual(rules.prepared(ingress)?.['metadata'], { name: 'i', generation: 1 });
  assert.deepEqual(ingress.metadata, { name: 'i' });
});
