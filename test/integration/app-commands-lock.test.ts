import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { userOctokit } from '../bed/github/index.js';
import { formatTrailers, trailersComment } from '../../src/core/promotion/trailers.js';
import { startAppHarness, type AppHarness } from '../support/app-harness.js';
import { commandHelpers } from '../support/command-comments.js';

describe('App: /ladder lock and unlock, help, reactions', () => {
  let harness: AppHarness;
  let helpers: ReturnType<typeof commandHelpers>;
  let codeRepo: string;
  let manifestRepo: string;
  let pull: number;

  before(async () => {
    harness = await startAppHarness();
    helpers = commandHelpers(harness);
    ({ codeRepo, manifestRepo } = await harness.createService());
    pull = await helpers.openPull(codeRepo);
  });

  after(() => harness.stop());

  it('reacts 👀 on receipt, locks with a label on the manifest repo and confirms; unlock removes it', async () => {
    const commentId = await helpers.comment(codeRepo, pull, 'dev', '/ladder lock prd incident INC-7: payments are down');
    assert.deepEqual(await helpers.reactions(codeRepo, commentId), ['eyes by ladder[bot]']);
    assert.deepEqual(await helpers.labels(manifestRepo), [{ name: 'ladder-lock:checkout/prd', description: 'dev: incident INC-7: payments are down' }]);
    const [locked] = await helpers.replies(codeRepo, pull);
    // The reason is the commenter's text: echoed in a code span, so nothing in it renders.
    assert.match(locked ?? '', /Locked `prd` \(dev: `incident INC-7: payments are down`\)/);

    await helpers.comment(codeRepo, pull, 'dev', '/ladder lock prd another reason');
    assert.match((await helpers.replies(codeRepo, pull))[1] ?? '', /already locked by @dev: `incident INC-7/);
    assert.equal((await helpers.labels(manifestRepo))[0]?.description, 'dev: incident INC-7: payments are down', 'a second lock keeps the first reason');

    await helpers.comment(codeRepo, pull, 'dev', '/ladder unlock prd');
    assert.deepEqual(await helpers.labels(manifestRepo), []);
    assert.match((await helpers.replies(codeRepo, pull))[2] ?? '', /Unlocked `prd` \(was locked by @dev: `incident INC-7/);
    await helpers.comment(codeRepo, pull, 'dev', '/ladder unlock prd');
    assert.match((await helpers.replies(codeRepo, pull))[3] ?? '', /`prd` was not locked/);
    harness.github.contract.assertClean();
  });

  it('runs several commands of one comment in order, in one reply', async () => {
    const before = (await helpers.replies(codeRepo, pull)).length;
    await helpers.comment(codeRepo, pull, 'dev', 'Freezing both:\n/ladder lock stg release 1.2\n/ladder lock prd release 1.2\n> /ladder unlock stg (quoted: ignored)\n/ladder unlock stg');
    const replies = (await helpers.replies(codeRepo, pull)).slice(before);
    assert.equal(replies.length, 1);
    const reply = replies[0]!;
    const order = ['Locked `stg`', 'Locked `prd`', 'Unlocked `stg`'].map((text) => reply.indexOf(text));
    assert.ok(order.every((i, n) => i >= 0 && (n === 0 || i > order[n - 1]!)), `in order: ${reply}`);
    assert.deepEqual((await helpers.labels(manifestRepo)).map((l) => l.name), ['ladder-lock:checkout/prd']);
    await helpers.comment(codeRepo, pull, 'dev', '/ladder unlock prd');
  });

  it('a malformed command gets a short help reply with a suggestion, and changes nothing', async () => {
    const before = (await helpers.replies(codeRepo, pull)).length;
    await helpers.comment(codeRepo, pull, 'dev', '/ladder lok prd freeze\n/ladder lock prod freeze\n/ladder lock prd');
    const [reply] = (await helpers.replies(codeRepo, pull)).slice(before);
    assert.match(reply ?? '', /`\/ladder lok prd freeze`: `lok` is not a Ladder command\. Did you mean `\/ladder lock prd freeze`\?/);
    assert.match(reply ?? '', /no environment named `prod`.*Did you mean `\/ladder lock prd freeze`\?/);
    assert.match(reply ?? '', /`lock` needs a reason/);
    assert.match(reply ?? '', /\| `\/ladder promote <env>` \|/, 'the help table follows');
    assert.match(reply ?? '', /Environments: `dev`, `stg`, `prd`/);
    assert.deepEqual(await helpers.labels(manifestRepo), []);
  });

  it('the ladder/lock status of an open promotion PR follows lock and unlock', async () => {
    const { github } = harness;
    const client = userOctokit(github, 'dev');
    const main = (await client.rest.repos.getBranch({ owner: 'shop', repo: 'checkout', branch: 'main' })).data.commit.sha;
    const trailers = { service: 'checkout', environment: 'stg', sourceRepo: codeRepo, sourceSha: main, image: `registry.example.com/shop/checkout:${main}` };
    await github.seed.commitFiles(manifestRepo, 'ladder/checkout/stg', { 'configmap-checkout.yaml': 'kind: ConfigMap\n' }, {
      from: 'stg', silent: true, message: `Promote checkout to stg\n\n${formatTrailers(trailers)}`,
    });
    const { data: pr } = await client.rest.pulls.create({
      owner: 'shop', repo: 'checkout-manifests', head: 'ladder/checkout/stg', base: 'stg', title: 'Promote checkout to stg', body: trailersComment(trailers),
    });
    await harness.settled();
    const lockState = async () => {
      const { data } = await client.rest.repos.listCommitStatusesForRef({ owner: 'shop', repo: 'checkout-manifests', ref: pr.head.sha });
      return data.find((status) => status.context === 'ladder/lock')?.state;
    };
    assert.equal(await lockState(), 'success');
    await helpers.comment(codeRepo, pull, 'dev', '/ladder lock stg smoke tests running');
    assert.equal(await lockState(), 'failure');
    await helpers.comment(codeRepo, pull, 'dev', '/ladder unlock stg');
    assert.equal(await lockState(), 'success');

    // A lock label made or removed by hand (the repository's label settings) counts the same.
    await client.rest.issues.createLabel({ owner: 'shop', repo: 'checkout-manifests', name: 'ladder-lock:checkout/stg', color: 'b60205', description: 'ops: by hand' });
    await harness.settled();
    assert.equal(await lockState(), 'failure');
    await client.rest.issues.deleteLabel({ owner: 'shop', repo: 'checkout-manifests', name: 'ladder-lock:checkout/stg' });
    await harness.settled();
    assert.equal(await lockState(), 'success');
    harness.github.contract.assertClean();
  });

  it('a redelivered comment webhook runs nothing twice', async () => {
    const before = (await helpers.replies(codeRepo, pull)).length;
    const commentId = await helpers.comment(codeRepo, pull, 'dev', '/ladder lock stg once');
    const delivery = harness.github.webhooks.deliveries.find((d) => d.event === 'issue_comment' && JSON.parse(d.body).comment?.id === commentId);
    assert.ok(delivery, 'the comment was delivered');
    const again = await harness.github.redeliver(delivery.id);
    assert.equal(again.status, 200);
    await harness.settled();
    assert.equal((await helpers.replies(codeRepo, pull)).length, before + 1, 'one reply');
    await helpers.comment(codeRepo, pull, 'dev', '/ladder unlock stg');
  });

  it('ignores comments without commands, edits, and comments by bots', async () => {
    const before = (await helpers.replies(codeRepo, pull)).length;
    const plain = await helpers.comment(codeRepo, pull, 'dev', 'LGTM, ship it');
    assert.deepEqual(await helpers.reactions(codeRepo, plain), []);
    const { data } = await userOctokit(harness.github, 'dev').rest.issues.updateComment({
      owner: 'shop',
      repo: 'checkout',
      comment_id: plain,
      body: '/ladder lock prd edited in',
    });
    await harness.settled();
    assert.equal(data.id, plain);
    assert.deepEqual(await helpers.labels(manifestRepo), [], 'an edit runs nothing');
    assert.equal((await helpers.replies(codeRepo, pull)).length, before);
  });
});
