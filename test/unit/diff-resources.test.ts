import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diffResources, findIdentityProblems, hasDifferences } from '../../src/core/diff/diff-resources.js';
import { formatResourceKey } from '../../src/core/diff/resource-key.js';
import type { KubeObject } from '../../src/core/manifests/document.js';

function deployment(name: string, spec: Record<string, unknown> = {}, namespace = 'shop'): KubeObject {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace }, spec };
}

describe('diffResources', () => {
  it('reports nothing for the same objects in another order and key order', () => {
    const a = deployment('web', { replicas: 2, selector: { matchLabels: { app: 'web' } } });
    const b = { spec: { selector: { matchLabels: { app: 'web' } }, replicas: 2 }, metadata: { namespace: 'shop', name: 'web' }, kind: 'Deployment', apiVersion: 'apps/v1' };
    const diff = diffResources([deployment('api'), a], [b, deployment('api')]);
    assert.deepEqual(diff, { added: [], removed: [], changed: [] });
    assert.equal(hasDifferences(diff), false);
  });

  it('keys resources by group, kind, namespace and name', () => {
    const before = [deployment('web'), deployment('web', {}, 'other'), { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop' } }];
    const after = [deployment('web'), { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop' } }, deployment('worker')];
    const diff = diffResources(before, after);
    assert.deepEqual(diff.added.map(formatResourceKey), ['apps/v1 Deployment shop/worker']);
    assert.deepEqual(diff.removed.map(formatResourceKey), ['apps/v1 Deployment other/web']);
    assert.deepEqual(diff.changed, []);
  });

  it('treats a new API version of the same object as a change of apiVersion', () => {
    const before = { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web' }, spec: { maxReplicas: 3 } };
    const after = { ...before, apiVersion: 'autoscaling/v2' };
    const diff = diffResources([before], [after]);
    assert.deepEqual(diff.added, []);
    assert.deepEqual(diff.removed, []);
    assert.deepEqual(diff.changed, [
      { key: { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', namespace: '', name: 'web' }, changes: [{ path: 'apiVersion', before: 'autoscaling/v1', after: 'autoscaling/v2' }] },
    ]);
  });

  it('lists field changes with paths and old and new values', () => {
    const before = deployment('web', { replicas: 2, paused: true, template: { metadata: { labels: { 'app.kubernetes.io/version': 'aaa' } } } });
    const after = deployment('web', { replicas: 3, strategy: { type: 'Recreate' }, template: { metadata: { labels: { 'app.kubernetes.io/version': 'bbb' } } } });
    const [changed] = diffResources([before], [after]).changed;
    assert.deepEqual(changed?.changes, [
      { path: 'spec.paused', before: true },
      { path: 'spec.replicas', before: 2, after: 3 },
      { path: 'spec.strategy', after: { type: 'Recreate' } },
      { path: 'spec.template.metadata.labels["app.kubernetes.io/version"]', before: 'aaa', after: 'bbb' },
    ]);
  });

  it('matches containers by name, so inserting one does not change the others', () => {
    const pod = (containers: unknown[]) => deployment('web', { template: { spec: { containers } } });
    const app = { name: 'app', image: 'shop/web:1' };
    const before = pod([app]);
    const after = pod([{ name: 'proxy', image: 'envoy:1' }, { ...app, image: 'shop/web:2' }]);
    const [changed] = diffResources([before], [after]).changed;
    assert.deepEqual(changed?.changes, [
      { path: 'spec.template.spec.containers[name=app].image', before: 'shop/web:1', after: 'shop/web:2' },
      { path: 'spec.template.spec.containers[name=proxy]', after: { name: 'proxy', image: 'envoy:1' } },
    ]);
  });

  it('reports a reordered named list as a change of order', () => {
    const env = (names: string[]) => deployment('web', { env: names.map((name) => ({ name, value: '1' })) });
    const [changed] = diffResources([env(['A', 'B'])], [env(['B', 'A'])]).changed;
    assert.deepEqual(changed?.changes, [{ path: 'spec.env', before: ['A', 'B'], after: ['B', 'A'] }]);
  });

  it('shows a list of scalars as a whole', () => {
    const [changed] = diffResources([deployment('web', { args: ['a', 'b'] })], [deployment('web', { args: ['a', 'x', 'b'] })]).changed;
    assert.deepEqual(changed?.changes, [{ path: 'spec.args', before: ['a', 'b'], after: ['a', 'x', 'b'] }]);
  });

  it('distinguishes a string from a number', () => {
    const [changed] = diffResources([deployment('web', { replicas: '1' })], [deployment('web', { replicas: 1 })]).changed;
    assert.deepEqual(changed?.changes, [{ path: 'spec.replicas', before: '1', after: 1 }]);
  });

  it('never shows Secret values, but says which keys changed', () => {
    const secret = (data: Record<string, string> | undefined, stringData?: Record<string, string>): KubeObject => ({
      apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'shop' }, type: 'Opaque',
      ...(data ? { data } : {}), ...(stringData ? { stringData } : {}),
    });
    const diff = diffResources(
      [secret({ password: 'b2xk', user: 'YWRtaW4=' })],
      [secret({ password: 'bmV3', token: 'dG9r', user: 'YWRtaW4=' }, { extra: 'plain' })],
    );
    assert.deepEqual(diff.changed[0]?.changes, [
      { path: 'data.password', before: '(hidden)', after: '(hidden)', masked: true },
      { path: 'data.token', after: '(hidden)', masked: true },
      { path: 'stringData', after: { extra: '(hidden)' }, masked: true },
    ]);
    assert.doesNotMatch(JSON.stringify(diff), /b2xk|bmV3|dG9r|plain/);
  });

  it('masks the last-applied annotation of a Secret, which copies its data', () => {
    const secret = (annotations: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', annotations } });
    const last = 'kubectl.kubernetes.io/last-applied-configuration';
    const diff = diffResources([secret({ owner: 'a' })], [secret({ owner: 'b', [last]: '{"data":{"password":"c2VjcmV0"}}' })]);
    assert.deepEqual(diff.changed[0]?.changes, [
      { path: `metadata.annotations["${last}"]`, after: '(hidden)', masked: true },
      { path: 'metadata.annotations.owner', before: 'a', after: 'b' },
    ]);
  });

  it('shows the values of a ConfigMap with the same data', () => {
    const map = (value: string): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg' }, data: { password: value } });
    assert.deepEqual(diffResources([map('a')], [map('b')]).changed[0]?.changes, [{ path: 'data.password', before: 'a', after: 'b' }]);
  });

  it('sorts every list whatever the input order', () => {
    const names = ['c', 'a', 'b'];
    const diff = diffResources([], names.map((n) => deployment(n)));
    assert.deepEqual(diff.added.map((k) => k.name), ['a', 'b', 'c']);
    const reversed = diffResources(names.map((n) => deployment(n)).reverse(), []);
    assert.deepEqual(reversed.removed.map((k) => k.name), ['a', 'b', 'c']);
  });

  it('refuses a set with the same resource twice', () => {
    assert.throws(() => diffResources([deployment('web'), deployment('web')], []), /appears twice on the before side/);
  });
});

describe('findIdentityProblems', () => {
  it('names objects without identity and second definitions', () => {
    const problems = findIdentityProblems([deployment('web'), { kind: 'Deployment', metadata: { name: 'x' } }, deployment('web')]);
    assert.deepEqual(problems, [
      { index: 1, message: 'has no apiVersion, kind or metadata.name, so it cannot be matched with another resource' },
      { index: 2, message: 'apps/v1 Deployment shop/web is defined more than once', duplicateOf: 0 },
    ]);
  });
});
