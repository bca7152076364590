import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startGitHubServer, type GitHubServer } from '../../bed/github/index.js';
import { installationOctokit, userOctokit, type BedOctokit } from '../../bed/github/clients.js';
import { rejection } from '../../bed/github/expect.js';

// Classic branch protection through GitHub's REST API, and what it enforces on merges and ref updates.
describe('GitHub server: the branch protection API and what it enforces', () => {
  const owner = 'shop';
  const repo = 'guarded';
  const fullName = `${owner}/${repo}`;
  let github: GitHubServer;
  let app: BedOctokit;
  let admin: BedOctokit;
  let topic = 0;

  before(async () => {
    github = await startGitHubServer();
    await github.createRepo(fullName);
    app = installationOctokit(github, fullName);
    github.setPermission(fullName, 'boss', 'admin');
    github.setPermission(fullName, 'dev', 'write');
    github.setPermission(fullName, 'rev', 'write');
    admin = userOctokit(github, 'boss');
  });

  after(() => github.stop());

  const none = { required_status_checks: null, enforce_admins: false, required_pull_request_reviews: null, restrictions: null } as const;
  const protect = (rule: Partial<Parameters<BedOctokit['rest']['repos']['updateBranchProtection']>[0]>, branch = 'main') =>
    admin.rest.repos.updateBranchProtection({ owner, repo, branch, ...none, ...rule });

  /** A pull request into main from a new branch, opened by `dev`. */
  async function openPull(files: Record<string, string> = { [`f${++topic}.txt`]: `${topic}\n` }): Promise<{ number: number; head: string }> {
    const branch = `topic-${++topic}`;
    const head = await github.seed.commitFiles(fullName, branch, files, { from: 'main', silent: true });
    const { data } = await userOctokit(github, 'dev').rest.pulls.create({ owner, repo, head: branch, base: 'main', title: branch });
    return { number: data.number, head };
  }

  it('sets, reads and removes protection; only admins may, and an unprotected branch is a 404', async () => {
    assert.deepEqual([(await rejection(admin.rest.repos.getBranchProtection({ owner, repo, branch: 'main' }))).status], [404]);
    const put = await protect({ required_status_checks: { strict: true, contexts: ['ci/test'] }, required_pull_request_reviews: { required_approving_review_count: 2, dismiss_stale_reviews: true } });
    assert.deepEqual(put.data.required_status_checks?.contexts, ['ci/test']);
    const { data } = await admin.rest.repos.getBranchProtection({ owner, repo, branch: 'main' });
    assert.deepEqual(
      [data.required_status_checks?.strict, data.required_status_checks?.checks, data.required_pull_request_reviews?.required_approving_review_count, data.enforce_admins?.enabled],
      [true, [{ context: 'ci/test', app_id: null }], 2, false],
    );
    const branch = await app.rest.repos.getBranch({ owner, repo, branch: 'main' });
    assert.deepEqual([branch.data.protected, branch.data.protection.required_status_checks?.contexts], [true, ['ci/test']]);

    const writer = await rejection(userOctokit(github, 'dev').rest.repos.updateBranchProtection({ owner, repo, branch: 'main', ...none }));
    assert.equal(writer.status, 403, 'write is not enough');
    const integration = await rejection(app.rest.repos.updateBranchProtection({ owner, repo, branch: 'main', ...none }));
    assert.deepEqual([integration.status, integration.data.message], [403, 'Resource not accessible by integration'], 'Ladder does not ask for administration');
    const incomplete = await rejection(admin.request('PUT /repos/{owner}/{repo}/branches/{branch}/protection', { owner, repo, branch: 'main', enforce_admins: true } as never));
    assert.equal(incomplete.status, 422);

    assert.equal((await admin.rest.repos.deleteBranchProtection({ owner, repo, branch: 'main' })).status, 204);
    assert.equal((await rejection(admin.rest.repos.getBranchProtection({ owner, repo, branch: 'main' }))).status, 404);
    github.contract.assertClean();
  });

  it('counts a required check only from the App it names', async () => {
    await protect({ required_status_checks: { strict: false, contexts: [], checks: [{ context: 'ci/build', app_id: github.app.id + 1 }] } });
    const pull = await openPull();
    await app.rest.checks.create({ owner, repo, name: 'ci/build', head_sha: pull.head, status: 'completed', conclusion: 'success' });
    const refused = await rejection(userOctokit(github, 'dev').rest.pulls.merge({ owner, repo, pull_number: pull.number }));
    assert.deepEqual([refused.status, refused.data.message], [405, 'Required status check "ci/build" is expected.'], 'our App is not the one required');
    await protect({ required_status_checks: { strict: false, contexts: [], checks: [{ context: 'ci/build', app_id: github.app.id }] } });
    assert.equal((await userOctokit(github, 'dev').rest.pulls.merge({ owner, repo, pull_number: pull.number })).status, 200);
  });

  it('dismisses stale approvals on a new push, and lets admins past unless enforced on them', async () => {
    await protect({ enforce_admins: true, required_pull_request_reviews: { required_approving_review_count: 1, dismiss_stale_reviews: true } });
    const pull = await openPull();
    await userOctokit(github, 'rev').rest.pulls.createReview({ owner, repo, pull_number: pull.number, event: 'APPROVE' });
    await github.seed.commitFiles(fullName, `topic-${topic}`, { 'more.txt': 'more\n' }, { silent: true });
    const stale = await rejection(userOctokit(github, 'dev').rest.pulls.merge({ owner, repo, pull_number: pull.number }));
    assert.deepEqual([stale.status, stale.data.message], [405, 'At least 1 approving review is required by reviewers with write access.']);
    assert.equal((await rejection(admin.rest.pulls.merge({ owner, repo, pull_number: pull.number }))).status, 405, 'enforced on admins');
    await protect({ enforce_admins: false, required_pull_request_reviews: { required_approving_review_count: 1, dismiss_stale_reviews: true } });
    assert.equal((await rejection(app.rest.pulls.merge({ owner, repo, pull_number: pull.number }))).status, 405, 'an App is no admin');
    assert.equal((await admin.rest.pulls.merge({ owner, repo, pull_number: pull.number })).status, 200, 'an admin merges past it');
  });

  it('requires a linear history: merge commits refused, squash merges allowed', async () => {
    await admin.request('PUT /repos/{owner}/{repo}/branches/{branch}/protection', { owner, repo, branch: 'main', ...none, required_linear_history: true });
    const pull = await openPull();
    const refused = await rejection(userOctokit(github, 'dev').rest.pulls.merge({ owner, repo, pull_number: pull.number, merge_method: 'merge' }));
    assert.equal(refused.status, 405);
    assert.equal((await userOctokit(github, 'dev').rest.pulls.merge({ owner, repo, pull_number: pull.number, merge_method: 'squash' })).status, 200);
  });

  it('requires verified signatures: pushed commits are unsigned, the commits GitHub and the App make are signed', async () => {
    await protect({});
    await admin.rest.repos.createCommitSignatureProtection({ owner, repo, branch: 'main' });
    assert.equal((await admin.rest.repos.getCommitSignatureProtection({ owner, repo, branch: 'main' })).data.enabled, true);
    const pushed = await openPull();
    const unsigned = await rejection(userOctokit(github, 'dev').rest.pulls.merge({ owner, repo, pull_number: pushed.number }));
    assert.deepEqual([unsigned.status, unsigned.data.message], [405, 'Commits must have verified signatures.']);

    // The App writes a commit through the Git Data API with its own identity: GitHub signs it.
    const main = (await app.rest.repos.getBranch({ owner, repo, branch: 'main' })).data.commit;
    const tree = await app.rest.git.createTree({ owner, repo, base_tree: main.commit.tree.sha, tree: [{ path: 'app.txt', mode: '100644', type: 'blob', content: 'app\n' }] });
    const commit = await app.rest.git.createCommit({ owner, repo, message: 'From the App', tree: tree.data.sha, parents: [main.sha] });
    assert.deepEqual([commit.data.verification?.verified, commit.data.verification?.reason], [true, 'valid']);
    await app.rest.git.createRef({ owner, repo, ref: 'refs/heads/from-app', sha: commit.data.sha });
    const signedPull = await app.rest.pulls.create({ owner, repo, head: 'from-app', base: 'main', title: 'signed' });
    const merged = await app.rest.pulls.merge({ owner, repo, pull_number: signedPull.data.number });
    const mergeCommit = await app.rest.repos.getCommit({ owner, repo, ref: merged.data.sha });
    assert.equal(mergeCommit.data.commit.verification?.reason, 'valid', 'the merge commit is GitHub\'s, signed');
    assert.match(mergeCommit.data.commit.verification?.signature ?? '', /^-----BEGIN SSH SIGNATURE-----/);
    assert.match(mergeCommit.data.commit.verification?.payload ?? '', /^tree [0-9a-f]{40}\n/);

    // git itself accepts the signature, given the web-flow key as an allowed signer.
    const signers = join(await mkdtemp(join(tmpdir(), 'ladder-signers-')), 'allowed');
    await writeFile(signers, `noreply@github.com namespaces="git" ${github.webFlowPublicKey}\n`);
    const verified = execFileSync('git', ['--git-dir', github.repoPath(fullName), '-c', 'gpg.format=ssh', '-c', `gpg.ssh.allowedSignersFile=${signers}`, 'verify-commit', '--raw', merged.data.sha], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    assert.equal(verified, '', 'git verify-commit exits 0');
    assert.throws(() => execFileSync('git', ['--git-dir', github.repoPath(fullName), '-c', 'gpg.format=ssh', '-c', `gpg.ssh.allowedSignersFile=${signers}`, 'verify-commit', pushed.head], { stdio: 'pipe' }), 'an unsigned commit does not verify');

    const withOwnSignature = await app.rest.git.createCommit({ owner, repo, message: 'Signed elsewhere', tree: tree.data.sha, parents: [main.sha], signature: '-----BEGIN PGP SIGNATURE-----\n\nnot really\n-----END PGP SIGNATURE-----' });
    assert.deepEqual([withOwnSignature.data.verification?.verified, withOwnSignature.data.verification?.reason], [false, 'malformed_signature']);
    const byPerson = await userOctokit(github, 'dev').rest.git.createCommit({ owner, repo, message: 'By a person', tree: tree.data.sha, parents: [main.sha] });
    assert.equal(byPerson.data.verification?.reason, 'unsigned', 'a person\'s API commit is not signed for them');
    await admin.rest.repos.deleteCommitSignatureProtection({ owner, repo, branch: 'main' });
    github.contract.assertClean();
  });

  it('refuses ref updates on a branch that merges through pull requests, and on a locked one', async () => {
    await protect({ required_status_checks: { strict: false, contexts: [] } });
    const next = await github.seed.commitFiles(fullName, 'side', { 's.txt': 's\n' }, { from: 'main', silent: true });
    const pushed = await rejection(app.rest.git.updateRef({ owner, repo, ref: 'heads/main', sha: next }));
    assert.deepEqual([pushed.status, pushed.data.message], [422, 'Protected branch update failed for refs/heads/main.']);
    assert.equal((await rejection(app.rest.git.deleteRef({ owner, repo, ref: 'heads/main' }))).status, 422);
    await admin.request('PUT /repos/{owner}/{repo}/branches/{branch}/protection', { owner, repo, branch: 'side', ...none, lock_branch: true, allow_deletions: true });
    assert.equal((await rejection(app.rest.git.deleteRef({ owner, repo, ref: 'heads/side' }))).status, 422, 'locked');
    await admin.request('PUT /repos/{owner}/{repo}/branches/{branch}/protection', { owner, repo, branch: 'side', ...none, allow_deletions: true });
    assert.equal((await app.rest.git.deleteRef({ owner, repo, ref: 'heads/side' })).status, 204);
    github.contract.assertClean();
  });

  it('restricts who may merge into an organization branch: people and Apps by name', async () => {
    await protect({ restrictions: { users: ['boss'], teams: [], apps: [] } });
    const pull = await openPull();
    const app403 = await rejection(app.rest.pulls.merge({ owner, repo, pull_number: pull.number }));
    assert.equal(app403.status, 405);
    await protect({ restrictions: { users: [], teams: [], apps: [github.app.slug] } });
    assert.equal((await rejection(userOctokit(github, 'dev').rest.pulls.merge({ owner, repo, pull_number: pull.number }))).status, 405);
    assert.equal((await app.rest.pulls.merge({ owner, repo, pull_number: pull.number })).status, 200);
    const { data } = await admin.rest.repos.getBranchProtection({ owner, repo, branch: 'main' });
    assert.deepEqual(data.restrictions?.apps.map((a) => a.slug), [github.app.slug]);
    github.contract.assertClean();
  });
});
