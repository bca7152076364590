import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startGitHubServer, type GitHubServer } from '../../bed/github/index.js';
import { installationOctokit, type BedOctokit } from '../../bed/github/clients.js';
import { rejection } from '../../bed/github/expect.js';

const owner = 'shop';
const repo = 'contents';
const fullName = `${owner}/${repo}`;

const b64 = (text: string) => Buffer.from(text).toString('base64');

describe('GitHub server: contents, commits and compare', () => {
  let github: GitHubServer;
  let app: BedOctokit;

  before(async () => {
    github = await startGitHubServer();
    await github.createRepo(fullName);
    await github.seed.commitFiles(fullName, 'main', { '.github/ladder.yml': 'service: checkout\n', 'deploy/a.yaml': 'a\n' });
    app = installationOctokit(github, fullName);
  });

  after(() => github.stop());

  it('reads a file as base64 with its blob sha, a directory as a list, and raw bytes on request', async () => {
    const file = await app.rest.repos.getContent({ owner, repo, path: '.github/ladder.yml' });
    assert.ok(!Array.isArray(file.data) && file.data.type === 'file');
    assert.equal(Buffer.from(file.data.content, 'base64').toString(), 'service: checkout\n');
    const blob = await app.rest.git.getBlob({ owner, repo, file_sha: file.data.sha });
    assert.equal(blob.data.size, 'service: checkout\n'.length);
    const dir = await app.rest.repos.getContent({ owner, repo, path: 'deploy' });
    assert.ok(Array.isArray(dir.data));
    assert.deepEqual(dir.data.map((e) => [e.path, e.type]), [['deploy/a.yaml', 'file']]);
    const root = await app.rest.repos.getContent({ owner, repo, path: '' });
    assert.ok(Array.isArray(root.data));
    assert.deepEqual(root.data.map((e) => e.name), ['.github', 'README.md', 'deploy']);
    const raw = await app.rest.repos.getContent({ owner, repo, path: 'deploy/a.yaml', mediaType: { format: 'raw' } });
    assert.equal(String(raw.data), 'a\n');
    assert.equal((await rejection(app.rest.repos.getContent({ owner, repo, path: 'missing.yaml' }))).status, 404);
    assert.equal((await rejection(app.rest.repos.getContent({ owner, repo, path: 'deploy/a.yaml', ref: 'nope' }))).status, 404);
  });

  it('a seeded symbolic link is what git push of one gives GitHub: a tree entry of mode 120000 whose blob is the target path; contents follows it to a normal file, else describes it', async () => {
    await github.seed.commitFiles(fullName, 'links', {
      'chart/values.yaml': 'replicas: 2\n',
      'chart/templates/values-link.yaml': { symlink: '../values.yaml' },
      'chart/templates/up-link.yaml': { symlink: '../../../../etc/passwd' },
      'chart/dir-link': { symlink: 'templates' },
    }, { from: 'main' });
    const { data: tree } = await app.rest.git.getTree({ owner, repo, tree_sha: 'links', recursive: 'true' });
    const entry = tree.tree.find((e) => e.path === 'chart/templates/values-link.yaml');
    assert.deepEqual({ mode: entry?.mode, type: entry?.type, size: entry?.size }, { mode: '120000', type: 'blob', size: '../values.yaml'.length });
    const blob = await app.rest.git.getBlob({ owner, repo, file_sha: entry!.sha! });
    assert.equal(Buffer.from(blob.data.content, 'base64').toString(), '../values.yaml', 'the blob is the target path');

    // GitHub's description of GET contents: a link to a normal file answers that file's content.
    const followed = await app.rest.repos.getContent({ owner, repo, path: 'chart/templates/values-link.yaml', ref: 'links' });
    assert.ok(!Array.isArray(followed.data) && followed.data.type === 'file');
    assert.equal(followed.data.path, 'chart/values.yaml');
    assert.equal(Buffer.from(followed.data.content, 'base64').toString(), 'replicas: 2\n');
    const raw = await app.rest.repos.getContent({ owner, repo, path: 'chart/templates/values-link.yaml', ref: 'links', mediaType: { format: 'raw' } });
    assert.equal(String(raw.data), 'replicas: 2\n');
    // Otherwise an object describing the link: its target, no content.
    for (const [path, target] of [['chart/templates/up-link.yaml', '../../../../etc/passwd'], ['chart/dir-link', 'templates']] as const) {
      const described = await app.rest.repos.getContent({ owner, repo, path, ref: 'links' });
      assert.ok(!Array.isArray(described.data) && described.data.type === 'symlink', path);
      assert.equal(described.data.target, target);
      assert.equal(described.data.size, target.length);
      assert.ok(!('content' in described.data), 'no content for a link that leads nowhere in the repository');
    }
    const listing = await app.rest.repos.getContent({ owner, repo, path: 'chart/templates', ref: 'links' });
    assert.ok(Array.isArray(listing.data));
    assert.deepEqual(listing.data.map((e) => [e.name, e.type]), [['up-link.yaml', 'symlink'], ['values-link.yaml', 'symlink']]);
  });

  it('creates, updates and deletes a file, requiring the current sha', async () => {
    const created = await app.rest.repos.createOrUpdateFileContents({ owner, repo, path: 'envs/dev.yaml', message: 'add dev', content: b64('v: 1\n') });
    assert.equal(created.status, 201);
    const sha = created.data.content?.sha ?? '';
    const noSha = await rejection(app.rest.repos.createOrUpdateFileContents({ owner, repo, path: 'envs/dev.yaml', message: 'x', content: b64('v: 2\n') }));
    assert.equal(noSha.status, 422);
    const stale = await rejection(
      app.rest.repos.createOrUpdateFileContents({ owner, repo, path: 'envs/dev.yaml', message: 'x', content: b64('v: 2\n'), sha: 'f'.repeat(40) }),
    );
    assert.equal(stale.status, 409);
    const updated = await app.rest.repos.createOrUpdateFileContents({ owner, repo, path: 'envs/dev.yaml', message: 'bump', content: b64('v: 2\n'), sha });
    assert.equal(updated.status, 200);
    assert.deepEqual(updated.data.commit.parents?.map((p) => p.sha), [created.data.commit.sha]);
    assert.equal((await github.seed.readFile(fullName, 'main', 'envs/dev.yaml'))?.toString(), 'v: 2\n');
    const deleted = await app.rest.repos.deleteFile({ owner, repo, path: 'envs/dev.yaml', message: 'remove', sha: updated.data.content?.sha ?? '' });
    assert.equal(deleted.data.content, null);
    assert.equal(await github.seed.readFile(fullName, 'main', 'envs/dev.yaml'), null);
    const onMissingBranch = await rejection(
      app.rest.repos.createOrUpdateFileContents({ owner, repo, path: 'x', message: 'x', content: b64('x'), branch: 'nope' }),
    );
    assert.equal(onMissingBranch.status, 404);
  });

  it('polls a branch by sha: 200 with the sha, then a free 304 until it moves', async () => {
    const first = await app.request('GET /repos/{owner}/{repo}/commits/{ref}', { owner, repo, ref: 'main', mediaType: { format: 'sha' } });
    const tip = (await app.rest.repos.getBranch({ owner, repo, branch: 'main' })).data.commit.sha;
    assert.equal(String(first.data), tip);
    const etag = String(first.headers.etag);
    const key = `installation:${github.installations.idFor(fullName)}`;
    const used = github.rateLimitUsed(key);
    const mark = github.requests.mark();
    const unchanged = await rejection(
      app.request('GET /repos/{owner}/{repo}/commits/{ref}', { owner, repo, ref: 'main', mediaType: { format: 'sha' }, headers: { 'if-none-match': etag } }),
    );
    assert.equal(unchanged.status, 304);
    assert.equal(github.rateLimitUsed(key), used);
    assert.equal(unchanged.headers['x-ratelimit-used'], String(used));
    assert.deepEqual(github.requests.describe(mark), ['GET /repos/{owner}/{repo}/commits/{ref} 304']);
    const moved = await github.seed.commitFiles(fullName, 'main', { 'deploy/b.yaml': 'b\n' });
    const after = await app.request('GET /repos/{owner}/{repo}/commits/{ref}', { owner, repo, ref: 'main', mediaType: { format: 'sha' }, headers: { 'if-none-match': etag } });
    assert.equal(String(after.data), moved);
  });

  it('returns a commit with its files and stats, and lists history by path', async () => {
    const sha = await github.seed.commitFiles(fullName, 'main', { 'deploy/a.yaml': 'a\nmore\n', 'deploy/b.yaml': null }, { message: 'edit a, drop b' });
    const commit = await app.rest.repos.getCommit({ owner, repo, ref: sha });
    assert.deepEqual(commit.data.files?.map((f) => [f.filename, f.status, f.additions, f.deletions]), [
      ['deploy/a.yaml', 'modified', 1, 0],
      ['deploy/b.yaml', 'removed', 0, 1],
    ]);
    assert.deepEqual(commit.data.stats, { total: 2, additions: 1, deletions: 1 });
    const history = await app.rest.repos.listCommits({ owner, repo, path: 'deploy/b.yaml' });
    assert.deepEqual(history.data.map((c) => c.commit.message), ['edit a, drop b', 'Update deploy/b.yaml']);
    assert.equal(history.data[0]?.sha, sha);
    assert.equal((await rejection(app.rest.repos.getCommit({ owner, repo, ref: 'no-such-branch' }))).status, 422);
  });

  it('compares refs: ahead, behind, diverged and identical, with files from the merge base', async () => {
    await github.seed.setBranch(fullName, 'dev', 'main');
    const devTip = await github.seed.commitFiles(fullName, 'dev', { 'deploy/c.yaml': 'c\n' });
    const ahead = await app.rest.repos.compareCommitsWithBasehead({ owner, repo, basehead: 'main...dev' });
    assert.deepEqual([ahead.data.status, ahead.data.ahead_by, ahead.data.behind_by], ['ahead', 1, 0]);
    assert.deepEqual(ahead.data.files?.map((f) => f.filename), ['deploy/c.yaml']);
    assert.equal(ahead.data.commits[0]?.sha, devTip);
    const behind = await app.rest.repos.compareCommitsWithBasehead({ owner, repo, basehead: 'dev...main' });
    assert.deepEqual([behind.data.status, behind.data.ahead_by, behind.data.behind_by], ['behind', 0, 1]);
    await github.seed.commitFiles(fullName, 'main', { 'deploy/d.yaml': 'd\n' });
    const diverged = await app.rest.repos.compareCommitsWithBasehead({ owner, repo, basehead: `${owner}:main...${owner}:dev` });
    assert.deepEqual([diverged.data.status, diverged.data.ahead_by, diverged.data.behind_by], ['diverged', 1, 1]);
    assert.deepEqual(diverged.data.files?.map((f) => f.filename), ['deploy/c.yaml']);
    const same = await app.rest.repos.compareCommitsWithBasehead({ owner, repo, basehead: 'dev...dev' });
    assert.equal(same.data.status, 'identical');
    assert.equal((await rejection(app.rest.repos.compareCommitsWithBasehead({ owner, repo, basehead: 'main...nope' }))).status, 404);
  });

  it('answered every call within GitHub\'s OpenAPI description', () => github.contract.assertClean());
});
