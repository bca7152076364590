import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startGitHubServer, type GitHubServer } from '../../bed/github/index.js';
import { installationOctokit, type BedOctokit } from '../../bed/github/clients.js';
import { rejection } from '../../bed/github/expect.js';

describe('GitHub server: repository labels by name, team memberships', () => {
  let github: GitHubServer;
  let app: BedOctokit;
  const manifests = { owner: 'shop', repo: 'checkout-manifests' };

  before(async () => {
    github = await startGitHubServer();
    await github.createRepo('shop/checkout-manifests');
    await github.createRepo('elsewhere/repo');
    app = installationOctokit(github, 'shop/checkout-manifests');
  });

  after(() => github.stop());

  it('gets and deletes a label by name (names with : and / percent-encoded), and 404s a missing one', async () => {
    await app.rest.issues.createLabel({ ...manifests, name: 'ladder-lock:checkout/prd', color: 'b60205', description: 'ana: freeze' });
    const { data } = await app.rest.issues.getLabel({ ...manifests, name: 'LADDER-LOCK:checkout/prd' });
    assert.deepEqual([data.name, data.description, data.color], ['ladder-lock:checkout/prd', 'ana: freeze', 'b60205']);
    const pr = await openPull(github, app);
    await app.rest.issues.addLabels({ ...manifests, issue_number: pr, labels: ['ladder-lock:checkout/prd'] });

    const deleted = await app.rest.issues.deleteLabel({ ...manifests, name: 'ladder-lock:checkout/prd' });
    assert.equal(deleted.status, 204);
    assert.equal((await rejection(app.rest.issues.getLabel({ ...manifests, name: 'ladder-lock:checkout/prd' }))).status, 404);
    assert.equal((await rejection(app.rest.issues.deleteLabel({ ...manifests, name: 'ladder-lock:checkout/prd' }))).status, 404);
    const onPull = await app.rest.issues.listLabelsOnIssue({ ...manifests, issue_number: pr });
    assert.deepEqual(onPull.data.map((l) => l.name), [], 'deleting a label takes it off pull requests');
    github.contract.assertClean();
  });

  it('answers team memberships: active, pending, none, unknown team; another organization\'s installation gets 404', async () => {
    github.addTeamMember('shop/release-managers', 'rita');
    github.addTeamMember('shop/release-managers', 'paul', { state: 'pending' });
    const active = await app.rest.teams.getMembershipForUserInOrg({ org: 'shop', team_slug: 'release-managers', username: 'rita' });
    assert.deepEqual([active.data.state, active.data.role], ['active', 'member']);
    const pending = await app.rest.teams.getMembershipForUserInOrg({ org: 'shop', team_slug: 'release-managers', username: 'paul' });
    assert.equal(pending.data.state, 'pending');
    for (const [team_slug, username] of [['release-managers', 'ana'], ['nobody', 'rita']] as const) {
      assert.equal((await rejection(app.rest.teams.getMembershipForUserInOrg({ org: 'shop', team_slug, username }))).status, 404);
    }
    const foreign = installationOctokit(github, 'elsewhere/repo');
    assert.equal((await rejection(foreign.rest.teams.getMembershipForUserInOrg({ org: 'shop', team_slug: 'release-managers', username: 'rita' }))).status, 404);
    github.removeTeamMember('shop/release-managers', 'rita');
    assert.equal((await rejection(app.rest.teams.getMembershipForUserInOrg({ org: 'shop', team_slug: 'release-managers', username: 'rita' }))).status, 404);
    github.contract.assertClean();
  });

  it('an installation without members: read is refused team memberships with 403', async () => {
    await github.createRepo('narrow/repo', { install: false });
    github.installations.install('narrow', { permissions: { metadata: 'read', issues: 'write' } });
    const narrow = installationOctokit(github, 'narrow/repo');
    const refused = await rejection(narrow.rest.teams.getMembershipForUserInOrg({ org: 'narrow', team_slug: 'x', username: 'y' }));
    assert.equal(refused.status, 403);
    assert.equal(refused.data.message, 'Resource not accessible by integration');
    github.contract.assertClean();
  });
});

/** A pull request to hang labels on. */
async function openPull(github: GitHubServer, octokit: BedOctokit): Promise<number> {
  await github.seed.commitFiles('shop/checkout-manifests', 'topic', { 'a.txt': 'a\n' }, { from: 'main' });
  const { data } = await octokit.rest.pulls.create({ owner: 'shop', repo: 'checkout-manifests', head: 'topic', base: 'main', title: 'labels' });
  return data.number;
}
