import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startGitHubServer, type GitHubServer } from '../../bed/github/index.js';
import { installationOctokit, userOctokit, type BedOctokit } from '../../bed/github/clients.js';
import { rejection } from '../../bed/github/expect.js';

const owner = 'shop';
const repo = 'checks';
const fullName = `${owner}/${repo}`;

function annotation(line: number) {
  return { path: 'prd/deployment.yaml', start_line: line, end_line: line, annotation_level: 'failure' as const, message: `rule ${line}` };
}

describe('GitHub server: check runs and commit statuses', () => {
  let github: GitHubServer;
  let app: BedOctokit;
  let sha: string;

  before(async () => {
    github = await startGitHubServer();
    await github.createRepo(fullName);
    sha = await github.seed.commitFiles(fullName, 'main', { 'prd/deployment.yaml': 'kind: Deployment\n' });
    app = installationOctokit(github, fullName);
  });

  after(() => github.stop());

  it('creates a check run, completes it, and appends annotations across updates', async () => {
    const created = await app.rest.checks.create({
      owner,
      repo,
      name: 'ladder/validate',
      head_sha: sha,
      status: 'in_progress',
      output: { title: 'Validating', summary: 'running', annotations: [annotation(1)] },
    });
    assert.equal(created.status, 201);
    assert.equal(created.data.app?.slug, 'ladder');
    assert.equal(created.data.output.annotations_count, 1);
    const done = await app.rest.checks.update({
      owner,
      repo,
      check_run_id: created.data.id,
      conclusion: 'failure',
      output: { title: '2 problems', summary: 'see annotations', annotations: [annotation(7)] },
    });
    assert.deepEqual([done.data.status, done.data.conclusion], ['completed', 'failure']);
    assert.ok(done.data.completed_at);
    const annotations = await app.rest.checks.listAnnotations({ owner, repo, check_run_id: created.data.id });
    assert.deepEqual(annotations.data.map((a) => a.start_line), [1, 7]);
    assert.equal((await app.rest.checks.get({ owner, repo, check_run_id: created.data.id })).data.output.title, '2 problems');
  });

  it('lists the latest run per name for a ref unless asked for all', async () => {
    await app.rest.checks.create({ owner, repo, name: 'ladder/validate', head_sha: sha, conclusion: 'success' });
    const latest = await app.rest.checks.listForRef({ owner, repo, ref: 'main' });
    assert.deepEqual(latest.data.check_runs.map((r) => [r.name, r.conclusion]), [['ladder/validate', 'success']]);
    const all = await app.rest.checks.listForRef({ owner, repo, ref: sha, filter: 'all' });
    assert.equal(all.data.total_count, 2);
    const named = await app.rest.checks.listForRef({ owner, repo, ref: sha, check_name: 'other' });
    assert.equal(named.data.total_count, 0);
  });

  it('refuses check runs from people, too many annotations, and unknown commits', async () => {
    github.setPermission(fullName, 'dev', 'write');
    const person = await rejection(userOctokit(github, 'dev').rest.checks.create({ owner, repo, name: 'x', head_sha: sha }));
    assert.equal(person.status, 403);
    const many = Array.from({ length: 51 }, (_, i) => annotation(i + 1));
    const tooMany = await rejection(
      app.rest.checks.create({ owner, repo, name: 'x', head_sha: sha, output: { title: 't', summary: 's', annotations: many } }),
    );
    assert.equal(tooMany.status, 422);
    assert.equal((await rejection(app.rest.checks.create({ owner, repo, name: 'x', head_sha: 'a'.repeat(40) }))).status, 422);
  });

  it('combines commit statuses: latest per context decides', async () => {
    const empty = await app.rest.repos.getCombinedStatusForRef({ owner, repo, ref: sha });
    assert.deepEqual([empty.data.state, empty.data.total_count], ['pending', 0]);
    await app.rest.repos.createCommitStatus({ owner, repo, sha, state: 'pending', context: 'ladder/soak', description: 'soaking' });
    await app.rest.repos.createCommitStatus({ owner, repo, sha, state: 'success', context: 'ladder/window' });
    assert.equal((await app.rest.repos.getCombinedStatusForRef({ owner, repo, ref: 'main' })).data.state, 'pending');
    await app.rest.repos.createCommitStatus({ owner, repo, sha, state: 'success', context: 'ladder/soak' });
    const green = await app.rest.repos.getCombinedStatusForRef({ owner, repo, ref: 'main' });
    assert.deepEqual([green.data.state, green.data.total_count], ['success', 2]);
    await app.rest.repos.createCommitStatus({ owner, repo, sha, state: 'failure', context: 'ladder/lock' });
    assert.equal((await app.rest.repos.getCombinedStatusForRef({ owner, repo, ref: sha })).data.state, 'failure');
    const history = await app.rest.repos.listCommitStatusesForRef({ owner, repo, ref: sha });
    assert.deepEqual(history.data.map((s) => s.context), ['ladder/lock', 'ladder/soak', 'ladder/window', 'ladder/soak']);
    assert.equal(history.data[0]?.creator?.login, 'ladder[bot]');
    const unknown = await rejection(app.rest.repos.createCommitStatus({ owner, repo, sha: 'b'.repeat(40), state: 'success' }));
    assert.equal(unknown.status, 422);
  });

  it('raises a status webhook naming the branches that contain the commit', async () => {
    await github.seed.setBranch(fullName, 'dev', sha);
    await app.rest.repos.createCommitStatus({ owner, repo, sha, state: 'success', context: 'ladder/verify' });
    const raised = github.webhooks.emitted.filter((e) => e.event === 'status').at(-1)?.payload as
      | { sha: string; state: string; context: string; branches: { name: string; commit: { sha: string } }[] }
      | undefined;
    assert.ok(raised);
    assert.deepEqual([raised.sha, raised.state, raised.context], [sha, 'success', 'ladder/verify']);
    assert.deepEqual(raised.branches.map((b) => [b.name, b.commit.sha]), [['dev', sha], ['main', sha]]);
  });

  it('answered every call within GitHub\'s OpenAPI description', () => github.contract.assertClean());
});
