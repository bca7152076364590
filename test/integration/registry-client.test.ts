// The App's registry client against the bed's OCI registry with authentication
// on (Bearer token flow and Basic), and against hostile servers for its budgets.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { parseImageReference, type ImageReference } from '../../src/core/images/reference.js';
import { createRegistryClient } from '../../src/adapters/registry/client.js';
import { parseRegistryCredentials } from '../../src/adapters/registry/credentials.js';
import { startRegistry, type Registry } from '../bed/registry/index.js';

const SHA = 'a'.repeat(40);
const ref = (text: string): ImageReference => {
  const parsed = parseImageReference(text);
  assert.ok(typeof parsed !== 'string', String(parsed));
  return parsed;
};
const dockerConfig = (host: string, user: string, password: string) =>
  parseRegistryCredentials(JSON.stringify({ auths: { [host]: { auth: Buffer.from(`${user}:${password}`).toString('base64') } } }), 'test');

describe('registry client, Bearer token flow', () => {
  let registry: Registry;
  before(async () => {
    registry = await startRegistry({ auth: { scheme: 'bearer', users: { ladder: 'pull-secret' }, publicRepositories: ['public/tool'], tokenSeconds: 120 } });
  });
  after(() => registry.stop());
  const client = (password = 'pull-secret') => createRegistryClient({ credentials: dockerConfig(registry.host, 'ladder', password), plainHttp: new Set([registry.host]) });

  it('finds a pushed image by tag, with the digest the registry names, after one token request', async () => {
    const pushed = registry.pushImage('shop/checkout', SHA);
    const images = client();
    const before = registry.requests.length;
    assert.deepEqual(await images.lookup(ref(`${registry.host}/shop/checkout:${SHA}`)), { kind: 'present', digest: pushed.digest });
    assert.deepEqual(registry.requests.slice(before).map((r) => [r.method, r.status, r.authorization]), [['HEAD', 401, 'none'], ['GET', 200, 'basic'], ['HEAD', 200, 'bearer']]);
    assert.equal(registry.auth!.tokenRequests.at(-1)!.scope, 'repository:shop/checkout:pull');
    // The token is kept: the next lookup is one request.
    const again = registry.requests.length;
    assert.equal((await images.lookup(ref(`${registry.host}/shop/checkout:${SHA}`))).kind, 'present');
    assert.deepEqual(registry.requests.slice(again).map((r) => [r.method, r.status, r.authorization]), [['HEAD', 200, 'bearer']]);
  });

  it('says absent for a tag not pushed yet, then present once it is', async () => {
    const images = client();
    const image = ref(`${registry.host}/shop/cart:${SHA}`);
    registry.pushImage('shop/cart', 'other');
    assert.deepEqual(await images.lookup(image), { kind: 'absent' });
    const pushed = registry.pushImage('shop/cart', SHA);
    assert.deepEqual(await images.lookup(image), { kind: 'present', digest: pushed.digest });
  });

  it('looks a pinned reference up by its digest', async () => {
    const pushed = registry.pushImage('shop/pinned', SHA);
    const images = client();
    assert.deepEqual(await images.lookup(ref(`${registry.host}/shop/pinned:${SHA}@${pushed.digest}`)), { kind: 'present', digest: pushed.digest });
    assert.equal(registry.requests.at(-1)!.path, `/v2/shop/pinned/manifests/${pushed.digest}`);
    assert.deepEqual(await images.lookup(ref(`${registry.host}/shop/pinned:${SHA}@sha256:${'0'.repeat(64)}`)), { kind: 'absent' });
  });

  it('gets a new token when the old one expired', async () => {
    registry.pushImage('shop/expiry', SHA);
    const images = client();
    assert.equal((await images.lookup(ref(`${registry.host}/shop/expiry:${SHA}`))).kind, 'present');
    registry.auth!.expireTokens();
    const tokens = registry.auth!.tokenRequests.length;
    assert.equal((await images.lookup(ref(`${registry.host}/shop/expiry:${SHA}`))).kind, 'present');
    assert.equal(registry.auth!.tokenRequests.length, tokens + 1);
  });

  it('reports refused credentials without showing them', async () => {
    registry.pushImage('shop/checkout', SHA);
    const result = await client('wrong-password').lookup(ref(`${registry.host}/shop/checkout:${SHA}`));
    assert.equal(result.kind, 'refused');
    assert.ok(result.kind === 'refused' && /refused the App's credentials/.test(result.reason), JSON.stringify(result));
    assert.ok(!JSON.stringify(result).includes('wrong-password'));
  });

  it('pulls a public image anonymously, and says a private one needs credentials', async () => {
    const pushed = registry.pushImage('public/tool', SHA);
    const anonymous = createRegistryClient({ credentials: new Map(), plainHttp: new Set([registry.host]) });
    assert.deepEqual(await anonymous.lookup(ref(`${registry.host}/public/tool:${SHA}`)), { kind: 'present', digest: pushed.digest });
    const denied = await anonymous.lookup(ref(`${registry.host}/shop/checkout:${SHA}`));
    assert.equal(denied.kind, 'refused');
  });

  it('will not send credentials over plain HTTP to a realm on a host not listed as plain HTTP', async () => {
    let tokenRequests = 0;
    const realmServer = await serve((_request, response) => {
      tokenRequests++;
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"token":"t"}');
    });
    const realmHost = `localhost:${(realmServer.address() as AddressInfo).port}`;
    const server = await serve((_request, response) => {
      response.writeHead(401, { 'www-authenticate': `Bearer realm="http://${realmHost}/token",service="x"` }).end();
    });
    const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const images = createRegistryClient({ credentials: dockerConfig(host, 'u', 'p'), plainHttp: new Set([host]) });
      const result = await images.lookup(ref(`${host}/shop/checkout:${SHA}`));
      assert.deepEqual(result, { kind: 'refused', reason: `${host}'s token realm http://${realmHost} is not HTTPS (credentials go over plain HTTP only to hosts listed as plain HTTP)` });
      assert.equal(tokenRequests, 0, 'the realm was never asked');
    } finally {
      server.close();
      realmServer.close();
    }
  });
});

