import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { imageReference } from '../../src/core/render/render.js';

const image = 'registry.example.com:5000/shop/checkout';
const sha = '4f2a9c0d1e3b5a7c9e1f3a5b7c9d1e3f5a7b9c1d';
const digest = `sha256:${'0123456789abcdef'.repeat(4)}`;

describe('imageReference', () => {
  it('tags with the full commit SHA by default', () => {
    assert.equal(imageReference(image, sha, { format: 'sha', length: 12 }), `${image}:${sha}`);
  });

  it('tags with a SHA prefix of the configured length for short-sha', () => {
    assert.equal(imageReference(image, sha, { format: 'short-sha', length: 7 }), `${image}:4f2a9c0`);
    assert.equal(imageReference(image, sha, { format: 'short-sha', length: 12 }), `${image}:4f2a9c0d1e3b`);
  });

  it('pins by digest and keeps the tag for people and policy', () => {
    assert.equal(imageReference(image, sha, { format: 'sha', length: 12 }, digest), `${image}:${sha}@${digest}`);
    assert.equal(imageReference(image, sha, { format: 'short-sha', length: 7 }, digest), `${image}:4f2a9c0@${digest}`);
  });

  it('refuses a SHA that is not 40 lower-case hex digits', () => {
    for (const bad of ['HEAD', sha.slice(0, 39), sha.toUpperCase(), `${sha}0`]) {
      assert.throws(() => imageReference(image, bad, { format: 'sha', length: 12 }), /commit SHA must be 40 lower-case hex digits/);
    }
  });

  it('refuses a digest that is not sha256 with 64 hex digits', () => {
    for (const bad of ['sha256:abc', `sha512:${'0'.repeat(64)}`, `sha256:${'G'.repeat(64)}`]) {
      assert.throws(() => imageReference(image, sha, { format: 'sha', length: 12 }, bad), /image digest must be sha256:/);
    }
  });
});
