import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkServices, parseServices } from '../../src/core/services/load.js';
import { clusterScopedOwners, clustersOf, environmentsSharingCluster } from '../../src/core/services/clusters.js';
import { clusterScopedObjects } from '../../src/core/validate/shared-cluster-scoped.js';

const environment = (name: string, extra = '') => `      ${name}:\n        from: { branches: [main] }\n        namespaces: [x-${name}]\n${extra}`;
const service = (name: string, environments: string) => `  ${name}:\n    repository: shop/${name}\n    path: ${name}\n    environments:\n${environments}`;
const crdGrant = '        clusterScoped: [{ kind: CustomResourceDefinition, names: [widgets.example.com] }]\n';

test('cluster: says which environments share a cluster; an environment without it has one of its own', () => {
  const services = parseServices(
    `services:\n${service('checkout', environment('dev', `        cluster: nonprod\n${crdGrant}`) + environment('stg', '        cluster: nonprod\n') + environment('prd'))}${service('cart', environment('dev', `        cluster: nonprod\n${crdGrant}`) + environment('qa', '        cluster: nonprod\n'))}`,
    '.ladder/services.yml',
  );
  assert.deepEqual([...clustersOf(services)], [['dev', 'nonprod'], ['stg', 'nonprod'], ['qa', 'nonprod']]);
  assert.deepEqual(environmentsSharingCluster(services, 'stg'), ['dev', 'qa']);
  assert.deepEqual(environmentsSharingCluster(services, 'prd'), []);
  assert.deepEqual([...clusterScopedOwners(services)], [['CustomResourceDefinition/widgets.example.com', ['dev']]], 'one environment, however many services grant it there');
});

test('an environment is in one cluster for every service, located at the second cluster:', () => {
  const result = checkServices(`services:\n${service('checkout', environment('dev', '        cluster: nonprod\n'))}${service('cart', environment('dev', '        cluster: other\n'))}`);
  assert.equal(result.ok, false);
  assert.deepEqual(
    result.ok ? [] : result.problems.map((p) => `${p.line}:${p.column} ${p.key}: ${p.message}`),
    ["17:18 services.cart.environments.dev.cluster: environment 'dev' is in cluster 'nonprod' for service 'checkout' (line 9); an environment's agent applies to one cluster for every service"],
  );
  const bad = checkServices(`services:\n${service('checkout', environment('dev', '        cluster: Non_Prod\n'))}`);
  assert.equal(bad.ok, false, 'a cluster name is a DNS label');
});

test('clusterScopedObjects keeps the cluster-scoped files, at their first line, and leaves unknown kinds to the schema check', () => {
  const isNamespaced = (_apiVersion: string, kind: string) => (kind === 'Mystery' ? undefined : kind !== 'CustomResourceDefinition');
  const objects = clusterScopedObjects(
    [
      { path: 'customresourcedefinition-widgets.example.com.yaml', apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name: 'widgets.example.com' },
      { path: 'configmap-settings.yaml', apiVersion: 'v1', kind: 'ConfigMap', name: 'settings' },
      { path: 'mystery-m.yaml', apiVersion: 'x/v1', kind: 'Mystery', name: 'm' },
    ],
    isNamespaced,
    (path) => `checkout/${path}`,
  );
  assert.deepEqual(objects, [{ kind: 'CustomResourceDefinition', name: 'widgets.example.com', file: 'checkout/customresourcedefinition-widgets.example.com.yaml', line: 1, column: 1 }]);
});