describe('registry client, Basic authentication', () => {
  let registry: Registry;
  before(async () => {
    registry = await startRegistry({ auth: { scheme: 'basic', users: { ladder: 'pull-secret' } } });
  });
  after(() => registry.stop());

  it('answers the Basic challenge, then sends Basic at once', async () => {
    const pushed = registry.pushImage('shop/checkout', SHA);
    const images = createRegistryClient({ credentials: dockerConfig(registry.host, 'ladder', 'pull-secret'), plainHttp: new Set([registry.host]) });
    const before = registry.requests.length;
    assert.deepEqual(await images.lookup(ref(`${registry.host}/shop/checkout:${SHA}`)), { kind: 'present', digest: pushed.digest });
    assert.deepEqual(await images.lookup(ref(`${registry.host}/shop/checkout:${SHA}`)), { kind: 'present', digest: pushed.digest });
    assert.deepEqual(registry.requests.slice(before).map((r) => [r.status, r.authorization]), [[401, 'none'], [200, 'basic'], [200, 'basic']]);
  });

  it('says refused when the App has no credentials for the host', async () => {
    registry.pushImage('shop/checkout', SHA);
    const images = createRegistryClient({ credentials: new Map(), plainHttp: new Set([registry.host]) });
    const result = await images.lookup(ref(`${registry.host}/shop/checkout:${SHA}`));
    assert.deepEqual(result, { kind: 'refused', reason: `${registry.host} asks for a user name and password, and the App has none for it` });
  });
});

describe('registry client budgets', () => {
  let server: Server;
  let host: string;
  let behaviour: (request: import('node:http').IncomingMessage, response: import('node:http').ServerResponse) => void = () => undefined;
  before(async () => {
    server = await serve((request, response) => behaviour(request, response));
    host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });
  const image = () => ref(`${host}/shop/checkout:${SHA}`);
  const client = (extra: { requestTimeoutMs?: number; lookupTimeoutMs?: number } = {}) =>
    createRegistryClient({ credentials: dockerConfig(host, 'u', 'p'), plainHttp: new Set([host]), ...extra });

  it('gives up on a registry that does not answer, within the request budget', async () => {
    behaviour = () => undefined; // never answers
    const started = Date.now();
    const result = await client({ requestTimeoutMs: 300 }).lookup(image());
    assert.deepEqual(result, { kind: 'unavailable', reason: `${host}: no answer in time` });
    assert.ok(Date.now() - started < 5_000, `took ${Date.now() - started} ms`);
  });

  it('refuses a token answer larger than its budget without reading it all', async () => {
    let tokenBytesSent = 0;
    behaviour = (request, response) => {
      if (request.url?.startsWith('/token')) {
        response.writeHead(200, { 'content-type': 'application/json' });
        const chunk = Buffer.alloc(64 * 1024, 'a');
        const pump = () => {
          while (tokenBytesSent < 64 * 1024 * 1024 && response.write(chunk)) tokenBytesSent += chunk.length;
          if (tokenBytesSent < 64 * 1024 * 1024) response.once('drain', pump);
          else response.end();
        };
        response.on('error', () => undefined);
        pump();
        return;
      }
      response.writeHead(401, { 'www-authenticate': `Bearer realm="http://${host}/token",service="s"` }).end();
    };
    const result = await client().lookup(image());
    assert.equal(result.kind, 'unavailable');
    assert.match(result.kind === 'unavailable' ? result.reason : '', /larger than the 65536 bytes allowed/);
    assert.ok(tokenBytesSent < 16 * 1024 * 1024, `read stopped early (${tokenBytesSent} bytes sent)`);
  });

  it('treats 5xx and 429 as unavailable, not as absent', async () => {
    for (const status of [500, 503, 429]) {
      behaviour = (_request, response) => response.writeHead(status).end();
      assert.deepEqual(await client().lookup(image()), { kind: 'unavailable', reason: `${host} answered HTTP ${status}` });
    }
  });

  it('computes the digest from a manifest when HEAD names none, within the manifest budget', async () => {
    const manifest = Buffer.from('{"schemaVersion":2}');
    behaviour = (request, response) => {
      response.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json', 'content-length': manifest.length });
      response.end(request.method === 'HEAD' ? undefined : manifest);
    };
    const { createHash } = await import('node:crypto');
    assert.deepEqual(await client().lookup(image()), { kind: 'present', digest: `sha256:${createHash('sha256').update(manifest).digest('hex')}` });
    behaviour = (request, response) => {
      response.writeHead(200, { 'content-length': 5 * 1024 * 1024 });
      if (request.method === 'HEAD') return void response.end();
      response.on('error', () => undefined);
      response.end(Buffer.alloc(5 * 1024 * 1024));
    };
    const big = await client().lookup(image());
    assert.equal(big.kind, 'unavailable');
  });
});

async function serve(handler: Parameters<typeof createServer>[1]): Promise<Server> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}
