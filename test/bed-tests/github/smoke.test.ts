import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verify } from '@octokit/webhooks-methods';
import { startGitHubServer, type GitHubServer } from '../../bed/github/index.js';
import { installationOctokit, type BedOctokit } from '../../bed/github/clients.js';
import { startWebhookReceiver, type WebhookReceiver } from '../../bed/github/receiver.js';
import { rejection } from '../../bed/github/expect.js';

const owner = 'shop';
const repo = 'checkout-manifests';
const fullName = `${owner}/${repo}`;

describe('local GitHub API server: one promotion end to end', () => {
  let github: GitHubServer;
  let octokit: BedOctokit;
  let receiver: WebhookReceiver;
  const clones: string[] = [];

  before(async () => {
    github = await startGitHubServer();
    receiver = await startWebhookReceiver();
    github.webhooks.url = receiver.url;
    await github.createRepo(fullName, { defaultBranch: 'main' });
    octokit = installationOctokit(github, fullName);
  });

  after(async () => {
    await github.stop();
    await receiver.close();
    for (const dir of clones) rmSync(dir, { recursive: true, force: true });
  });

  it('commits two files with one tree, one commit and one ref update, then merges the pull request', async () => {
    const main = await octokit.rest.git.getRef({ owner, repo, ref: 'heads/main' });
    await octokit.rest.git.createRef({ owner, repo, ref: 'refs/heads/promote/dev', sha: main.data.object.sha });
    const mainTree = (await octokit.rest.git.getCommit({ owner, repo, commit_sha: main.data.object.sha })).data.tree.sha;
    const mark = github.requests.mark();
    const tree = await octokit.rest.git.createTree({
      owner,
      repo,
      base_tree: mainTree,
      tree: [
        { path: 'dev/deployment.yaml', mode: '100644', type: 'blob', content: 'kind: Deployment\n' },
        { path: 'dev/service.yaml', mode: '100644', type: 'blob', content: 'kind: Service\n' },
      ],
    });
    const commit = await octokit.rest.git.createCommit({
      owner,
      repo,
      message: 'Promote checkout abc123 to dev',
      tree: tree.data.sha,
      parents: [main.data.object.sha],
    });
    await octokit.rest.git.updateRef({ owner, repo, ref: 'heads/promote/dev', sha: commit.data.sha });
    assert.deepEqual(github.requests.describe(mark), [
      'POST /repos/{owner}/{repo}/git/trees 201',
      'POST /repos/{owner}/{repo}/git/commits 201',
      'PATCH /repos/{owner}/{repo}/git/refs/{ref} 200',
    ]);

    const pull = await octokit.rest.pulls.create({ owner, repo, head: 'promote/dev', base: 'main', title: 'Promote to dev' });
    assert.equal(pull.data.mergeable_state, 'clean');
    assert.equal(pull.data.changed_files, 2);
    const duplicate = await rejection(octokit.rest.pulls.create({ owner, repo, head: 'promote/dev', base: 'main', title: 'Again' }));
    assert.equal(duplicate.status, 422);
    assert.match(duplicate.message, /A pull request already exists for shop:promote\/dev\./);

    const stale = await rejection(
      octokit.rest.pulls.merge({ owner, repo, pull_number: pull.data.number, sha: main.data.object.sha }),
    );
    assert.equal(stale.status, 409);
    const merged = await octokit.rest.pulls.merge({
      owner,
      repo,
      pull_number: pull.data.number,
      sha: commit.data.sha,
      merge_method: 'merge',
    });
    assert.equal(merged.data.merged, true);

    // What git itself says was committed, through a real clone of the bare repository.
    const dir = mkdtempSync(join(tmpdir(), 'ladder-clone-'));
    clones.push(dir);
    execFileSync('git', ['clone', '--quiet', `file://${github.repoPath(fullName)}`, dir]);
    assert.equal(readFileSync(join(dir, 'dev/deployment.yaml'), 'utf8'), 'kind: Deployment\n');
    assert.equal(readFileSync(join(dir, 'dev/service.yaml'), 'utf8'), 'kind: Service\n');
    const head = execFileSync('git', ['-C', dir, 'log', '-1', '--format=%H %P'], { encoding: 'utf8' }).trim().split(' ');
    assert.deepEqual(head, [merged.data.sha, main.data.object.sha, commit.data.sha]);
    const promoted = execFileSync('git', ['-C', dir, 'log', '-1', '--format=%s', commit.data.sha], { encoding: 'utf8' });
    assert.equal(promoted.trim(), 'Promote checkout abc123 to dev');
  });

  it('delivers the merge as a signed pull_request webhook, and redelivers it with the same id', async () => {
    await github.webhooks.settled();
    const hook = await receiver.waitFor((h) => h.event === 'pull_request' && h.payload.action === 'closed');
    const pullRequest = hook.payload.pull_request as { merged: boolean; base: { ref: string } };
    assert.equal(pullRequest.merged, true);
    assert.equal(pullRequest.base.ref, 'main');
    assert.equal((hook.payload.installation as { id: number }).id, github.installations.idFor(fullName));
    const signature = String(hook.headers['x-hub-signature-256']);
    assert.equal(await verify(github.app.webhookSecret, hook.body, signature), true);
    assert.equal(await verify('not-the-secret', hook.body, signature), false);
    const expected = `sha256=${createHmac('sha256', github.app.webhookSecret).update(hook.body).digest('hex')}`;
    assert.ok(timingSafeEqual(Buffer.from(signature), Buffer.from(expected)));
    assert.match(String(hook.headers['user-agent']), /^GitHub-Hookshot\//);
    assert.ok(receiver.received.some((h) => h.event === 'push' && h.payload.ref === 'refs/heads/main'));

    const before = receiver.received.length;
    const again = await github.redeliver(hook.deliveryId);
    assert.equal(again.status, 200);
    const redelivered = receiver.received[before];
    assert.ok(redelivered);
    assert.equal(redelivered.deliveryId, hook.deliveryId);
    assert.equal(redelivered.body, hook.body);
  });

  it('refuses to merge a conflicting pull request with 405 and reports it as dirty', async () => {
    await github.seed.commitFiles(fullName, 'left', { 'dev/deployment.yaml': 'replicas: 1\n' }, { from: 'main' });
    await github.seed.commitFiles(fullName, 'right', { 'dev/deployment.yaml': 'replicas: 2\n' }, { from: 'main' });
    const left = await octokit.rest.pulls.create({ owner, repo, head: 'left', base: 'main', title: 'left' });
    const right = await octokit.rest.pulls.create({ owner, repo, head: 'right', base: 'main', title: 'right' });
    await octokit.rest.pulls.merge({ owner, repo, pull_number: left.data.number });
    const refused = await rejection(octokit.rest.pulls.merge({ owner, repo, pull_number: right.data.number }));
    assert.equal(refused.status, 405);
    assert.match(refused.message, /Pull Request is not mergeable/);
    const state = await octokit.rest.pulls.get({ owner, repo, pull_number: right.data.number });
    assert.equal(state.data.mergeable, false);
    assert.equal(state.data.mergeable_state, 'dirty');
  });

  it('shows an injected 502 to the client, which plugin-retry retries', async () => {
    const fault = github.faults.add({ route: 'POST /repos/{owner}/{repo}/git/trees', times: 1, status: 502 });
    const mark = github.requests.mark();
    const tree = await octokit.rest.git.createTree({
      owner,
      repo,
      tree: [{ path: 'x.yaml', mode: '100644', type: 'blob', content: 'x: 1\n' }],
    });
    assert.equal(tree.status, 201);
    assert.equal(fault.hits, 1);
    assert.deepEqual(github.requests.describe(mark), [
      'POST /repos/{owner}/{repo}/git/trees 502',
      'POST /repos/{owner}/{repo}/git/trees 201',
    ]);
  });

  it('answers a conditional GET of an unchanged branch with 304 that costs no rate limit', async () => {
    const first = await octokit.rest.repos.getBranch({ owner, repo, branch: 'main' });
    const etag = first.headers.etag;
    assert.ok(etag);
    const key = `installation:${github.installations.idFor(fullName)}`;
    const used = github.rateLimitUsed(key);
    const notModified = await rejection(
      octokit.rest.repos.getBranch({ owner, repo, branch: 'main', headers: { 'if-none-match': etag } }),
    );
    assert.equal(notModified.status, 304);
    assert.equal(github.rateLimitUsed(key), used);
    await github.seed.commitFiles(fullName, 'main', { 'dev/extra.yaml': 'a: b\n' });
    const changed = await octokit.rest.repos.getBranch({ owner, repo, branch: 'main', headers: { 'if-none-match': etag } });
    assert.equal(changed.status, 200);
    assert.notEqual(changed.headers.etag, etag);
  });

  it('ties an ETag to the token: after a token rotation the first conditional GET is a charged 200', async () => {
    const before = installationOctokit(github, fullName);
    const first = await before.rest.repos.getBranch({ owner, repo, branch: 'main' });
    const etag = String(first.headers.etag);
    assert.equal((await rejection(before.rest.repos.getBranch({ owner, repo, branch: 'main', headers: { 'if-none-match': etag } }))).status, 304);
    // A new client mints a new installation token, as the App's clients do every hour.
    const after = installationOctokit(github, fullName);
    const key = `installation:${github.installations.idFor(fullName)}`;
    const used = github.rateLimitUsed(key);
    const rotated = await after.rest.repos.getBranch({ owner, repo, branch: 'main', headers: { 'if-none-match': etag } });
    assert.equal(rotated.status, 200, 'the old token\'s ETag does not match');
    assert.deepEqual(rotated.data, first.data, 'the same answer');
    assert.notEqual(rotated.headers.etag, etag);
    assert.equal(github.rateLimitUsed(key), used + 1, 'and it is charged');
    assert.equal((await rejection(after.rest.repos.getBranch({ owner, repo, branch: 'main', headers: { 'if-none-match': String(rotated.headers.etag) } }))).status, 304);
  });

  it('sent nothing that GitHub\'s OpenAPI description does not allow', () => {
    assert.ok(github.requests.count() > 15, 'the suite above exercised the server');
    github.contract.assertClean();
  });
});
