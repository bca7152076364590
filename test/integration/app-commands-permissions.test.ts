import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { defaultServiceConfig, startAppHarness, type AppHarness } from '../support/app-harness.js';
import { commandHelpers } from '../support/command-comments.js';

/** The default config with prd restricted to a release team and one named person. */
function restrictedConfig(): string {
  return defaultServiceConfig('checkout', 'shop/checkout-manifests').replace(
    '    namespace: checkout\n',
    '    namespace: checkout\n    commenters: { users: [lead], teams: [shop/release-managers] }\n',
  );
}

describe('App: who may run /ladder commands', () => {
  let harness: AppHarness;
  let helpers: ReturnType<typeof commandHelpers>;
  const codeRepo = 'shop/checkout';
  const manifestRepo = 'shop/checkout-manifests';
  let pull: number;

  before(async () => {
    harness = await startAppHarness();
    helpers = commandHelpers(harness);
    await harness.createService({ config: restrictedConfig() });
    const { github } = harness;
    // Members of shop get nothing by membership alone (GitHub's "No permission" base): reader, a team
    // member below, reaches the manifest repository only as granted here, which is not at all.
    github.setOrgBasePermission('shop', 'none');
    // Commands are permission-checked on the manifest repository, whatever repository the comment is in.
    github.setPermission(codeRepo, 'reader', 'read');
    for (const login of ['rita', 'paul', 'lead']) {
      github.setPermission(codeRepo, login, 'write');
      github.setPermission(manifestRepo, login, 'write');
    }
    github.addTeamMember('shop/release-managers', 'rita');
    github.addTeamMember('shop/release-managers', 'paul', { state: 'pending' });
    github.addTeamMember('shop/release-managers', 'reader');
    pull = await helpers.openPull(codeRepo);
  });

  after(() => harness.stop());

  it('a commenter without write access is refused politely, and nothing changes: no label, no branch, no pull request', async () => {
    const branches = await helpers.branches(manifestRepo);
    const pulls = await helpers.openPulls(manifestRepo);
    const before = (await helpers.replies(codeRepo, pull)).length;
    const commentId = await helpers.comment(codeRepo, pull, 'reader', '/ladder lock stg mine\n/ladder rollback stg\n/ladder promote stg\n/ladder diff');
    assert.deepEqual(await helpers.reactions(codeRepo, commentId), ['eyes by ladder[bot]'], 'receipt is acknowledged even when refused');
    const [reply] = (await helpers.replies(codeRepo, pull)).slice(before);
    assert.match(reply ?? '', /Sorry @reader, I did not run `\/ladder lock stg mine`: you do not have write access to `shop\/checkout-manifests`\. Commands for `stg` need write access to `shop\/checkout-manifests`\. Nothing was changed\./);
    assert.match(reply ?? '', /Sorry @reader, I did not run `\/ladder diff`: you do not have read access to `shop\/checkout-manifests`\. Commands need read access to `shop\/checkout-manifests`\./, 'a diff shows the manifest repository: reading it is the bar');
    for (const line of ['/ladder rollback stg', '/ladder promote stg', '/ladder diff']) assert.ok(reply?.includes(`I did not run \`${line}\``), line);
    assert.deepEqual(await helpers.labels(manifestRepo), []);
    assert.deepEqual(await helpers.branches(manifestRepo), branches);
    assert.deepEqual(await helpers.openPulls(manifestRepo), pulls);
    harness.github.contract.assertClean();
  });

  it('prd is restricted to its commenters: write access alone is not enough; an invited (pending) team member neither', async () => {
    const before = (await helpers.replies(codeRepo, pull)).length;
    await helpers.comment(codeRepo, pull, 'dev', '/ladder lock prd hold on');
    await helpers.comment(codeRepo, pull, 'paul', '/ladder lock prd hold on');
    await helpers.comment(codeRepo, pull, 'reader', '/ladder lock prd hold on');
    const replies = (await helpers.replies(codeRepo, pull)).slice(before);
    assert.match(replies[0] ?? '', /Sorry @dev, I did not run `\/ladder lock prd hold on`: you are not one of `prd`'s commenters\. Commands for `prd` need write access to `shop\/checkout-manifests` and being `@lead` or a member of `@shop\/release-managers`\./);
    assert.match(replies[1] ?? '', /Sorry @paul/);
    assert.match(replies[2] ?? '', /Sorry @reader.*you do not have write access/, 'a team member still needs write access');
    assert.deepEqual(await helpers.labels(manifestRepo), []);
  });

  it('an active team member and a listed user may; the restriction is per environment', async () => {
    await helpers.comment(codeRepo, pull, 'rita', '/ladder lock prd release freeze');
    assert.deepEqual((await helpers.labels(manifestRepo)).map((l) => l.description), ['rita: release freeze']);
    await helpers.comment(codeRepo, pull, 'lead', '/ladder unlock prd');
    assert.deepEqual(await helpers.labels(manifestRepo), []);
    await helpers.comment(codeRepo, pull, 'dev', '/ladder lock stg testing');
    assert.deepEqual((await helpers.labels(manifestRepo)).map((l) => l.name), ['ladder-lock:checkout/stg'], 'stg has no commenters list: write access is enough');
  });

  it('help is for everyone, with no permission needed; who the commenters are, only for those who can read the manifest repository', async () => {
    const before = (await helpers.replies(codeRepo, pull)).length;
    await helpers.comment(codeRepo, pull, 'reader', '/ladder help');
    const [reply] = (await helpers.replies(codeRepo, pull)).slice(before);
    assert.match(reply ?? '', /\| `\/ladder rollback <env> \[to <sha>\]` \|/);
    // reader cannot read shop/checkout-manifests, where the lists are granted.
    assert.match(reply ?? '', /Environments: `dev`, `stg`, `prd` \(only its commenters\)\./);
    assert.doesNotMatch(reply ?? '', /Sorry|@lead/);
    await helpers.comment(codeRepo, pull, 'paul', '/ladder help');
    const [forWriter] = (await helpers.replies(codeRepo, pull)).slice(before + 1);
    assert.match(forWriter ?? '', /Environments: `dev`, `stg`, `prd` \(only `@lead`, `@shop\/release-managers`\)\./);
    assert.doesNotMatch(forWriter ?? '', /Sorry/);
  });
});
