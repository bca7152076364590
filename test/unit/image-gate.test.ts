import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseChallenge } from '../../src/adapters/registry/challenge.js';
import { parseRegistryCredentials } from '../../src/adapters/registry/credentials.js';
import { manifestReference, parseImageReference } from '../../src/core/images/reference.js';
import { imageGate } from '../../src/core/promotion/image-gate.js';

const DIGEST = `sha256:${'b'.repeat(64)}`;
const SHA = 'c'.repeat(40);

describe('image references', () => {
  it('splits registry, repository, tag and digest as container runtimes do', () => {
    assert.deepEqual(parseImageReference(`ghcr.io/shop/checkout:${SHA}`), { registry: 'ghcr.io', repository: 'shop/checkout', tag: SHA });
    assert.deepEqual(parseImageReference(`127.0.0.1:5000/shop/checkout:v1@${DIGEST}`), { registry: '127.0.0.1:5000', repository: 'shop/checkout', tag: 'v1', digest: DIGEST });
    assert.deepEqual(parseImageReference('localhost/app:v1'), { registry: 'localhost', repository: 'app', tag: 'v1' });
    assert.deepEqual(parseImageReference('nginx:1.27'), { registry: 'registry-1.docker.io', repository: 'library/nginx', tag: '1.27' });
    assert.deepEqual(parseImageReference('docker.io/bitnami/redis:7'), { registry: 'registry-1.docker.io', repository: 'bitnami/redis', tag: '7' });
    assert.deepEqual(parseImageReference('team/app:1'), { registry: 'registry-1.docker.io', repository: 'team/app', tag: '1' });
  });

  it('asks for the digest when pinned, else the tag', () => {
    const pinned = parseImageReference(`ghcr.io/a/b:v1@${DIGEST}`);
    const tagged = parseImageReference('ghcr.io/a/b:v1');
    assert.ok(typeof pinned !== 'string' && typeof tagged !== 'string');
    assert.equal(manifestReference(pinned), DIGEST);
    assert.equal(manifestReference(tagged), 'v1');
  });

  it('says what is wrong with a bad reference', () => {
    assert.match(String(parseImageReference('ghcr.io/a/b')), /neither a tag nor a digest/);
    assert.match(String(parseImageReference('ghcr.io/Shop/b:v1')), /not a valid repository name/);
    assert.match(String(parseImageReference('ghcr.io/a/b@sha256:xyz')), /digest/);
    assert.match(String(parseImageReference('ghcr.io/a/b:-bad')), /tag/);
    assert.match(String(parseImageReference(`ghcr.io/${'a'.repeat(2000)}:v1`)), /longer than 1024/);
  });
});

describe('WWW-Authenticate challenges', () => {
  it('reads Bearer and Basic challenges, quoted and bare values, escapes', () => {
    assert.deepEqual(parseChallenge('Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull"'), {
      scheme: 'bearer',
      params: { realm: 'https://auth.example/token', service: 'registry.example', scope: 'repository:a/b:pull' },
    });
    assert.deepEqual(parseChallenge('Basic realm="Registry Realm"'), { scheme: 'basic', params: { realm: 'Registry Realm' } });
    assert.deepEqual(parseChallenge('bearer realm=https://a/t, service="s\\"x"'), { scheme: 'bearer', params: { realm: 'https://a/t', service: 's"x' } });
    assert.equal(parseChallenge(null), undefined);
    assert.equal(parseChallenge(`Bearer realm="${'x'.repeat(5000)}"`), undefined, 'an oversized header is not read');
  });
});

describe('registry credentials (docker config)', () => {
  it('reads auth, username/password and identitytoken entries, keyed by host', () => {
    const credentials = parseRegistryCredentials(
      JSON.stringify({
        auths: {
          'ghcr.io': { auth: Buffer.from('bot:ghp_x:y').toString('base64') },
          'https://index.docker.io/v1/': { username: 'hub', password: 'pw' },
          'acr.example.io': { identitytoken: 'refresh' },
        },
      }),
      'secret.json',
    );
    assert.deepEqual(credentials.get('ghcr.io'), { username: 'bot', password: 'ghp_x:y' });
    assert.deepEqual(credentials.get('registry-1.docker.io'), { username: 'hub', password: 'pw' });
    assert.deepEqual(credentials.get('acr.example.io'), { identityToken: 'refresh' });
  });

  it('names the file and entry of a bad one, never the value', () => {
    assert.throws(() => parseRegistryCredentials('{', 'secret.json'), /secret\.json: not JSON/);
    assert.throws(() => parseRegistryCredentials('{"credHelpers":{}}', 'secret.json'), /no "auths" object/);
    const bad = Buffer.from('no-colon-here').toString('base64');
    assert.throws(
      () => parseRegistryCredentials(JSON.stringify({ auths: { 'ghcr.io': { auth: bad } } }), 'secret.json'),
      (error: Error) => /auths\["ghcr.io"\]\.auth/.test(error.message) && !error.message.includes(bad) && !error.message.includes('no-colon-here'),
    );
  });
});

describe('the ladder/image gate', () => {
  const now = new Date('2026-03-01T10:00:00Z');
  const image = `ghcr.io/shop/checkout:${SHA}`;

  it('passes once the registry has the image, naming its digest', () => {
    const result = imageGate({ image, lookup: { kind: 'present', digest: DIGEST }, now, recheckMs: 60_000 });
    assert.equal(result.state, 'success');
    assert.equal(result.context, 'ladder/image');
    assert.ok(result.description.includes(DIGEST.slice(0, 19)));
    assert.equal(result.recheckAt, undefined);
  });

  it('waits, and asks again later, while the image is not pushed or the registry cannot answer', () => {
    const absent = imageGate({ image, lookup: { kind: 'absent' }, now, recheckMs: 60_000 });
    assert.equal(absent.state, 'pending');
    assert.equal(absent.recheckAt?.toISOString(), '2026-03-01T10:01:00.000Z');
    assert.match(absent.description, /Waiting for the image to be pushed/);
    const later = imageGate({ image, lookup: { kind: 'absent' }, now: new Date(now.getTime() + 5_000), recheckMs: 60_000 });
    assert.equal(later.description, absent.description, 'no time in the description: a recheck rewrites nothing');
    const down = imageGate({ image, lookup: { kind: 'unavailable', reason: 'ghcr.io answered HTTP 503' }, now, recheckMs: 60_000 });
    assert.equal(down.state, 'pending');
    assert.ok(down.recheckAt);
  });

  it('fails on refused credentials (re-checked) and on a reference it cannot look up (not re-checked)', () => {
    const refused = imageGate({ image, lookup: { kind: 'refused', reason: 'ghcr.io refused the App\'s credentials' }, now, recheckMs: 60_000 });
    assert.equal(refused.state, 'failure');
    assert.ok(refused.recheckAt);
    const invalid = imageGate({ image: 'x', lookup: { kind: 'invalid', reason: 'names neither a tag nor a digest' }, now, recheckMs: 60_000 });
    assert.equal(invalid.state, 'failure');
    assert.equal(invalid.recheckAt, undefined);
  });

  it('keeps descriptions within GitHub\'s 140 characters for long references', () => {
    const long = `registry.example.com/${'team/'.repeat(30)}checkout:${SHA}`;
    for (const lookup of [{ kind: 'absent' as const }, { kind: 'present' as const, digest: DIGEST }]) {
      assert.ok(imageGate({ image: long, lookup, now, recheckMs: 1 }).description.length <= 140);
    }
  });
});
