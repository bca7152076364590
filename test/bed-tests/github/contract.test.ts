import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sharedContractChecker } from '../../bed/github/contract/checker.js';
import { Router } from '../../bed/github/router.js';
import { startGitHubServer, type GitHubServer } from '../../bed/github/index.js';
import { installationOctokit } from '../../bed/github/clients.js';

const checker = sharedContractChecker();
const gitRef = {
  ref: 'refs/heads/main',
  node_id: 'REF_x',
  url: 'https://api.github.com/repos/o/r/git/refs/heads/main',
  object: { type: 'commit', sha: 'a'.repeat(40), url: 'https://api.github.com/repos/o/r/git/commits/x' },
};
const label = { id: 1, node_id: 'LA_1', url: 'https://api.github.com/repos/o/r/labels/x', name: 'x', description: null, color: 'ededed', default: false };

describe('the OpenAPI contract checker catches what GitHub would never send', () => {
  it('accepts a correct body and refuses invented, missing and mistyped fields', () => {
    const route = '/repos/{owner}/{repo}/git/ref/{ref}';
    assert.deepEqual(checker.checkResponse('GET', route, 200, gitRef), []);
    assert.match(checker.checkResponse('GET', route, 200, { ...gitRef, invented: true }).join(), /unevaluated properties \("invented"\)/);
    const { node_id: _, ...missing } = gitRef;
    assert.match(checker.checkResponse('GET', route, 200, missing).join(), /required property 'node_id'/);
    assert.match(checker.checkResponse('GET', route, 200, { ...gitRef, ref: 7 }).join(), /\/ref must be string/);
    assert.match(checker.checkResponse('GET', route, 200, { ...gitRef, url: 'not a url' }).join(), /format "uri"/);
  });

  it('reads OpenAPI 3.0 nullable: null where allowed, refused elsewhere', () => {
    const route = '/repos/{owner}/{repo}/labels/{name}';
    assert.deepEqual(checker.checkResponse('GET', route, 200, label), []);
    assert.notDeepEqual(checker.checkResponse('GET', route, 200, { ...label, name: null }), []);
  });

  it('closes objects built with allOf as a whole, not member by member', () => {
    const merged = checker.checkWebhook('pull-request-closed', { action: 'closed' });
    assert.match(merged.join(), /required property/);
    const route = '/repos/{owner}/{repo}/commits/{ref}';
    const commitWithEmptyAuthor = checker.checkResponse('GET', route, 200, { author: {} });
    assert.ok(!commitWithEmptyAuthor.join().includes('/author'), 'an empty author object is one of the allowed shapes');
  });

  it('judges error bodies loosely but still as error bodies, and flags undocumented success statuses', () => {
    const route = '/repos/{owner}/{repo}/git/ref/{ref}';
    assert.deepEqual(checker.checkResponse('GET', route, 404, { message: 'Not Found', documentation_url: 'x', status: '404' }), []);
    assert.notDeepEqual(checker.checkResponse('GET', route, 404, { message: 404 }), []);
    assert.match(checker.checkResponse('GET', route, 201, gitRef).join(), /status 201 is not documented/);
    assert.match(checker.checkResponse('GET', route, 304, { a: 1 }).join(), /304 response must have no body/);
    assert.match(checker.checkResponse('GET', '/not/github', 200, {}).join(), /not an operation/);
    assert.match(checker.checkWebhook('push', { ref: 'refs/heads/main' }).join(), /required property/);
  });
});

