// The OCI registry stand-in with authentication turned on, over real HTTP: the
// distribution token flow (401 + Bearer challenge → token from the realm with
// Basic credentials → Bearer) and plain Basic, as a registry client meets them.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MEDIA_TYPE, REGISTRY_TOKEN_SERVICE, startRegistry, type Registry } from '../../bed/registry/index.js';

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** `Bearer realm="…",service="…",scope="…"` → its parameters. */
function challenge(header: string | null): { scheme: string; params: Record<string, string> } {
  assert.ok(header, 'a WWW-Authenticate header');
  const [scheme = '', rest = ''] = header.split(/ (.*)/s);
  const params: Record<string, string> = {};
  for (const match of rest.matchAll(/(\w+)="([^"]*)"/g)) params[match[1]!] = match[2]!;
  return { scheme, params };
}

describe('OCI registry with Bearer token authentication', () => {
  let registry: Registry;
  before(async () => {
    registry = await startRegistry({ auth: { scheme: 'bearer', users: { ci: 's3cret' }, publicRepositories: ['public/tool'], tokenSeconds: 60 } });
    registry.pushImage('shop/checkout', 'v1');
    registry.pushImage('public/tool', 'v1');
  });
  after(() => registry.stop());

  const manifest = (name: string, token?: string, method = 'HEAD') =>
    fetch(`${registry.url}/v2/${name}/manifests/v1`, { method, headers: { accept: MEDIA_TYPE.manifest, ...(token ? { authorization: `Bearer ${token}` } : {}) } });

  async function tokenFor(params: Record<string, string>, authorization?: string): Promise<Response> {
    const url = new URL(params.realm!);
    url.searchParams.set('service', params.service!);
    if (params.scope) url.searchParams.set('scope', params.scope);
    return fetch(url, authorization ? { headers: { authorization } } : {});
  }

  it('answers an anonymous request with 401, the OCI error body and a Bearer challenge naming realm, service and scope', async () => {
    const response = await manifest('shop/checkout', undefined, 'GET');
    assert.equal(response.status, 401);
    const body = (await response.json()) as { errors: Array<{ code: string }> };
    assert.equal(body.errors[0]!.code, 'UNAUTHORIZED');
    const { scheme, params } = challenge(response.headers.get('www-authenticate'));
    assert.equal(scheme, 'Bearer');
    assert.equal(params.realm, `${registry.url}/token`);
    assert.equal(params.service, REGISTRY_TOKEN_SERVICE);
    assert.equal(params.scope, 'repository:shop/checkout:pull');
    const base = await fetch(`${registry.url}/v2/`);
    assert.equal(base.status, 401);
    assert.equal(challenge(base.headers.get('www-authenticate')).params.scope, undefined, 'the version check asks for no scope');
  });

  it('issues a token for the challenged scope against Basic credentials, and the token pulls', async () => {
    const { params } = challenge((await manifest('shop/checkout')).headers.get('www-authenticate'));
    const response = await tokenFor(params, basic('ci', 's3cret'));
    assert.equal(response.status, 200);
    const body = (await response.json()) as { token: string; access_token: string; expires_in: number };
    assert.equal(body.token, body.access_token);
    assert.equal(body.expires_in, 60);
    const pulled = await manifest('shop/checkout', body.token);
    assert.equal(pulled.status, 200);
    assert.match(pulled.headers.get('docker-content-digest') ?? '', /^sha256:[0-9a-f]{64}$/);
    assert.equal(registry.auth!.tokenRequests.at(-1)!.user, 'ci');
  });

  it('refuses wrong credentials at the token endpoint, and a token without the scope', async () => {
    const { params } = challenge((await manifest('shop/checkout')).headers.get('www-authenticate'));
    assert.equal((await tokenFor(params, basic('ci', 'wrong'))).status, 401);
    assert.equal((await tokenFor(params, basic('nobody', 's3cret'))).status, 401);
    // Anonymous: a token, but without the private repository in it.
    const anonymous = (await (await tokenFor(params)).json()) as { token: string };
    const refused = await manifest('shop/checkout', anonymous.token, 'GET');
    assert.equal(refused.status, 401);
    assert.match(refused.headers.get('www-authenticate') ?? '', /error="insufficient_scope"/);
    assert.equal(((await refused.json()) as { errors: Array<{ code: string }> }).errors[0]!.code, 'DENIED');
  });

  it('lets anyone pull a public repository with an anonymous token', async () => {
    const { params } = challenge((await manifest('public/tool')).headers.get('www-authenticate'));
    const { token } = (await (await tokenFor(params)).json()) as { token: string };
    assert.equal((await manifest('public/tool', token)).status, 200);
    assert.equal(registry.auth!.tokenRequests.at(-1)!.user, undefined);
  });

  it('forgets tokens when they expire: the same token is refused afterwards', async () => {
    const { params } = challenge((await manifest('shop/checkout')).headers.get('www-authenticate'));
    const { token } = (await (await tokenFor(params, basic('ci', 's3cret'))).json()) as { token: string };
    assert.equal((await manifest('shop/checkout', token)).status, 200);
    registry.auth!.expireTokens();
    assert.equal((await manifest('shop/checkout', token)).status, 401);
  });

  it('answers 401 before telling whether a repository exists', async () => {
    const unknown = await fetch(`${registry.url}/v2/nobody/here/manifests/v1`);
    assert.equal(unknown.status, 401);
  });

  it('records the scheme each request authenticated with', async () => {
    const before = registry.requests.length;
    await manifest('shop/checkout');
    await manifest('shop/checkout', 'not-a-token');
    assert.deepEqual(registry.requests.slice(before).map((r) => [r.status, r.authorization]), [[401, 'none'], [401, 'bearer']]);
  });
});

describe('OCI registry with Basic authentication', () => {
  let registry: Registry;
  before(async () => {
    registry = await startRegistry({ auth: { scheme: 'basic', users: { ci: 's3cret' } } });
    registry.pushImage('shop/checkout', 'v1');
  });
  after(() => registry.stop());

  it('challenges with Basic and serves the manifest to the right credentials only', async () => {
    const url = `${registry.url}/v2/shop/checkout/manifests/v1`;
    const anonymous = await fetch(url, { method: 'HEAD' });
    assert.equal(anonymous.status, 401);
    assert.equal(challenge(anonymous.headers.get('www-authenticate')).scheme, 'Basic');
    assert.equal((await fetch(url, { method: 'HEAD', headers: { authorization: basic('ci', 'wrong') } })).status, 401);
    const pulled = await fetch(url, { method: 'HEAD', headers: { authorization: basic('ci', 's3cret') } });
    assert.equal(pulled.status, 200);
    assert.equal(pulled.headers.get('docker-content-digest'), registry.pushImage('shop/checkout', 'v1').digest);
  });

  it('has no token endpoint', async () => {
    assert.equal((await fetch(`${registry.url}/token?service=${REGISTRY_TOKEN_SERVICE}`)).status, 404);
  });
});
