import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startGitHubServer, type GitHubServer } from '../bed/github/index.js';
import { installationOctokit, type BedOctokit } from '../bed/github/clients.js';
import { rejection } from '../bed/github/expect.js';
import { clearLock, lockLabelName, readLock, setLock } from '../../src/adapters/github/locks.js';
import { checkCommandPermission } from '../../src/adapters/github/permissions.js';
import type { GitHubClient } from '../../src/adapters/github/types.js';

// The adapters take Probot's Octokit; the bed's @octokit/rest client has the same REST surface.
const asClient = (octokit: BedOctokit) => octokit as unknown as GitHubClient;

describe('GitHub server: repository labels by name, team memberships; Ladder locks and command permissions on them', () => {
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

  it('locks, refuses to overwrite a held lock, reads and unlocks through the label store', async () => {
    assert.equal(await readLock(asClient(app), manifests, 'checkout', 'stg'), undefined);
    const first = await setLock(asClient(app), manifests, { service: 'checkout', environment: 'stg', by: 'ana', reason: 'incident  INC-42\nongoing' });
    assert.deepEqual(first, { created: true, lock: { service: 'checkout', environment: 'stg', by: 'ana', reason: 'incident INC-42 ongoing' } });
    const second = await setLock(asClient(app), manifests, { service: 'checkout', environment: 'stg', by: 'bo', reason: 'mine now' });
    assert.equal(second.created, false);
    assert.equal(second.lock.by, 'ana', 'the first lock stays');
    assert.deepEqual(await readLock(asClient(app), manifests, 'checkout', 'stg'), first.lock);
    assert.deepEqual(await clearLock(asClient(app), manifests, 'checkout', 'stg'), first.lock);
    assert.equal(await readLock(asClient(app), manifests, 'checkout', 'stg'), undefined);
    assert.equal(await clearLock(asClient(app), manifests, 'checkout', 'stg'), undefined, 'unlocking twice is no error');
    github.contract.assertClean();
  });

  it('keeps label names within 50 characters and descriptions within 100', async () => {
    const service = 'a-very-long-service-name-that-goes-on-and-on-and-on';
    const name = lockLabelName(service, 'production');
    assert.ok(name.length <= 50 && name.endsWith('/production') && name.startsWith('ladder-lock:a-very-long'), name);
    const { lock } = await setLock(asClient(app), manifests, { service, environment: 'production', by: 'ana', reason: 'x'.repeat(300) });
    const label = await app.rest.issues.getLabel({ ...manifests, name });
    assert.equal(label.data.description?.length, 100);
    assert.equal(lock.by, 'ana');
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
    github.setPermission('narrow/repo', 'y', 'write');
    await assert.rejects(
      checkCommandPermission(asClient(narrow), { owner: 'narrow', repo: 'repo' }, 'y', { access: 'write', commenters: [{ users: [], teams: ['narrow/x'] }] }),
      /cannot read who is in team narrow\/x: the App needs the organization permission "members: read"/,
    );
  });

  it('command permission: write access needed, then the environment\'s commenters (users or active team members)', async () => {
    github.setPermission('shop/checkout-manifests', 'writer', 'write');
    github.setPermission('shop/checkout-manifests', 'reader', 'read');
    github.setPermission('shop/checkout-manifests', 'lead', 'write');
    github.setPermission('shop/checkout-manifests', 'rm', 'admin');
    github.setPermission('shop/checkout-manifests', 'invited', 'write');
    github.addTeamMember('shop/release', 'rm');
    github.addTeamMember('shop/release', 'invited', { state: 'pending' });
    const client = asClient(app);
    const prd = { access: 'write' as const, commenters: [{ users: ['Lead'], teams: ['shop/release'] }] };
    const anyWriter = { access: 'write' as const, commenters: [] };
    assert.deepEqual(await checkCommandPermission(client, manifests, 'writer', anyWriter), { allowed: true, via: 'write-access' });
    assert.deepEqual(await checkCommandPermission(client, manifests, 'reader', anyWriter), { allowed: false, reason: 'no-write-access', permission: 'read' });
    assert.deepEqual(await checkCommandPermission(client, manifests, 'stranger', anyWriter), { allowed: false, reason: 'no-write-access', permission: 'none' });
    assert.deepEqual(await checkCommandPermission(client, manifests, 'lead', prd), { allowed: true, via: 'listed-user' });
    assert.deepEqual(await checkCommandPermission(client, manifests, 'rm', prd), { allowed: true, via: 'team', team: 'shop/release' });
    assert.deepEqual(await checkCommandPermission(client, manifests, 'writer', prd), { allowed: false, reason: 'not-a-commenter', permission: 'write' });
    assert.deepEqual(await checkCommandPermission(client, manifests, 'invited', prd), { allowed: false, reason: 'not-a-commenter', permission: 'write' });
    github.addTeamMember('shop/release', 'reader');
    assert.equal((await checkCommandPermission(client, manifests, 'reader', prd)).allowed, false, 'a team member still needs write access');
    // The grant's rule and the code config's narrowing: a command needs both.
    const both = { access: 'write' as const, commenters: [{ users: ['Lead'], teams: ['shop/release'] }, { users: ['rm'], teams: [] }] };
    assert.deepEqual(await checkCommandPermission(client, manifests, 'lead', both), { allowed: false, reason: 'not-a-commenter', permission: 'write' });
    assert.deepEqual(await checkCommandPermission(client, manifests, 'rm', both), { allowed: true, via: 'listed-user' });
    // What only shows the repository's content needs read access there.
    assert.deepEqual(await checkCommandPermission(client, manifests, 'reader', { access: 'read', commenters: [] }), { allowed: true, via: 'read-access' });
    assert.deepEqual(await checkCommandPermission(client, manifests, 'stranger', { access: 'read', commenters: [] }), { allowed: false, reason: 'no-read-access', permission: 'none' });
    github.contract.assertClean();
  });
});

/** A pull request to hang labels on. */
async function openPull(github: GitHubServer, octokit: BedOctokit): Promise<number> {
  await github.seed.commitFiles('shop/checkout-manifests', 'topic', { 'a.txt': 'a\n' }, { from: 'main' });
  const { data } = await octokit.rest.pulls.create({ owner: 'shop', repo: 'checkout-manifests', head: 'topic', base: 'main', title: 'labels' });
  return data.number;
}
