// The pure steps before anything reaches the API server: reading a commit's
// files into marked objects, the ApplySet id, and the inventory's order.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { parseCommitFiles } from '../../src/agent/sync/desired.js';
import { sortMembers } from '../../src/agent/sync/inventory.js';
import { applySetId, stamp } from '../../src/agent/apply/marks.js';

test('the ApplySet id follows KEP-3659 for a ConfigMap parent', () => {
  const expected = `applyset-${createHash('sha256').update('ladder-inventory-prd.ladder-system.ConfigMap.').digest('base64url')}-v1`;
  assert.equal(applySetId({ namespace: 'ladder-system', name: 'prd' }), expected);
  assert.notEqual(applySetId({ namespace: 'ladder-system', name: 'stg' }), expected);
});

test('objects are marked with the inventory and their file, without server-owned fields', () => {
  const content = [
    'apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: a', '  labels: { app: web }', '  resourceVersion: "42"', '  uid: 0000',
    'data: { k: v }', 'status: { phase: x }', '---', 'apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: b', '',
  ].join('\n');
  const { objects, problems } = parseCommitFiles([{ path: 'env/cm.yaml', content }], 'applyset-x-v1');
  assert.deepEqual(problems, []);
  assert.deepEqual(objects.map((o) => [o.ref.name, o.line]), [['a', 1], ['b', 11]]);
  assert.deepEqual(objects[0]!.object, {
    apiVersion: 'v1', kind: 'ConfigMap',
    metadata: { name: 'a', labels: { app: 'web', 'applyset.kubernetes.io/part-of': 'applyset-x-v1' }, annotations: { 'ladder.dev/inventory': 'applyset-x-v1', 'ladder.dev/source': 'env/cm.yaml' } },
    data: { k: 'v' },
  });
});

test("stamp leaves the caller's object alone", () => {
  const original = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } };
  stamp(original, 'id', 'f.yaml');
  assert.deepEqual(original, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } });
});

test('bad YAML and incomplete documents are problems located in their file', () => {
  const { problems } = parseCommitFiles([
    { path: 'a.yaml', content: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [oops\n' },
    { path: 'b.yaml', content: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n' },
  ], 'id');
  assert.equal(problems.length, 2);
  assert.equal(problems[0]!.file, 'a.yaml');
  assert.ok((problems[0]!.line ?? 0) >= 4);
  assert.deepEqual(problems[1], { file: 'b.yaml', line: 1, message: 'a manifest needs apiVersion, kind and metadata.name' });
});

test('labels or annotations that are not maps, and a namespace that is not a string, are located problems, not mangled', () => {
  const doc = (metadata: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n${metadata}\n`;
  const { objects, problems } = parseCommitFiles([
    { path: 'labels.yaml', content: doc('  labels: web') },
    { path: 'annotations.yaml', content: doc('  annotations: [x]') },
    { path: 'namespace.yaml', content: doc('  namespace: 5') },
  ], 'applyset-x-v1');
  assert.deepEqual(objects, []);
  assert.deepEqual(problems, [
    { file: 'labels.yaml', line: 1, message: 'metadata.labels must be a map of names to strings' },
    { file: 'annotations.yaml', line: 1, message: 'metadata.annotations must be a map of names to strings' },
    { file: 'namespace.yaml', line: 1, message: 'metadata.namespace must be a string' },
  ]);
});

test('inventory members are deduplicated by identity (the later apiVersion wins) and sorted', () => {
  const members = sortMembers([
    { apiVersion: 'v1', kind: 'Service', namespace: 'shop', name: 'web' },
    { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', namespace: 'shop', name: 'web' },
    { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', namespace: 'shop', name: 'web' },
  ]);
  assert.deepEqual(members, [
    { apiVersion: 'v1', kind: 'Service', namespace: 'shop', name: 'web' },
    { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', namespace: 'shop', name: 'web' },
  ]);
});
