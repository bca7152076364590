import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isDigestPinned, parseImageReference } from '../../src/core/validate/policy/image-reference.js';
import { at, context, findingsOf, image, sha, yaml } from '../fixtures/policy/helpers.js';

const digest = 'sha256:' + 'a'.repeat(64);

/** A Pod whose only container's image value sits at line 8, column 14. */
function podWithImage(reference: string): string {
  return yaml`
    apiVersion: v1
    kind: Pod
    metadata:
      name: web
    spec:
      containers:
        - name: app
          image: ${reference}
  `;
}

describe('parseImageReference', () => {
  it('does not take a registry port for a tag', () => {
    assert.deepEqual(parseImageReference('registry.local:5000/shop/checkout'), { repository: 'registry.local:5000/shop/checkout' });
    assert.deepEqual(parseImageReference('registry.local:5000/shop/checkout:v1'), { repository: 'registry.local:5000/shop/checkout', tag: 'v1' });
  });

  it('separates tag and digest', () => {
    assert.deepEqual(parseImageReference(`nginx:1.27@${digest}`), { repository: 'nginx', tag: '1.27', digest });
    assert.equal(isDigestPinned(parseImageReference(`nginx@${digest}`)), true);
    assert.equal(isDigestPinned(parseImageReference('nginx@sha256:short')), false);
  });
});

describe('image-tag-mutable', () => {
  it('reports the latest tag at the image value', () => {
    const findings = findingsOf('image-tag-mutable', podWithImage('nginx:latest'));
    assert.deepEqual(findings.map(at), [{ rule: 'image-tag-mutable', line: 8, column: 14 }]);
    assert.equal(findings[0]!.message, 'container "app": image nginx uses the tag "latest", a tag that moves whenever someone pushes');
  });

  it('reports an image without a tag, even behind a registry port', () => {
    const findings = findingsOf('image-tag-mutable', podWithImage('registry.local:5000/web'));
    assert.deepEqual(findings.map(at), [{ rule: 'image-tag-mutable', line: 8, column: 14 }]);
    assert.match(findings[0]!.message, /image registry\.local:5000\/web has no tag, which means "latest"/);
  });

  it('accepts a fixed tag, and a digest even next to latest', () => {
    assert.deepEqual(findingsOf('image-tag-mutable', podWithImage('nginx:1.27.3')), []);
    assert.deepEqual(findingsOf('image-tag-mutable', podWithImage(`nginx@${digest}`)), []);
    assert.deepEqual(findingsOf('image-tag-mutable', podWithImage(`nginx:latest@${digest}`)), []);
  });
});

describe('image-tag-not-commit', () => {
  it('reports a service image tagged with something other than the commit', () => {
    const findings = findingsOf('image-tag-not-commit', podWithImage(`${image}:v1.2.3`), context);
    assert.deepEqual(findings.map(at), [{ rule: 'image-tag-not-commit', line: 8, column: 14 }]);
    assert.equal(findings[0]!.message, `container "app": image ${image} is tagged "v1.2.3", but the commit being deployed is ${sha}`);
    assert.equal(findings[0]!.hint, `Use ${image}:${sha}, or pin the image by digest.`);
  });

  it('accepts the full SHA and a prefix of at least 7 characters, in either case', () => {
    assert.deepEqual(findingsOf('image-tag-not-commit', podWithImage(`${image}:${sha}`), context), []);
    assert.deepEqual(findingsOf('image-tag-not-commit', podWithImage(`${image}:${sha.slice(0, 7)}`), context), []);
    assert.deepEqual(findingsOf('image-tag-not-commit', podWithImage(`${image}:${sha.slice(0, 12).toUpperCase()}`), context), []);
  });

  it('refuses a prefix shorter than 7 characters and a tag that only starts like the SHA', () => {
    assert.equal(findingsOf('image-tag-not-commit', podWithImage(`${image}:${sha.slice(0, 6)}`), context).length, 1);
    assert.equal(findingsOf('image-tag-not-commit', podWithImage(`${image}:${sha.slice(0, 8)}-dirty`), context).length, 1);
  });

  it('accepts a digest-pinned service image', () => {
    assert.deepEqual(findingsOf('image-tag-not-commit', podWithImage(`${image}@${digest}`), context), []);
  });

  it('leaves other images alone when the service image is known, and checks every image when it is not', () => {
    assert.deepEqual(findingsOf('image-tag-not-commit', podWithImage('envoyproxy/envoy:v1.31.0'), context), []);
    assert.equal(findingsOf('image-tag-not-commit', podWithImage('envoyproxy/envoy:v1.31.0'), { commitSha: sha }).length, 1);
  });

  it('does not run without a commit SHA', () => {
    assert.deepEqual(findingsOf('image-tag-not-commit', podWithImage(`${image}:v1`), { image }), []);
  });
});
