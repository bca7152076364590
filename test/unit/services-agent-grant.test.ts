import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { agentGrantFor, agentTokenPermissions } from '../../src/core/services/agent-grant.js';
import { parseServices } from '../../src/core/services/load.js';

const services = parseServices(
  `services:
  checkout:
    repository: shop/checkout
    path: checkout
    environments:
      dev: { from: { branches: [main] }, namespaces: [checkout-dev] }
agents:
  dev-cluster:
    issuer: https://oidc.dev.example.com
    subject: system:serviceaccount:ladder-system:ladder-agent
    environments: [dev]
`,
  '.ladder/services.yml',
);

describe('which agent a service-account token speaks for', () => {
  it('the entry naming both its issuer and its subject', () => {
    const match = agentGrantFor(services, { iss: 'https://oidc.dev.example.com', sub: 'system:serviceaccount:ladder-system:ladder-agent' }, 'shop/manifests');
    assert.ok(match.ok);
    assert.equal(match.name, 'dev-cluster');
    assert.deepEqual(match.grant.environments, ['dev']);
  });

  it('none for the same service account of another cluster, saying which entry names it and what to add', () => {
    const match = agentGrantFor(services, { iss: 'https://oidc.prd.example.com', sub: 'system:serviceaccount:ladder-system:ladder-agent' }, 'shop/manifests');
    assert.ok(!match.ok);
    assert.match(match.message, /^no agent of shop\/manifests is system:serviceaccount:ladder-system:ladder-agent of issuer https:\/\/oidc\.prd\.example\.com \(agents\.dev-cluster names .* with issuer https:\/\/oidc\.dev\.example\.com\)/);
    assert.match(match.message, /add it under agents: in \.ladder\/services\.yml on shop\/manifests's default branch/);
  });

  it('none for another service account of the right cluster', () => {
    assert.equal(agentGrantFor(services, { iss: 'https://oidc.dev.example.com', sub: 'system:serviceaccount:default:default' }, 'shop/manifests').ok, false);
  });

  it('hands out read of contents and write of deployments, statuses and checks, nothing else', () => {
    assert.deepEqual(agentTokenPermissions, { contents: 'read', deployments: 'write', statuses: 'write', checks: 'write' });
  });
});
