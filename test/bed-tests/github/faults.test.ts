import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { createAppAuth } from '@octokit/auth-app';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import { startGitHubServer, type GitHubServer } from '../../bed/github/index.js';
import { installationOctokit, type BedOctokit } from '../../bed/github/clients.js';
import { rejection } from '../../bed/github/expect.js';

const owner = 'shop';
const repo = 'faults';
const fullName = `${owner}/${repo}`;
const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

describe('GitHub server: fault injection', () => {
  let github: GitHubServer;
  let app: BedOctokit;
  let plain: BedOctokit;

  before(async () => {
    github = await startGitHubServer();
    await github.createRepo(fullName);
    app = installationOctokit(github, fullName);
    plain = installationOctokit(github, fullName, { retries: 0 });
  });

  after(() => github.stop());

  it('answers a secondary rate limit like GitHub, and plugin-throttling waits and retries', async () => {
    github.faults.add({ route: 'GET /repos/{owner}/{repo}', secondaryRateLimit: { retryAfterSeconds: 1 } });
    const limited = await rejection(plain.rest.repos.get({ owner, repo }));
    assert.equal(limited.status, 403);
    assert.equal(limited.headers['retry-after'], '1');
    assert.match(String(limited.data.message), /^You have exceeded a secondary rate limit/);

    const waits: number[] = [];
    const Throttled = Octokit.plugin(throttling);
    const throttled = new Throttled({
      baseUrl: github.url,
      authStrategy: createAppAuth,
      auth: { appId: github.app.id, privateKey: github.app.privateKey, installationId: github.installations.idFor(fullName) },
      log: quiet,
      throttle: {
        retryAfterBaseValue: 10,
        onRateLimit: () => false,
        onSecondaryRateLimit: (retryAfter, _options, _octokit, retryCount) => {
          waits.push(retryAfter);
          return retryCount < 1;
        },
      },
    });
    github.faults.add({ route: 'GET /repos/{owner}/{repo}', secondaryRateLimit: { retryAfterSeconds: 2 } });
    const answer = await throttled.rest.repos.get({ owner, repo });
    assert.equal(answer.status, 200);
    assert.deepEqual(waits, [2]);
  });

  it('answers a primary rate limit with x-ratelimit-remaining 0', async () => {
    github.faults.add({ route: 'GET /repos/{owner}/{repo}/branches/{branch}', primaryRateLimit: true });
    const limited = await rejection(plain.rest.repos.getBranch({ owner, repo, branch: 'main' }));
    assert.equal(limited.status, 403);
    assert.equal(limited.headers['x-ratelimit-remaining'], '0');
    assert.match(String(limited.data.message), /^API rate limit exceeded for installation ID \d+\./);
  });

  it('slows a response down without changing it, enough to trip a client timeout', async () => {
    github.faults.add({ route: 'GET /repos/{owner}/{repo}/git/ref/{ref}', delayMs: 300, times: 2 });
    const mark = github.requests.mark();
    const started = Date.now();
    const slow = await app.rest.git.getRef({ owner, repo, ref: 'heads/main' });
    assert.equal(slow.status, 200);
    assert.ok(Date.now() - started >= 300);
    const aborted = await rejection(
      plain.rest.git.getRef({ owner, repo, ref: 'heads/main', request: { signal: AbortSignal.timeout(50) } }).catch((error: unknown) => {
        throw Object.assign(new Error(String(error)), { status: 0 });
      }),
    );
    assert.equal(aborted.status, 0);
    // The server still finishes the abandoned request; let it, so later tests see only their own.
    while (github.requests.count('GET /repos/{owner}/{repo}/git/ref/{ref}', mark) < 2) await sleep(20);
  });

  it('can fail after the change happened, which makes a blind retry see 422', async () => {
    const sha = (await app.rest.git.getRef({ owner, repo, ref: 'heads/main' })).data.object.sha;
    const fault = github.faults.add({ route: 'POST /repos/{owner}/{repo}/git/refs', status: 502, afterHandler: true });
    const mark = github.requests.mark();
    const retried = await rejection(app.rest.git.createRef({ owner, repo, ref: 'refs/heads/made-anyway', sha }));
    assert.deepEqual([retried.status, retried.data.message], [422, 'Reference already exists']);
    assert.equal(fault.hits, 1);
    assert.deepEqual(github.requests.describe(mark), ['POST /repos/{owner}/{repo}/git/refs 502', 'POST /repos/{owner}/{repo}/git/refs 422']);
    assert.equal((await app.rest.git.getRef({ owner, repo, ref: 'heads/made-anyway' })).status, 200);
  });

  it('matches by predicate, counts hits, and stops when removed', async () => {
    await github.seed.setBranch(fullName, 'dev', 'main');
    const fault = github.faults.add({
      route: '/repos/{owner}/{repo}/git/ref/{ref}',
      status: 500,
      times: Infinity,
      match: (request) => request.params.ref === 'heads/dev',
    });
    assert.equal((await rejection(plain.rest.git.getRef({ owner, repo, ref: 'heads/dev' }))).status, 500);
    assert.equal((await plain.rest.git.getRef({ owner, repo, ref: 'heads/main' })).status, 200);
    assert.equal((await rejection(plain.rest.git.getRef({ owner, repo, ref: 'heads/dev' }))).status, 500);
    assert.equal(fault.hits, 2);
    fault.remove();
    assert.equal((await plain.rest.git.getRef({ owner, repo, ref: 'heads/dev' })).status, 200);
    github.faults.add({ status: 503, times: Infinity });
    assert.equal((await rejection(plain.rest.repos.get({ owner, repo }))).status, 503);
    github.faults.clear();
    assert.equal((await plain.rest.repos.get({ owner, repo })).status, 200);
    const faulted = github.requests.entries.filter((r) => r.fault).length;
    assert.ok(faulted >= 6, `faulted requests are marked in the log (${faulted})`);
    assert.throws(() => github.faults.add({ route: '/x' }), /needs a status, a delay or a rate limit/);
  });

  it('answered every non-injected call within GitHub\'s OpenAPI description', () => github.contract.assertClean());
});
