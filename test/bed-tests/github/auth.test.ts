import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { Probot } from 'probot';
import { signAppJwt, startGitHubServer, type GitHubServer } from '../../bed/github/index.js';
import { installationOctokit, userOctokit } from '../../bed/github/clients.js';
import { rejection } from '../../bed/github/expect.js';

const owner = 'shop';

/** A raw call, to see exactly the status and body GitHub would send for bad credentials. */
async function call(github: GitHubServer, method: string, path: string, authorization?: string, body?: unknown) {
  const headers: Record<string, string> = { accept: 'application/vnd.github+json' };
  if (authorization) headers.authorization = authorization;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${github.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('GitHub server: App JWTs, installation tokens and permissions', () => {
  let github: GitHubServer;
  let now = Date.now();
  const seconds = () => Math.floor(now / 1000);

  before(async () => {
    github = await startGitHubServer({ now: () => new Date(now) });
    await github.createRepo(`${owner}/app-repo`);
    await github.createRepo(`${owner}/other-repo`);
    await github.createRepo('elsewhere/repo');
  });

  after(() => github.stop());

  it('accepts a JWT signed with the App key and rejects bad, expired and foreign ones with GitHub\'s messages', async () => {
    const jwt = (claims: Partial<{ iss: number | string; iat: number; exp: number }>, key = github.app.privateKey) =>
      `Bearer ${signAppJwt(key, { iss: github.app.id, iat: seconds() - 30, exp: seconds() + 540, ...claims })}`;
    const good = await call(github, 'GET', '/app', jwt({}));
    assert.deepEqual([good.status, good.body.id, good.body.slug], [200, github.app.id, 'ladder']);
    const byClientId = await call(github, 'GET', '/app/installations', jwt({ iss: github.app.clientId }));
    assert.equal(byClientId.status, 200);

    const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    const cases: [string, string, RegExp][] = [
      ['wrong key', jwt({}, otherKey), /A JSON web token could not be decoded/],
      ['expired', jwt({ iat: seconds() - 700, exp: seconds() - 100 }), /'Expiration time' claim \('exp'\) must be a numeric value/],
      ['too long', jwt({ exp: seconds() + 3600 }), /'Expiration time' claim \('exp'\) is too far in the future/],
      ['from the future', jwt({ iat: seconds() + 300, exp: seconds() + 600 }), /'Issued at' claim \('iat'\) must be an Integer/],
      ['another app', jwt({ iss: 99999 }), /Integration not found/],
      ['garbage', 'Bearer eyJ.nope.nope', /A JSON web token could not be decoded/],
    ];
    for (const [name, authorization, message] of cases) {
      const answer = await call(github, 'GET', '/app', authorization);
      assert.equal(answer.status, 401, name);
      assert.match(String(answer.body.message), message, name);
      assert.equal(answer.body.status, '401', name);
      assert.equal(typeof answer.body.documentation_url, 'string', name);
    }
  });

  it('demands a token on every repository call and says so in GitHub\'s error body', async () => {
    const missing = await call(github, 'GET', `/repos/${owner}/app-repo`);
    assert.deepEqual(missing, {
      status: 401,
      body: { message: 'Requires authentication', documentation_url: 'https://docs.github.com/rest', status: '401' },
    });
    const bad = await call(github, 'GET', `/repos/${owner}/app-repo`, 'token ghs_not-a-token');
    assert.deepEqual([bad.status, bad.body.message], [401, 'Bad credentials']);
    const jwt = `Bearer ${signAppJwt(github.app.privateKey, { iss: github.app.id, iat: seconds() - 30, exp: seconds() + 500 })}`;
    assert.equal((await call(github, 'GET', `/repos/${owner}/app-repo`, jwt)).status, 403);
    const unknownRoute = await call(github, 'GET', '/definitely/not/an/endpoint', jwt);
    assert.deepEqual([unknownRoute.status, unknownRoute.body.message], [404, 'Not Found']);
  });

  it('expires installation tokens after an hour of the server\'s clock', async () => {
    const jwt = `Bearer ${signAppJwt(github.app.privateKey, { iss: github.app.id, iat: seconds() - 30, exp: seconds() + 500 })}`;
    const issued = await call(github, 'POST', `/app/installations/${github.installations.idFor(`${owner}/app-repo`)}/access_tokens`, jwt);
    assert.equal(issued.status, 201);
    assert.equal(Date.parse(String(issued.body.expires_at)), Math.floor(now / 1000) * 1000 + 3600_000);
    const token = `token ${String(issued.body.token)}`;
    assert.equal((await call(github, 'GET', `/repos/${owner}/app-repo`, token)).status, 200);
    now += 3600_000;
    assert.equal((await call(github, 'GET', `/repos/${owner}/app-repo`, token)).status, 401);
  });

  it('scopes tokens to their installation, narrowed repositories and permissions', async () => {
    const jwt = () => `Bearer ${signAppJwt(github.app.privateKey, { iss: github.app.id, iat: seconds() - 30, exp: seconds() + 500 })}`;
    const installation = github.installations.idFor(`${owner}/app-repo`);
    const narrowed = await call(github, 'POST', `/app/installations/${installation}/access_tokens`, jwt(), {
      repositories: ['app-repo'],
      permissions: { contents: 'read', metadata: 'read' },
    });
    assert.equal(narrowed.status, 201);
    assert.deepEqual(narrowed.body.permissions, { contents: 'read', metadata: 'read' });
    const token = `token ${String(narrowed.body.token)}`;
    assert.equal((await call(github, 'GET', `/repos/${owner}/app-repo`, token)).status, 200);
    assert.equal((await call(github, 'GET', `/repos/${owner}/other-repo`, token)).status, 404);
    assert.equal((await call(github, 'GET', '/repos/elsewhere/repo', token)).status, 404);
    const write = await call(github, 'POST', `/repos/${owner}/app-repo/git/blobs`, token, { content: 'x' });
    assert.deepEqual([write.status, write.body.message], [403, 'Resource not accessible by integration']);
    const greedy = await call(github, 'POST', `/app/installations/${installation}/access_tokens`, jwt(), { permissions: { administration: 'write' } });
    assert.equal(greedy.status, 422);
    const listed = await call(github, 'GET', '/installation/repositories', token);
    assert.deepEqual((listed.body.repositories as { full_name: string }[]).map((r) => r.full_name), [`${owner}/app-repo`]);
    const viaRepo = await call(github, 'GET', `/repos/${owner}/other-repo/installation`, jwt());
    assert.equal(viaRepo.body.id, installation);
  });

  it('gives people what their repository role allows', async () => {
    github.setPermission(`${owner}/app-repo`, 'reader', 'read');
    const reader = userOctokit(github, 'reader');
    assert.equal((await reader.rest.repos.get({ owner, repo: 'app-repo' })).status, 200);
    const refused = await rejection(reader.rest.git.createBlob({ owner, repo: 'app-repo', content: 'x' }));
    assert.equal(refused.status, 403);
    assert.equal((await rejection(userOctokit(github, 'stranger').rest.repos.get({ owner, repo: 'app-repo' }))).status, 404);
  });

  it('works with @octokit/auth-app and Probot pointed at it, including clock-skew recovery', async () => {
    now = Date.now() - 10 * 60_000; // the server's clock runs ten minutes behind this machine
    const octokit = installationOctokit(github, `${owner}/app-repo`);
    assert.equal((await octokit.rest.repos.get({ owner, repo: 'app-repo' })).data.full_name, `${owner}/app-repo`);
    now = Date.now();
    const probot = new Probot({ appId: github.app.id, privateKey: github.app.privateKey, baseUrl: github.url, logLevel: 'fatal' });
    const installed = await probot.auth(github.installations.idFor(`${owner}/app-repo`));
    const branch = await installed.rest.repos.getBranch({ owner, repo: 'app-repo', branch: 'main' });
    assert.equal(branch.data.name, 'main');
    // Probot's config loader (raw contents, then the owner's .github repository on 404).
    await github.seed.commitFiles(`${owner}/app-repo`, 'main', { '.github/ladder.yml': 'service: checkout\n' });
    const found = await installed.config.get({ owner, repo: 'app-repo', path: '.github/ladder.yml' });
    assert.deepEqual(found.config, { service: 'checkout' });
    const absent = await installed.config.get({ owner, repo: 'app-repo', path: '.github/absent.yml' });
    assert.deepEqual(absent.config, {});
  });

  it('answered every call within GitHub\'s OpenAPI description', () => github.contract.assertClean());
});
