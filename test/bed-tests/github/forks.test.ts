import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startGitHubServer, startWebhookReceiver, type GitHubServer, type WebhookReceiver } from '../../bed/github/index.js';
import { installationOctokit, userOctokit, type BedOctokit } from '../../bed/github/clients.js';
import { rejection } from '../../bed/github/expect.js';

// Forks and pull requests from them: a fork shares its network's objects, a pull request from it
// names the fork as its head repository, follows pushes to the fork's branch, and merges into the
// parent. Their authors' author_association says how new they are.
describe('GitHub server: forks and pull requests from forks', () => {
  const owner = 'shop';
  const repo = 'checkout-manifests';
  const fullName = `${owner}/${repo}`;
  let github: GitHubServer;
  let app: BedOctokit;
  let mallory: BedOctokit;
  let hooks: WebhookReceiver;
  let forkFullName: string;
  let pullNumber: number;

  before(async () => {
    github = await startGitHubServer({ deliveries: { inOrder: 'reads the pull request events in the order they were raised' } });
    hooks = await startWebhookReceiver();
    github.webhooks.url = hooks.url;
    await github.createRepo(fullName);
    await github.seed.commitFiles(fullName, 'dev', { 'deployment.yaml': 'image: one\n' }, { from: 'main', silent: true });
    github.setPermission(fullName, 'mallory', 'read');
    app = installationOctokit(github, fullName);
    mallory = userOctokit(github, 'mallory');
  });

  after(async () => {
    await github.stop();
    await hooks.close();
  });

  it('forks a repository someone can read: their own copy in the same network, again and again the same', async () => {
    const { data: fork, status } = await mallory.rest.repos.createFork({ owner, repo });
    assert.equal(status, 202);
    forkFullName = fork.full_name;
    assert.deepEqual([fork.full_name, fork.fork, fork.private, fork.parent?.full_name, fork.source?.full_name], ['mallory/checkout-manifests', true, true, fullName, fullName]);
    const branches = (await mallory.rest.repos.listBranches({ owner: 'mallory', repo })).data.map((b) => b.name);
    assert.deepEqual(branches, ['dev', 'main']);
    assert.equal((await mallory.rest.repos.createFork({ owner, repo })).data.id, fork.id, 'forking again answers the existing fork');
    assert.equal((await app.rest.repos.get({ owner, repo })).data.forks_count, 1);
    assert.equal((await rejection(userOctokit(github, 'stranger').rest.repos.createFork({ owner, repo }))).status, 404, 'a private repository is invisible to others');
    github.contract.assertClean();
  });

  it('opens a pull request from a fork: the head is the fork\'s branch, and the parent\'s App hears of it', async () => {
    await github.seed.commitFiles(forkFullName, 'ladder/checkout/dev', { 'deployment.yaml': 'image: evil\n' }, { from: 'dev', silent: true });
    const { data: pull } = await mallory.rest.pulls.create({ owner, repo, head: 'mallory:ladder/checkout/dev', base: 'dev', title: 'Promote checkout to dev' });
    pullNumber = pull.number;
    assert.deepEqual([pull.head.label, pull.head.repo?.full_name, pull.head.user?.login, pull.base.repo.full_name], ['mallory:ladder/checkout/dev', forkFullName, 'mallory', fullName]);
    assert.notEqual(pull.head.repo?.id, pull.base.repo.id);
    assert.equal(pull.author_association, 'COLLABORATOR', 'mallory has a role here');
    assert.equal(pull.mergeable, true, 'the parent sees the fork\'s commits');
    const sameBranchInParent = await app.rest.pulls.list({ owner, repo, head: `${owner}:ladder/checkout/dev` });
    assert.deepEqual(sameBranchInParent.data, [], 'a branch of the same name in the parent is another head');
    assert.equal((await app.rest.pulls.list({ owner, repo, head: 'mallory:ladder/checkout/dev' })).data[0]?.number, pull.number);
    await github.webhooks.settled();
    const opened = hooks.received.find((h) => h.event === 'pull_request' && h.payload.action === 'opened');
    const payload = opened?.payload.pull_request as { head: { repo: { full_name: string } }; base: { repo: { full_name: string } } };
    assert.deepEqual([payload.head.repo.full_name, payload.base.repo.full_name], [forkFullName, fullName]);
    github.contract.assertClean();
  });

  it('follows pushes to the fork\'s branch, lists no fork pull request on check runs, and merges into the parent', async () => {
    const pushed = await github.seed.commitFiles(forkFullName, 'ladder/checkout/dev', { 'deployment.yaml': 'image: evil-2\n' });
    await github.webhooks.settled();
    const sync = hooks.received.find((h) => h.event === 'pull_request' && h.payload.action === 'synchronize');
    assert.equal((sync?.payload as { after?: string }).after, pushed, 'synchronize in the parent for a push to the fork');
    const run = await app.rest.checks.create({ owner, repo, name: 'ladder/validate', head_sha: pushed, status: 'completed', conclusion: 'success' });
    assert.deepEqual(run.data.pull_requests, [], 'GitHub does not list pull requests from forks on check runs');
    const merged = await app.rest.pulls.merge({ owner, repo, pull_number: pullNumber });
    const { data: commit } = await app.rest.git.getCommit({ owner, repo, commit_sha: merged.data.sha });
    assert.match(commit.message, /^Merge pull request #\d+ from mallory\/ladder\/checkout\/dev/);
    github.contract.assertClean();
  });

  it('computes FIRST_TIMER and FIRST_TIME_CONTRIBUTOR for people without a role', async () => {
    await github.createRepo('shop/public-docs', { private: false });
    const ask = async (login: string) => {
      const client = userOctokit(github, login);
      const { data: fork } = await client.rest.repos.createFork({ owner: 'shop', repo: 'public-docs' });
      await github.seed.commitFiles(fork.full_name, `fix-${login}`, { [`${login}.md`]: 'x\n' }, { from: 'main', silent: true });
      return (await client.rest.pulls.create({ owner: 'shop', repo: 'public-docs', head: `${login}:fix-${login}`, base: 'main', title: `Fix by ${login}` })).data;
    };
    assert.equal((await ask('newcomer')).author_association, 'FIRST_TIMER', 'has contributed nowhere');
    // mallory's pull request was merged above, in another repository.
    const fromMallory = await ask('mallory');
    assert.equal(fromMallory.author_association, 'FIRST_TIME_CONTRIBUTOR');
    await installationOctokit(github, 'shop/public-docs').rest.pulls.merge({ owner: 'shop', repo: 'public-docs', pull_number: fromMallory.number });
    const again = await userOctokit(github, 'mallory').rest.issues.createComment({ owner: 'shop', repo: 'public-docs', issue_number: fromMallory.number, body: 'thanks' });
    assert.equal(again.data.author_association, 'CONTRIBUTOR');
    const { data: stranger } = await userOctokit(github, 'passer-by').rest.issues.createComment({ owner: 'shop', repo: 'public-docs', issue_number: fromMallory.number, body: 'hi' });
    assert.equal(stranger.author_association, 'NONE');
    github.contract.assertClean();
  });
});
