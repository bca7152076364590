import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startGitHubServer, type GitHubServer } from '../../bed/github/index.js';
import { installationOctokit, putBranchProtection, userOctokit, type BedOctokit } from '../../bed/github/clients.js';
import { rejection } from '../../bed/github/expect.js';

const owner = 'shop';
const repo = 'pulls';
const fullName = `${owner}/${repo}`;

describe('GitHub server: pull requests', () => {
  let github: GitHubServer;
  let app: BedOctokit;
  let branchNo = 0;

  /** A fresh branch off main with one commit, so each test has its own pull request. */
  async function branch(files: Record<string, string> = {}): Promise<string> {
    const name = `topic-${++branchNo}`;
    await github.seed.commitFiles(fullName, name, { [`${name}.txt`]: name, ...files }, { from: 'main', message: `work on ${name}` });
    return name;
  }

  before(async () => {
    github = await startGitHubServer();
    await github.createRepo(fullName);
    app = installationOctokit(github, fullName);
  });

  after(() => github.stop());

  it('lists pull requests by state, head and base', async () => {
    const a = await branch();
    const b = await branch();
    await github.seed.setBranch(fullName, 'stg', 'main');
    const pa = await app.rest.pulls.create({ owner, repo, head: a, base: 'main', title: 'A' });
    const pb = await app.rest.pulls.create({ owner, repo, head: `${owner}:${b}`, base: 'stg', title: 'B' });
    const byHead = await app.rest.pulls.list({ owner, repo, head: `${owner}:${a}` });
    assert.deepEqual(byHead.data.map((p) => p.number), [pa.data.number]);
    const byBase = await app.rest.pulls.list({ owner, repo, base: 'stg' });
    assert.deepEqual(byBase.data.map((p) => p.number), [pb.data.number]);
    await app.rest.pulls.update({ owner, repo, pull_number: pb.data.number, state: 'closed' });
    const open = await app.rest.pulls.list({ owner, repo, state: 'open' });
    assert.ok(!open.data.some((p) => p.number === pb.data.number));
    const closed = await app.rest.pulls.list({ owner, repo, state: 'closed' });
    assert.deepEqual(closed.data.map((p) => p.number), [pb.data.number]);
    const reopened = await app.rest.pulls.update({ owner, repo, pull_number: pb.data.number, state: 'open' });
    assert.equal(reopened.data.state, 'open');
  });

  it('updates title and body, and refuses pull requests without commits or with missing branches', async () => {
    const head = await branch();
    const pull = await app.rest.pulls.create({ owner, repo, head, base: 'main', title: 'Old', body: 'old body' });
    const updated = await app.rest.pulls.update({ owner, repo, pull_number: pull.data.number, title: 'New', body: 'superseded #1' });
    assert.deepEqual([updated.data.title, updated.data.body], ['New', 'superseded #1']);
    const edited = github.webhooks.emitted.find((e) => e.event === 'pull_request' && e.action === 'edited');
    assert.deepEqual((edited?.payload as { changes?: unknown }).changes, { title: { from: 'Old' }, body: { from: 'old body' } });
    await github.seed.setBranch(fullName, 'empty', 'main');
    const none = await rejection(app.rest.pulls.create({ owner, repo, head: 'empty', base: 'main', title: 'x' }));
    assert.equal(none.status, 422);
    assert.match(JSON.stringify(none.data.errors), /No commits between main and empty/);
    const noHead = await rejection(app.rest.pulls.create({ owner, repo, head: 'nope', base: 'main', title: 'x' }));
    assert.deepEqual(noHead.data.errors, [{ resource: 'PullRequest', field: 'head', code: 'invalid' }]);
  });

  it('opens exactly one pull request when two creates race for the same branch', async () => {
    const head = await branch();
    const results = await Promise.allSettled([
      app.rest.pulls.create({ owner, repo, head, base: 'main', title: 'one' }),
      app.rest.pulls.create({ owner, repo, head, base: 'main', title: 'two' }),
    ]);
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    const failed = results.find((r) => r.status === 'rejected');
    assert.equal((failed?.reason as { status: number }).status, 422);
  });

  it('merges exactly once when two merges race', async () => {
    const head = await branch();
    const pull = await app.rest.pulls.create({ owner, repo, head, base: 'main', title: 'race' });
    const before = (await app.rest.repos.getBranch({ owner, repo, branch: 'main' })).data.commit.sha;
    const results = await Promise.allSettled([
      app.rest.pulls.merge({ owner, repo, pull_number: pull.data.number }),
      app.rest.pulls.merge({ owner, repo, pull_number: pull.data.number }),
    ]);
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    const failed = results.find((r) => r.status === 'rejected');
    assert.equal((failed?.reason as { status: number }).status, 405);
    const after = await app.rest.pulls.get({ owner, repo, pull_number: pull.data.number });
    assert.equal(after.data.merged, true);
    // One merge commit on main, on top of what was there: the loser left no trace.
    const compare = await app.rest.repos.compareCommitsWithBasehead({ owner, repo, basehead: `${before}...main` });
    assert.deepEqual(compare.data.commits.map((c) => c.parents.length), [1, 2]);
    assert.equal(compare.data.commits[1]?.sha, after.data.merge_commit_sha);
  });

  it('squashes and rebases like GitHub: one commit, or the same changes replayed', async () => {
    const squashHead = await branch();
    await github.seed.commitFiles(fullName, squashHead, { 'second.txt': '2' }, { message: 'second' });
    const squash = await app.rest.pulls.create({ owner, repo, head: squashHead, base: 'main', title: 'Squash me' });
    const squashed = await app.rest.pulls.merge({ owner, repo, pull_number: squash.data.number, merge_method: 'squash' });
    const squashCommit = await app.rest.git.getCommit({ owner, repo, commit_sha: squashed.data.sha });
    assert.equal(squashCommit.data.parents.length, 1);
    assert.match(squashCommit.data.message, new RegExp(`^Squash me \\(#${squash.data.number}\\)`));

    const rebaseHead = await branch();
    await github.seed.commitFiles(fullName, rebaseHead, { 'third.txt': '3' }, { message: 'third' });
    const rebase = await app.rest.pulls.create({ owner, repo, head: rebaseHead, base: 'main', title: 'Rebase me' });
    const rebased = await app.rest.pulls.merge({ owner, repo, pull_number: rebase.data.number, merge_method: 'rebase' });
    const tip = await app.rest.git.getCommit({ owner, repo, commit_sha: rebased.data.sha });
    assert.equal(tip.data.message, 'third');
    const parent = await app.rest.git.getCommit({ owner, repo, commit_sha: tip.data.parents[0]?.sha ?? '' });
    assert.equal(parent.data.message, `work on ${rebaseHead}`);
    const main = await app.rest.repos.getBranch({ owner, repo, branch: 'main' });
    assert.equal(main.data.commit.sha, rebased.data.sha);
  });

  it('lists the files and commits of a pull request', async () => {
    const head = await branch({ 'prd/app.yaml': 'image: v2\n' });
    const pull = await app.rest.pulls.create({ owner, repo, head, base: 'main', title: 'files' });
    const files = await app.rest.pulls.listFiles({ owner, repo, pull_number: pull.data.number });
    assert.deepEqual(files.data.map((f) => [f.filename, f.status]).sort(), [['prd/app.yaml', 'added'], [`${head}.txt`, 'added']]);
    assert.match(files.data.find((f) => f.filename === 'prd/app.yaml')?.patch ?? '', /\+image: v2/);
    const commits = await app.rest.pulls.listCommits({ owner, repo, pull_number: pull.data.number });
    assert.deepEqual(commits.data.map((c) => c.commit.message), [`work on ${head}`]);
  });

  it('updates a branch that is behind its base with a merge commit', async () => {
    const head = await branch();
    const pull = await app.rest.pulls.create({ owner, repo, head, base: 'main', title: 'behind' });
    await github.seed.commitFiles(fullName, 'main', { 'moved-on.txt': 'x' });
    const wrong = await rejection(app.rest.pulls.updateBranch({ owner, repo, pull_number: pull.data.number, expected_head_sha: '0'.repeat(40) }));
    assert.equal(wrong.status, 422);
    const updated = await app.rest.pulls.updateBranch({ owner, repo, pull_number: pull.data.number });
    assert.equal(updated.status, 202);
    const after = await app.rest.pulls.get({ owner, repo, pull_number: pull.data.number });
    const mainTip = (await app.rest.repos.getBranch({ owner, repo, branch: 'main' })).data.commit.sha;
    const headCommit = await app.rest.git.getCommit({ owner, repo, commit_sha: after.data.head.sha });
    assert.deepEqual(headCommit.data.parents.map((p) => p.sha), [pull.data.head.sha, mainTip]);
  });

  it('blocks merging until branch protection is satisfied: review and required status', async () => {
    github.setPermission(fullName, 'release-manager', 'write');
    github.setPermission(fullName, 'reader', 'read');
    await github.seed.setBranch(fullName, 'prd', 'main');
    await putBranchProtection(github, fullName, 'prd', { requiredStatusChecks: ['ladder/soak'], requiredApprovingReviewCount: 1 });
    const head = await branch();
    const pull = await app.rest.pulls.create({ owner, repo, head, base: 'prd', title: 'to prd' });
    assert.equal(pull.data.mergeable_state, 'blocked');
    const refused = await rejection(app.rest.pulls.merge({ owner, repo, pull_number: pull.data.number }));
    assert.deepEqual([refused.status, refused.data.message], [405, 'Required status check "ladder/soak" is expected.']);

    await app.rest.repos.createCommitStatus({ owner, repo, sha: pull.data.head.sha, state: 'success', context: 'ladder/soak' });
    const noReview = await rejection(app.rest.pulls.merge({ owner, repo, pull_number: pull.data.number }));
    assert.match(noReview.data.message as string, /approving review is required/);

    // A reader's approval does not count; a writer's does. The author cannot approve.
    await userOctokit(github, 'reader').rest.pulls.createReview({ owner, repo, pull_number: pull.data.number, event: 'APPROVE' });
    assert.equal((await app.rest.pulls.get({ owner, repo, pull_number: pull.data.number })).data.mergeable_state, 'blocked');
    await userOctokit(github, 'release-manager').rest.pulls.createReview({ owner, repo, pull_number: pull.data.number, event: 'APPROVE' });
    assert.equal((await app.rest.pulls.get({ owner, repo, pull_number: pull.data.number })).data.mergeable_state, 'clean');
    const own = await rejection(app.rest.pulls.createReview({ owner, repo, pull_number: pull.data.number, event: 'APPROVE' }));
    assert.equal(own.status, 422);
    const merged = await userOctokit(github, 'release-manager').rest.pulls.merge({ owner, repo, pull_number: pull.data.number });
    assert.equal(merged.data.merged, true);
    const reviews = await app.rest.pulls.listReviews({ owner, repo, pull_number: pull.data.number });
    assert.deepEqual(reviews.data.map((r) => [r.user?.login, r.state]), [['reader', 'APPROVED'], ['release-manager', 'APPROVED']]);
  });

  it('requests reviewers among collaborators only', async () => {
    github.setPermission(fullName, 'alice', 'write');
    const head = await branch();
    const pull = await app.rest.pulls.create({ owner, repo, head, base: 'main', title: 'review me' });
    const requested = await app.rest.pulls.requestReviewers({ owner, repo, pull_number: pull.data.number, reviewers: ['alice'], team_reviewers: ['release-managers'] });
    assert.deepEqual(requested.data.requested_reviewers?.map((u) => u.login), ['alice']);
    assert.deepEqual(requested.data.requested_teams?.map((t) => t.slug), ['release-managers']);
    const stranger = await rejection(app.rest.pulls.requestReviewers({ owner, repo, pull_number: pull.data.number, reviewers: ['mallory'] }));
    assert.equal(stranger.status, 422);
    const listed = await app.rest.pulls.listRequestedReviewers({ owner, repo, pull_number: pull.data.number });
    assert.deepEqual(listed.data.users.map((u) => u.login), ['alice']);
    await app.rest.pulls.removeRequestedReviewers({ owner, repo, pull_number: pull.data.number, reviewers: ['alice'] });
    assert.deepEqual((await app.rest.pulls.listRequestedReviewers({ owner, repo, pull_number: pull.data.number })).data.users, []);
  });

  it('answers an unchanged pull request with 304 and a changed one with 200', async () => {
    const head = await branch();
    const pull = await app.rest.pulls.create({ owner, repo, head, base: 'main', title: 'poll me' });
    const first = await app.rest.pulls.get({ owner, repo, pull_number: pull.data.number });
    const etag = String(first.headers.etag);
    const same = await rejection(app.rest.pulls.get({ owner, repo, pull_number: pull.data.number, headers: { 'if-none-match': etag } }));
    assert.equal(same.status, 304);
    await github.seed.commitFiles(fullName, head, { 'more.txt': 'more' });
    const changed = await app.rest.pulls.get({ owner, repo, pull_number: pull.data.number, headers: { 'if-none-match': etag } });
    assert.equal(changed.status, 200);
    assert.notEqual(changed.data.head.sha, first.data.head.sha);
    const synchronize = github.webhooks.emitted.find(
      (e) => e.event === 'pull_request' && e.action === 'synchronize' && (e.payload as { number: number }).number === pull.data.number,
    );
    assert.equal((synchronize?.payload as { after?: string } | undefined)?.after, changed.data.head.sha);
  });

  it('answered every call within GitHub\'s OpenAPI description', () => github.contract.assertClean());
});
