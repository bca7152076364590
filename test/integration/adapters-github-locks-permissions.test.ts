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

describe('Ladder locks (repository labels) and /ladder command permissions (collaborators, teams)', () => {
  let github: GitHubServer;
  let app: BedOctokit;
  const manifests = { owner: 'shop', repo: 'checkout-manifests' };

  before(async () => {
    github = await startGitHubServer();
    await github.createRepo('shop/checkout-manifests');
    app = installationOctokit(github, 'shop/checkout-manifests');
  });

  after(() => github.stop());

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

  it('an installation without members: read: the command check names the organization permission it needs', async () => {
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
