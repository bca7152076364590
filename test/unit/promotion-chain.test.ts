import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfig } from '../../src/core/config/load.js';
import { environmentsToPromote, promotedImage, splitImageReference } from '../../src/core/promotion/chain.js';

const digest = 'sha256:' + 'c'.repeat(64);

describe('image references', () => {
  it('splits name, tag and digest; a registry port is not a tag', () => {
    assert.deepEqual(splitImageReference('registry.example.com/shop/checkout:abc123'), { name: 'registry.example.com/shop/checkout', tag: 'abc123' });
    assert.deepEqual(splitImageReference(`registry:5000/shop/checkout:abc123@${digest}`), { name: 'registry:5000/shop/checkout', tag: 'abc123', digest });
    assert.equal(splitImageReference('registry:5000/shop/checkout'), undefined);
    assert.equal(splitImageReference(`registry.example.com/shop/checkout@${digest}`), undefined);
  });

  it('promotes the tag and the digest as they were deployed', () => {
    assert.deepEqual(promotedImage(`registry.example.com/shop/checkout:abc123@${digest}`), { tag: 'abc123', digest });
    assert.deepEqual(promotedImage('registry.example.com/shop/checkout:abc123'), { tag: 'abc123' });
  });
});

describe('environments to promote', () => {
  it('are those fed by the deployed environment, in config order', () => {
    const config = parseConfig(
      [
        'service: checkout',
        'image: registry.example.com/shop/checkout',
        'manifests: { repo: shop/checkout-manifests }',
        'environments:',
        '  - { name: dev, from: { branch: main }, namespace: dev }',
        '  - { name: stg, from: { environment: dev }, namespace: stg }',
        '  - { name: qa, from: { environment: dev }, namespace: qa }',
        '  - { name: prd, from: { environment: stg }, namespace: prd }',
        '',
      ].join('\n'),
      '.github/ladder.yml',
    );
    assert.deepEqual(environmentsToPromote(config, 'dev').map((env) => env.name), ['stg', 'qa']);
    assert.deepEqual(environmentsToPromote(config, 'prd').map((env) => env.name), []);
  });
});
