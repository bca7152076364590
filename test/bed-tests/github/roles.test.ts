import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startGitHubServer, startWebhookReceiver, type GitHubServer, type WebhookReceiver } from '../../bed/github/index.js';
import { installationOctokit, userOctokit, type BedOctokit } from '../../bed/github/clients.js';
import { rejection } from '../../bed/github/expect.js';

// Repository roles (read, triage, write, maintain, admin) from every source of grants, the
// collaborator-permission API's `permission` (legacy: maintain → write, triage → read) and
// `role_name`, what each role may do, and `author_association` computed as GitHub does.
describe('GitHub server: repository roles, organization membership and author_association', () => {
  const owner = 'shop';
  const repo = 'roles';
  const fullName = `${owner}/${repo}`;
  let github: GitHubServer;
  let app: BedOctokit;
  let hooks: WebhookReceiver;
  let pull: number;

  before(async () => {
    github = await startGitHubServer();
    hooks = await startWebhookReceiver();
    github.webhooks.url = hooks.url;
    await github.createRepo(fullName);
    app = installationOctokit(github, fullName);
    for (const role of ['read', 'triage', 'write', 'maintain', 'admin'] as const) github.setPermission(fullName, `${role}-person`, role);
    github.addOrgMember(owner, 'org-owner', { role: 'admin' });
    github.addOrgMember(owner, 'org-member');
    github.addOrgMember(owner, 'invited', { state: 'pending' });
    github.setPermission(fullName, 'stranger', 'none');
    await github.seed.commitFiles(fullName, 'topic', { 'a.txt': 'a\n' }, { from: 'main', silent: true });
    pull = (await app.rest.pulls.create({ owner, repo, head: 'topic', base: 'main', title: 'Roles' })).data.number;
  });

  after(async () => {
    await github.stop();
    await hooks.close();
  });

  it('answers permission (legacy) and role_name consistently for every role and grant', async () => {
    const expected: Record<string, [string, string, Record<string, boolean>]> = {
      'read-person': ['read', 'read', { admin: false, maintain: false, push: false, triage: false, pull: true }],
      'triage-person': ['read', 'triage', { admin: false, maintain: false, push: false, triage: true, pull: true }],
      'write-person': ['write', 'write', { admin: false, maintain: false, push: true, triage: true, pull: true }],
      'maintain-person': ['write', 'maintain', { admin: false, maintain: true, push: true, triage: true, pull: true }],
      'admin-person': ['admin', 'admin', { admin: true, maintain: true, push: true, triage: true, pull: true }],
      // An organization's owners administer its repositories; members get its base permission (read by default).
      'org-owner': ['admin', 'admin', { admin: true, maintain: true, push: true, triage: true, pull: true }],
      'org-member': ['read', 'read', { admin: false, maintain: false, push: false, triage: false, pull: true }],
      invited: ['none', 'none', { admin: false, maintain: false, push: false, triage: false, pull: false }],
      stranger: ['none', 'none', { admin: false, maintain: false, push: false, triage: false, pull: false }],
    };
    for (const [username, [permission, role, flags]] of Object.entries(expected)) {
      const { data } = await app.rest.repos.getCollaboratorPermissionLevel({ owner, repo, username });
      assert.deepEqual([data.permission, data.role_name, data.user?.role_name, data.user?.permissions], [permission, role, role, flags], username);
    }
    assert.equal((await rejection(app.rest.repos.getCollaboratorPermissionLevel({ owner, repo, username: 'no-such-user' }))).status, 404);
    github.contract.assertClean();
  });

  it('raises the organization base permission for every member, and keeps the higher of two grants', async () => {
    github.setOrgBasePermission(owner, 'write');
    github.setPermission(fullName, 'org-member-admin', 'admin');
    github.addOrgMember(owner, 'org-member-admin');
    const member = (await app.rest.repos.getCollaboratorPermissionLevel({ owner, repo, username: 'org-member' })).data;
    const both = (await app.rest.repos.getCollaboratorPermissionLevel({ owner, repo, username: 'org-member-admin' })).data;
    assert.deepEqual([member.role_name, both.role_name], ['write', 'admin']);
    github.setOrgBasePermission(owner, 'read');
  });

  it('lets each role do what GitHub lets it: read comments and reviews, triage labels, write merges', async () => {
    const as = (login: string) => userOctokit(github, login);
    const params = { owner, repo, issue_number: pull };
    assert.equal((await as('read-person').rest.issues.createComment({ ...params, body: 'looks fine' })).status, 201);
    assert.equal((await rejection(as('read-person').rest.issues.addLabels({ ...params, labels: ['bug'] }))).status, 403);
    assert.equal((await as('triage-person').rest.issues.addLabels({ ...params, labels: ['bug'] })).status, 200);
    assert.equal((await as('triage-person').rest.pulls.requestReviewers({ owner, repo, pull_number: pull, reviewers: ['write-person'] })).status, 201);
    const triageMerge = await rejection(as('triage-person').rest.pulls.merge({ owner, repo, pull_number: pull }));
    assert.deepEqual([triageMerge.status, triageMerge.data.message], [403, 'Must have push access to repository']);
    const push = await rejection(as('triage-person').rest.repos.createOrUpdateFileContents({ owner, repo, path: 'x', message: 'x', content: 'eA==' }));
    assert.equal(push.status, 403);
    assert.equal((await rejection(as('stranger').rest.issues.createComment({ ...params, body: 'hi' }))).status, 404, 'a private repository is invisible without a role');
    assert.equal((await as('maintain-person').rest.pulls.merge({ owner, repo, pull_number: pull })).status, 200);
    github.contract.assertClean();
  });

  it('computes author_association: OWNER, MEMBER, COLLABORATOR, CONTRIBUTOR', async () => {
    await github.createRepo('octo/personal', { ownerType: 'User' });
    github.setPermission('octo/personal', 'helper', 'write');
    const personal = installationOctokit(github, 'octo/personal');
    await github.seed.commitFiles('octo/personal', 'feature', { 'b.txt': 'b\n' }, { from: 'main', silent: true });
    // A collaborator opens and gets merged a pull request, then loses access: a contributor from then on.
    const helperPull = await userOctokit(github, 'helper').rest.pulls.create({ owner: 'octo', repo: 'personal', head: 'feature', base: 'main', title: 'Help' });
    assert.equal(helperPull.data.author_association, 'COLLABORATOR');
    await userOctokit(github, 'octo').rest.pulls.merge({ owner: 'octo', repo: 'personal', pull_number: helperPull.data.number });

    const association = async (fullRepo: string, login: string, number: number) => {
      const [o, r] = fullRepo.split('/') as [string, string];
      const { data } = await userOctokit(github, login).rest.issues.createComment({ owner: o, repo: r, issue_number: number, body: `from ${login}` });
      return data.author_association;
    };
    assert.equal(await association('octo/personal', 'octo', helperPull.data.number), 'OWNER');
    github.setPermission('octo/personal', 'helper', 'read');
    assert.equal(await association('octo/personal', 'helper', helperPull.data.number), 'COLLABORATOR', 'read access is still a collaborator');
    github.setPermission('octo/personal', 'helper', 'none');
    const { data: listed } = await personal.rest.pulls.get({ owner: 'octo', repo: 'personal', pull_number: helperPull.data.number });
    assert.equal(listed.author_association, 'CONTRIBUTOR', 'no access left, but a merged pull request here');

    assert.equal(await association(fullName, 'org-member', pull), 'MEMBER');
    assert.equal(await association(fullName, 'write-person', pull), 'COLLABORATOR');
    // The App's bot holds no role; the pull request it opened was merged above, so it has contributed.
    const { data: bot } = await app.rest.issues.createComment({ owner, repo, issue_number: pull, body: 'from the App' });
    assert.equal(bot.author_association, 'CONTRIBUTOR');
    assert.equal(await association(fullName, 'read-person', pull), 'COLLABORATOR');
    assert.equal(await association('octo/personal', 'org-member', helperPull.data.number).catch(() => 'refused'), 'refused', 'a private repository of someone else');

    await github.webhooks.settled();
    const hook = hooks.received.find((h) => h.event === 'issue_comment' && (h.payload.comment as { body: string }).body === 'from org-member');
    assert.equal((hook?.payload.comment as { author_association: string }).author_association, 'MEMBER');
    assert.equal((hook?.payload.issue as { author_association: string }).author_association, 'CONTRIBUTOR', 'the pull request is the App\'s, merged');
    github.contract.assertClean();
  });
});
