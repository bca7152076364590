import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startGitHubServer, type GitHubServer } from '../../bed/github/index.js';
import { installationOctokit, userOctokit, type BedOctokit } from '../../bed/github/clients.js';
import { rejection } from '../../bed/github/expect.js';
import { startWebhookReceiver, type WebhookReceiver } from '../../bed/github/receiver.js';

const owner = 'shop';
const repo = 'conversation';
const fullName = `${owner}/${repo}`;

describe('GitHub server: comments, reactions and labels on pull requests', () => {
  let github: GitHubServer;
  let app: BedOctokit;
  let receiver: WebhookReceiver;
  let number: number;

  before(async () => {
    github = await startGitHubServer();
    receiver = await startWebhookReceiver();
    github.webhooks.url = receiver.url;
    await github.createRepo(fullName);
    github.setPermission(fullName, 'dev', 'write');
    await github.seed.commitFiles(fullName, 'promote/stg', { 'stg.yaml': 'a: 1\n' }, { from: 'main' });
    app = installationOctokit(github, fullName);
    number = (await app.rest.pulls.create({ owner, repo, head: 'promote/stg', base: 'main', title: 'Promote to stg' })).data.number;
  });

  after(async () => {
    await github.stop();
    await receiver.close();
  });

  it('delivers a person\'s /ladder comment as an issue_comment webhook', async () => {
    const dev = userOctokit(github, 'dev');
    const comment = await dev.rest.issues.createComment({ owner, repo, issue_number: number, body: '/ladder promote prd' });
    assert.equal(comment.status, 201);
    assert.equal(comment.data.author_association, 'COLLABORATOR');
    const hook = await receiver.waitFor((h) => h.event === 'issue_comment');
    const payload = hook.payload as { action: string; comment: { id: number; body: string }; issue: { number: number; pull_request?: unknown }; sender: { login: string } };
    assert.equal(payload.action, 'created');
    assert.equal(payload.comment.id, comment.data.id);
    assert.equal(payload.comment.body, '/ladder promote prd');
    assert.equal(payload.issue.number, number);
    assert.ok(payload.issue.pull_request, 'the issue is marked as a pull request');
    assert.equal(payload.sender.login, 'dev');
  });

  it('lists, edits and deletes comments', async () => {
    const created = await app.rest.issues.createComment({ owner, repo, issue_number: number, body: 'Deploying…' });
    assert.equal(created.data.user?.login, 'ladder[bot]');
    const edited = await app.rest.issues.updateComment({ owner, repo, comment_id: created.data.id, body: 'Deployed.' });
    assert.equal(edited.data.body, 'Deployed.');
    const listed = await app.rest.issues.listComments({ owner, repo, issue_number: number });
    assert.deepEqual(listed.data.map((c) => c.body), ['/ladder promote prd', 'Deployed.']);
    await app.rest.issues.deleteComment({ owner, repo, comment_id: created.data.id });
    assert.equal((await rejection(app.rest.issues.getComment({ owner, repo, comment_id: created.data.id }))).status, 404);
    assert.equal((await rejection(app.rest.issues.createComment({ owner, repo, issue_number: 999, body: 'x' }))).status, 404);
  });

  it('adds a reaction once: 201 the first time, 200 with the same reaction after', async () => {
    const [first] = (await app.rest.issues.listComments({ owner, repo, issue_number: number })).data;
    assert.ok(first);
    const added = await app.rest.reactions.createForIssueComment({ owner, repo, comment_id: first.id, content: 'eyes' });
    assert.equal(added.status, 201);
    const again = await app.rest.reactions.createForIssueComment({ owner, repo, comment_id: first.id, content: 'eyes' });
    assert.equal(again.status, 200);
    assert.equal(again.data.id, added.data.id);
    const listed = await app.rest.reactions.listForIssueComment({ owner, repo, comment_id: first.id });
    assert.deepEqual(listed.data.map((r) => r.content), ['eyes']);
    const comment = await app.rest.issues.getComment({ owner, repo, comment_id: first.id });
    assert.equal(comment.data.reactions?.eyes, 1);
    const bad = await rejection(app.rest.reactions.createForIssueComment({ owner, repo, comment_id: first.id, content: 'nope' as 'eyes' }));
    assert.equal(bad.status, 422);
  });

  it('labels a pull request, creating unknown labels on the way, and removes them', async () => {
    await app.rest.issues.createLabel({ owner, repo, name: 'ladder:stg', color: '0e8a16', description: 'Promotion to stg' });
    const duplicate = await rejection(app.rest.issues.createLabel({ owner, repo, name: 'LADDER:STG', color: '0e8a16' }));
    assert.deepEqual(duplicate.data.errors, [{ resource: 'Label', code: 'already_exists', field: 'name' }]);
    const badColor = await rejection(app.rest.issues.createLabel({ owner, repo, name: 'x', color: 'green' }));
    assert.deepEqual(badColor.data.errors, [{ resource: 'Label', code: 'invalid', field: 'color' }]);

    const added = await app.rest.issues.addLabels({ owner, repo, issue_number: number, labels: ['ladder:stg', 'superseded'] });
    assert.deepEqual(added.data.map((l) => [l.name, l.color]), [['ladder:stg', '0e8a16'], ['superseded', 'ededed']]);
    const pull = await app.rest.pulls.get({ owner, repo, pull_number: number });
    assert.deepEqual(pull.data.labels.map((l) => l.name), ['ladder:stg', 'superseded']);
    const remaining = await app.rest.issues.removeLabel({ owner, repo, issue_number: number, name: 'superseded' });
    assert.deepEqual(remaining.data.map((l) => l.name), ['ladder:stg']);
    const missing = await rejection(app.rest.issues.removeLabel({ owner, repo, issue_number: number, name: 'superseded' }));
    assert.deepEqual([missing.status, missing.data.message], [404, 'Label does not exist']);
    const listed = await app.rest.issues.listLabelsOnIssue({ owner, repo, issue_number: number });
    assert.deepEqual(listed.data.map((l) => l.name), ['ladder:stg']);
    const repoLabels = await app.rest.issues.listLabelsForRepo({ owner, repo });
    assert.deepEqual(repoLabels.data.map((l) => l.name).sort(), ['ladder:stg', 'superseded']);
    await github.webhooks.settled();
    const labeled = github.webhooks.emitted.filter((e) => e.event === 'pull_request' && e.action === 'labeled');
    assert.deepEqual(labeled.map((e) => (e.payload as { label: { name: string } }).label.name), ['ladder:stg', 'superseded']);
  });

  it('pages lists with Link headers that octokit.paginate follows', async () => {
    await Promise.all(
      Array.from({ length: 23 }, (_, i) => app.rest.issues.createLabel({ owner, repo, name: `env-${String(i).padStart(2, '0')}`, color: 'cccccc' })),
    );
    const mark = github.requests.mark();
    const all = await app.paginate(app.rest.issues.listLabelsForRepo, { owner, repo, per_page: 10 });
    assert.equal(all.length, 25);
    assert.equal(new Set(all.map((l) => l.name)).size, 25);
    assert.equal(github.requests.count('GET /repos/{owner}/{repo}/labels', mark), 3);
    const last = await app.rest.issues.listLabelsForRepo({ owner, repo, per_page: 10, page: 3 });
    assert.equal(last.data.length, 5);
    assert.match(String(last.headers.link), /rel="prev".*rel="first"/);
  });

  it('answers the permission of collaborators for comment commands', async () => {
    github.setPermission(fullName, 'viewer', 'read');
    const levels = await Promise.all(
      ['dev', 'viewer', 'shop'].map(async (username) => {
        const answer = await app.rest.repos.getCollaboratorPermissionLevel({ owner, repo, username });
        return answer.data.permission;
      }),
    );
    assert.deepEqual(levels, ['write', 'read', 'admin']);
    github.setPermission(fullName, 'viewer', 'none');
    const revoked = await app.rest.repos.getCollaboratorPermissionLevel({ owner, repo, username: 'viewer' });
    assert.equal(revoked.data.permission, 'none');
    assert.equal((await rejection(app.rest.repos.getCollaboratorPermissionLevel({ owner, repo, username: 'ghost' }))).status, 404);
  });

  it('answered every call within GitHub\'s OpenAPI description', () => github.contract.assertClean());
});
