import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { areEnvironmentsOfOneService, diffResources, findIdentityProblems } from '../../src/core/diff/diff-resources.js';
import type { KubeObject } from '../../src/core/manifests/document.js';

// Issue 14: two environments of one service differ in namespace; comparing them field by field needs
// resources matched by group, kind and name.
function render(namespace: string, replicas: number, extra: Record<string, string> = {}): KubeObject[] {
  const labels = { 'app.kubernetes.io/name': 'shop', 'app.kubernetes.io/managed-by': 'ladder', 'app.kubernetes.io/instance': `shop-${namespace}`, ...extra };
  return [
    { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'shop', namespace, labels }, spec: { replicas } },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'shop', namespace, labels }, spec: { ports: [{ port: 80 }] } },
  ];
}

describe('comparing environments', () => {
  it('matched by namespace, two environments share nothing: everything is added and removed', () => {
    const diff = diffResources(render('shop-dev', 1), render('shop-prd', 3));
    assert.equal(diff.added.length, 2);
    assert.equal(diff.removed.length, 2);
    assert.equal(diff.namespaces, undefined);
  });

  it('matched across namespaces, the diff is the fields that differ; the namespace is said once, not per resource', () => {
    const diff = diffResources(render('shop-dev', 1), render('shop-prd', 3), { acrossNamespaces: true });
    assert.deepEqual(diff.added, []);
    assert.deepEqual(diff.removed, []);
    assert.deepEqual(diff.namespaces, { before: ['shop-dev'], after: ['shop-prd'] });
    assert.deepEqual(diff.changed.map((c) => [c.key.kind, c.key.namespace, c.changes.map((change) => change.path)]), [
      ['Service', 'shop-prd', ['metadata.labels["app.kubernetes.io/instance"]']],
      ['Deployment', 'shop-prd', ['metadata.labels["app.kubernetes.io/instance"]', 'spec.replicas']],
    ]);
  });

  it('renders of one service in two namespaces are recognised; other pairs are not', () => {
    assert.equal(areEnvironmentsOfOneService(render('shop-dev', 1), render('shop-prd', 1)), true);
    assert.equal(areEnvironmentsOfOneService(render('shop-dev', 1), render('shop-dev', 2)), false, 'one namespace: an ordinary before and after');
    assert.equal(areEnvironmentsOfOneService(render('shop-dev', 1), render('shop-prd', 1, { 'app.kubernetes.io/name': 'cart' })), false, 'two services');
    const handWritten = render('shop-prd', 1).map((o) => ({ ...o, metadata: { ...(o.metadata as object), labels: {} } }));
    assert.equal(areEnvironmentsOfOneService(render('shop-dev', 1), handWritten), false, 'not managed by Ladder');
  });

  it('one set holding the same kind and name in two namespaces cannot be matched across them', () => {
    const problems = findIdentityProblems([...render('a', 1), ...render('b', 1)], { acrossNamespaces: true });
    assert.equal(problems.length, 2);
    assert.match(problems[0]!.message, /has the kind and name of another resource in another namespace.*--by-namespace/);
    assert.deepEqual(findIdentityProblems([...render('a', 1), ...render('b', 1)]), []);
  });
});
