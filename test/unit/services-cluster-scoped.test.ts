import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clusterScopedCheck } from '../../src/core/services/cluster-scoped.js';
import { parseServices } from '../../src/core/services/load.js';

const services = parseServices(
  `services:
  checkout:
    repository: shop/checkout
    path: checkout
    environments:
      dev: { from: { branches: [main] }, namespaces: [checkout-dev], clusterScoped: [{ kind: ClusterRole, names: [checkout-reader] }] }
      prd: { from: { environment: dev }, namespaces: [checkout] }
  cart:
    repository: shop/cart
    path: cart
    environments:
      dev: { from: { branches: [main] }, namespaces: [cart-dev], clusterScoped: [{ kind: CustomResourceDefinition, names: [carts.shop.example.com] }] }
`,
  '.ladder/services.yml',
);

describe("what an agent may apply of cluster-scoped objects", () => {
  it("what any service of the repository is granted in the agent's environment, and nothing in another", () => {
    const dev = clusterScopedCheck(services, 'dev');
    assert.equal(dev('ClusterRole', 'checkout-reader'), undefined);
    assert.equal(dev('CustomResourceDefinition', 'carts.shop.example.com'), undefined);
    assert.match(dev('ClusterRole', 'cluster-admin')!, /ClusterRole cluster-admin is not granted to dev: add it under clusterScoped:/);
    assert.match(dev('Namespace', 'kube-system')!, /not granted/);
    assert.match(clusterScopedCheck(services, 'prd')('ClusterRole', 'checkout-reader')!, /not granted to prd/);
  });

  it("the agent's config narrows the grant and never widens it", () => {
    const narrowed = clusterScopedCheck(services, 'dev', [{ kind: 'ClusterRole', names: ['checkout-reader', 'cluster-admin'] }]);
    assert.equal(narrowed('ClusterRole', 'checkout-reader'), undefined);
    assert.match(narrowed('CustomResourceDefinition', 'carts.shop.example.com')!, /not in this agent's clusterScoped, which narrows the grant/);
    assert.match(narrowed('ClusterRole', 'cluster-admin')!, /not granted to dev/);
  });

  it('nothing without a grants file', () => {
    assert.match(clusterScopedCheck(undefined, 'dev')('ClusterRole', 'checkout-reader')!, /the repository has no \.ladder\/services\.yml to grant it/);
  });
});