describe('routing and input validation', () => {
  let github: GitHubServer;

  before(async () => {
    github = await startGitHubServer({
      routes: [{ method: 'GET', route: '/zen', access: { token: true }, handle: () => { throw new Error('boom'); } }],
    });
    await github.createRepo('shop/routing');
  });

  after(() => github.stop());

  it('picks the most specific template and decodes encoded slashes', () => {
    const router = new Router<string>();
    router.add('GET', '/repos/{owner}/{repo}/commits/{ref}', 'commit');
    router.add('GET', '/repos/{owner}/{repo}/commits/{ref}/status', 'status');
    router.add('GET', '/repos/{owner}/{repo}/contents/{path}', 'contents');
    assert.deepEqual(router.match('GET', '/repos/o/r/commits/feature/x/status'), {
      route: '/repos/{owner}/{repo}/commits/{ref}/status',
      params: { owner: 'o', repo: 'r', ref: 'feature/x' },
      value: 'status',
    });
    assert.equal(router.match('GET', '/repos/o/r/commits/heads%2Ffeature')?.params.ref, 'heads/feature');
    assert.equal(router.match('GET', '/repos/o/r/contents')?.params.path, '');
    assert.equal(router.match('POST', '/repos/o/r/commits/x'), undefined);
    assert.throws(() => router.add('GET', '/repos/{owner}/{repo}/commits/{ref}', 'again'), /registered twice/);
  });

  it('refuses to register a route GitHub does not have', async () => {
    await assert.rejects(
      startGitHubServer({ routes: [{ method: 'GET', route: '/repos/{owner}/{repo}/made-up', access: { token: true }, handle: () => ({ status: 200 }) }] }),
      /not an operation in GitHub's OpenAPI description/,
    );
  });

  it('validates request bodies against the description like GitHub (422 "Invalid request")', async () => {
    const octokit = installationOctokit(github, 'shop/routing');
    const token = (await octokit.auth({ type: 'installation' })) as { token: string };
    const response = await fetch(`${github.url}/repos/shop/routing/git/refs`, {
      method: 'POST',
      headers: { authorization: `token ${token.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ref: 'refs/heads/x', sha: 42 }),
    });
    const body = (await response.json()) as { message: string };
    assert.equal(response.status, 422);
    assert.match(body.message, /^Invalid request\.\n\nFor 'properties\/sha'/);
    const broken = await fetch(`${github.url}/repos/shop/routing/git/refs`, {
      method: 'POST',
      headers: { authorization: `token ${token.token}`, 'content-type': 'application/json' },
      body: '{not json',
    });
    assert.deepEqual([broken.status, ((await broken.json()) as { message: string }).message], [400, 'Problems parsing JSON']);
  });

  it('turns a handler crash into a 500 and records it so the suite fails', async () => {
    const octokit = installationOctokit(github, 'shop/routing', { retries: 0 });
    await assert.rejects(octokit.request('GET /zen'), (error: { status?: number }) => error.status === 500);
    assert.equal(github.contract.violations.length, 1);
    assert.match(github.contract.violations[0]?.errors.join() ?? '', /handler threw: Error: boom/);
    assert.throws(() => github.contract.assertClean(), /GET \/zen 500/);
    github.contract.violations.length = 0;
  });

  it('fails stop() when a violation was left for it, unless the server was started with the reason it may', async () => {
    const invented = { method: 'GET' as const, route: '/meta', access: { token: true } as const, handle: () => ({ status: 200, body: { invented: true } }) };
    const strict = await startGitHubServer({ routes: [invented], deliveries: { inOrder: 'no webhooks here' } });
    await strict.createRepo('shop/meta');
    await installationOctokit(strict, 'shop/meta', { retries: 0 }).request('GET /meta');
    await assert.rejects(strict.stop(), /GitHub's OpenAPI description does not allow[\s\S]*GET \/meta 200/);

    const lenient = await startGitHubServer({ routes: [invented], contract: { allowViolations: 'this test breaks the contract on purpose' } });
    await lenient.createRepo('shop/meta');
    await installationOctokit(lenient, 'shop/meta', { retries: 0 }).request('GET /meta');
    assert.equal(lenient.contract.violations.length, 1);
    await lenient.stop();
    await assert.rejects(startGitHubServer({ contract: { allowViolations: '' } }), /needs the reason/);
  });
});
