// The OCI registry stand-in over real HTTP: what a client resolving a tag to
// a digest sees, including the spec's 404 error bodies.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { MEDIA_TYPE, startRegistry, type Registry } from '../../bed/registry/index.js';

const sha256 = (bytes: Buffer) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
const SHA = '3f1c2e4d5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d';

interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
}

describe('OCI registry', () => {
  let registry: Registry;
  before(async () => {
    registry = await startRegistry();
  });
  after(() => registry.stop());

  const get = (path: string, init: RequestInit = {}) => fetch(`${registry.url}${path}`, init);

  it('answers the API version check', async () => {
    const response = await get('/v2/');
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('docker-distribution-api-version'), 'registry/2.0');
  });

  it('serves a pushed image by tag with a digest that is the sha256 of the manifest bytes', async () => {
    const pushed = registry.pushImage('shop/checkout', SHA);
    const response = await get(`/v2/shop/checkout/manifests/${SHA}`, { headers: { accept: MEDIA_TYPE.manifest } });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'application/vnd.oci.image.manifest.v1+json');
    const bytes = Buffer.from(await response.arrayBuffer());
    assert.equal(response.headers.get('docker-content-digest'), sha256(bytes));
    assert.equal(pushed.digest, sha256(bytes));
    assert.equal(pushed.reference, `${registry.host}/shop/checkout@${pushed.digest}`);
    const manifest = JSON.parse(bytes.toString('utf8'));
    assert.equal(manifest.schemaVersion, 2);
    assert.equal(manifest.mediaType, MEDIA_TYPE.manifest);
    assert.equal(manifest.config.mediaType, MEDIA_TYPE.config);
    assert.deepEqual(manifest, pushed.manifest);
  });

  it('answers HEAD with the same digest and length and no body', async () => {
    const pushed = registry.pushImage('shop/checkout', 'head-check');
    const full = await get('/v2/shop/checkout/manifests/head-check');
    const length = (await full.arrayBuffer()).byteLength;
    const head = await get('/v2/shop/checkout/manifests/head-check', { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('docker-content-digest'), pushed.digest);
    assert.equal(Number(head.headers.get('content-length')), length);
    assert.equal((await head.arrayBuffer()).byteLength, 0);
  });

  it('serves the same manifest by digest, and blobs whose digests and sizes match', async () => {
    const pushed = registry.pushImage('shop/checkout', 'blobs');
    const byDigest = await get(`/v2/shop/checkout/manifests/${pushed.digest}`);
    assert.equal(byDigest.status, 200);
    const manifest = (await byDigest.json()) as { config: Descriptor; layers: Descriptor[] };
    const blobs: Record<string, Buffer> = {};
    for (const descriptor of [manifest.config, ...manifest.layers]) {
      const response = await get(`/v2/shop/checkout/blobs/${descriptor.digest}`);
      assert.equal(response.status, 200, descriptor.digest);
      const bytes = Buffer.from(await response.arrayBuffer());
      assert.equal(sha256(bytes), descriptor.digest);
      assert.equal(bytes.length, descriptor.size);
      blobs[descriptor.mediaType] = bytes;
    }
    const config = JSON.parse(blobs[MEDIA_TYPE.config]!.toString('utf8'));
    assert.deepEqual(config.rootfs.diff_ids, [sha256(gunzipSync(blobs[MEDIA_TYPE.layer]!))], 'diff_ids name the uncompressed layer');
  });

  it('answers 404 MANIFEST_UNKNOWN with the OCI error body for an unknown tag', async () => {
    registry.pushImage('shop/checkout', 'known');
    const response = await get('/v2/shop/checkout/manifests/unknown-tag');
    assert.equal(response.status, 404);
    const body = (await response.json()) as { errors: Array<{ code: string; message: string }> };
    assert.equal(body.errors.length, 1);
    assert.equal(body.errors[0]!.code, 'MANIFEST_UNKNOWN');
    assert.equal(typeof body.errors[0]!.message, 'string');
    const head = await get('/v2/shop/checkout/manifests/unknown-tag', { method: 'HEAD' });
    assert.equal(head.status, 404);
    const unknownDigest = await get(`/v2/shop/checkout/manifests/sha256:${'0'.repeat(64)}`);
    assert.equal(unknownDigest.status, 404);
  });

  it('answers NAME_UNKNOWN, NAME_INVALID and DIGEST_INVALID as the spec names them', async () => {
    const codeOf = async (path: string) => {
      const response = await get(path);
      return [response.status, ((await response.json()) as { errors: Array<{ code: string }> }).errors[0]?.code];
    };
    assert.deepEqual(await codeOf('/v2/nobody/here/manifests/latest'), [404, 'NAME_UNKNOWN']);
    assert.deepEqual(await codeOf('/v2/Shop/Checkout/manifests/latest'), [400, 'NAME_INVALID']);
    assert.deepEqual(await codeOf('/v2/shop/checkout/manifests/sha256:xyz'), [400, 'DIGEST_INVALID']);
    assert.deepEqual(await codeOf(`/v2/shop/checkout/blobs/sha256:${'1'.repeat(64)}`), [404, 'BLOB_UNKNOWN']);
  });

  it('handles names with several slashes', async () => {
    const pushed = registry.pushImage('team/platform/shop-api/checkout_v2', 'v1.2.3');
    const response = await get('/v2/team/platform/shop-api/checkout_v2/manifests/v1.2.3', { method: 'HEAD' });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('docker-content-digest'), pushed.digest);
  });

  it('moves a tag to a new digest when re-pushed, and keeps the old digest resolvable', async () => {
    const first = registry.pushImage('shop/cart', 'latest', { revision: 'a' });
    const second = registry.pushImage('shop/cart', 'latest', { revision: 'b' });
    assert.notEqual(first.digest, second.digest);
    const byTag = await get('/v2/shop/cart/manifests/latest', { method: 'HEAD' });
    assert.equal(byTag.headers.get('docker-content-digest'), second.digest);
    const old = await get(`/v2/shop/cart/manifests/${first.digest}`, { method: 'HEAD' });
    assert.equal(old.status, 200);
    const again = registry.pushImage('shop/cart', 'latest', { revision: 'b' });
    assert.equal(again.digest, second.digest, 'the same content gives the same digest');
  });

  it('lists tags', async () => {
    registry.pushImage('shop/tags', 'b');
    registry.pushImage('shop/tags', 'a');
    const response = await get('/v2/shop/tags/tags/list');
    assert.deepEqual(await response.json(), { name: 'shop/tags', tags: ['a', 'b'] });
  });

  it('refuses an Accept header that rules out OCI manifests, like the reference registry', async () => {
    registry.pushImage('shop/accept', 'v1');
    const dockerOnly = await get('/v2/shop/accept/manifests/v1', { headers: { accept: 'application/vnd.docker.distribution.manifest.v2+json' } });
    assert.equal(dockerOnly.status, 404);
    const both = await get('/v2/shop/accept/manifests/v1', {
      headers: { accept: `application/vnd.docker.distribution.manifest.v2+json, ${MEDIA_TYPE.manifest}` },
    });
    assert.equal(both.status, 200);
  });

  it('refuses pushes over HTTP and invalid names in pushImage', async () => {
    const put = await get('/v2/shop/checkout/manifests/new', { method: 'PUT', body: '{}' });
    assert.equal(put.status, 405);
    assert.throws(() => registry.pushImage('Shop/Checkout', 'v1'), /not a valid OCI repository name/);
    assert.throws(() => registry.pushImage('shop/checkout', '-bad'), /not a valid OCI tag/);
  });

  it('records the requests it answered', async () => {
    const before = registry.requests.length;
    await get('/v2/');
    assert.deepEqual(registry.requests.slice(before), [{ method: 'GET', path: '/v2/', status: 200, authorization: 'none' }]);
  });
});
