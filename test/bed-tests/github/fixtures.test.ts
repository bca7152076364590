import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { startGitHubServer, type GitHubServer } from '../../bed/github/index.js';
import { installationOctokit, type BedOctokit } from '../../bed/github/clients.js';
import { rejection } from '../../bed/github/expect.js';
import { shapeDifferences } from '../../bed/github/shape-diff.js';

interface Exchange {
  method: string;
  path: string;
  status: number;
  response: unknown;
}

const scenarios = join(dirname(createRequire(import.meta.url).resolve('@octokit/fixtures/package.json')), 'scenarios/api.github.com');

/** A recorded exchange from @octokit/fixtures: a real api.github.com answer. */
function recorded(scenario: string, method: string, pathPattern: RegExp, index = 0): Exchange {
  const exchanges = JSON.parse(readFileSync(join(scenarios, scenario, 'normalized-fixture.json'), 'utf8')) as Exchange[];
  const matching = exchanges.filter((e) => e.method === method && pathPattern.test(e.path));
  const exchange = matching[index];
  assert.ok(exchange, `${scenario} has a ${method} ${pathPattern}`);
  return exchange;
}

const owner = 'octokit-fixture-org';
const repo = 'hello-world';

describe('GitHub server answers are shaped like recorded api.github.com exchanges (@octokit/fixtures)', () => {
  let github: GitHubServer;
  let octokit: BedOctokit;
  let sha: string;

  before(async () => {
    github = await startGitHubServer();
    await github.createRepo(`${owner}/${repo}`);
    octokit = installationOctokit(github, `${owner}/${repo}`);
    sha = (await octokit.rest.git.getRef({ owner, repo, ref: 'heads/main' })).data.object.sha;
  });

  after(() => github.stop());

  /** Same status as the recording and no key or JSON type of the recording missing from ours. */
  function assertLike(exchange: Exchange, status: number, data: unknown): void {
    assert.equal(status, exchange.status, `${exchange.method} ${exchange.path}`);
    assert.deepEqual(shapeDifferences(exchange.response, data), [], `${exchange.method} ${exchange.path}`);
  }

  it('create-file: PUT contents', async () => {
    const answer = await octokit.rest.repos.createOrUpdateFileContents({ owner, repo, path: 'test.txt', message: 'create test.txt', content: 'VGVzdCBjb250ZW50' });
    assertLike(recorded('create-file', 'put', /contents\/test\.txt$/), answer.status, answer.data);
  });

  it('get-content: a directory listing', async () => {
    const answer = await octokit.rest.repos.getContent({ owner, repo, path: '' });
    assertLike(recorded('get-content', 'get', /contents\/$/), answer.status, answer.data);
  });

  it('get-repository: GET /repos/{owner}/{repo}', async () => {
    const answer = await octokit.rest.repos.get({ owner, repo });
    assertLike(recorded('get-repository', 'get', /hello-world$/), answer.status, answer.data);
  });

  it('git-refs: create and update a reference, then delete it', async () => {
    const created = await octokit.rest.git.createRef({ owner, repo, ref: 'refs/heads/test', sha });
    assertLike(recorded('git-refs', 'post', /git\/refs$/), created.status, created.data);
    const next = await github.seed.commitFiles(`${owner}/${repo}`, 'test', { 'x.txt': 'x' });
    const updated = await octokit.rest.git.updateRef({ owner, repo, ref: 'heads/test', sha: next });
    assertLike(recorded('git-refs', 'patch', /heads\/test$/), updated.status, updated.data);
    const deleted = await octokit.rest.git.deleteRef({ owner, repo, ref: 'heads/test' });
    assert.equal(deleted.status, recorded('git-refs', 'delete', /heads\/test$/).status);
  });

  it('labels and add-labels-to-issue', async () => {
    const created = await octokit.rest.issues.createLabel({ owner, repo, name: 'test-label', color: '663399' });
    assertLike(recorded('labels', 'post', /\/labels$/), created.status, created.data);
    const listed = await octokit.rest.issues.listLabelsForRepo({ owner, repo });
    assertLike(recorded('labels', 'get', /\/labels$/), listed.status, listed.data);
    await github.seed.commitFiles(`${owner}/${repo}`, 'labelled', { 'l.txt': 'l' }, { from: 'main' });
    const pull = await octokit.rest.pulls.create({ owner, repo, head: 'labelled', base: 'main', title: 'Issue without a label' });
    const added = await octokit.rest.issues.addLabels({ owner, repo, issue_number: pull.data.number, labels: ['Foo', 'bAr', 'baZ'] });
    assertLike(recorded('add-labels-to-issue', 'post', /issues\/1\/labels$/), added.status, added.data);
  });

  it('create-status: statuses, their list and the combined status', async () => {
    const body = { state: 'failure' as const, target_url: 'https://example.com', description: 'create-status failure test', context: 'example/1' };
    const created = await octokit.rest.repos.createCommitStatus({ owner, repo, sha, ...body });
    assertLike(recorded('create-status', 'post', /statuses\//), created.status, created.data);
    const listed = await octokit.rest.repos.listCommitStatusesForRef({ owner, repo, ref: sha });
    assertLike(recorded('create-status', 'get', /\/statuses$/), listed.status, listed.data);
    const combined = await octokit.rest.repos.getCombinedStatusForRef({ owner, repo, ref: sha });
    assertLike(recorded('create-status', 'get', /\/status$/), combined.status, combined.data);
  });

  it('errors: an invalid label color gives the same 422 body', async () => {
    const exchange = recorded('errors', 'post', /\/labels$/);
    const refused = await rejection(octokit.rest.issues.createLabel({ owner, repo, name: 'foo', color: 'invalid' }));
    assertLike(exchange, refused.status, refused.data);
    assert.deepEqual(refused.data.errors, (exchange.response as { errors: unknown }).errors);
  });

  it('answered every call within GitHub\'s OpenAPI description', () => github.contract.assertClean());
});
