import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { userOctokit } from '../bed/github/index.js';
import { trailersComment } from '../../src/core/promotion/trailers.js';
import { startAppHarness, type AppHarness } from '../support/app-harness.js';
import { commandHelpers } from '../support/command-comments.js';

const templates = {
  'configmap.yaml.hbs': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: checkout\ndata: {{toYaml values.env}}\n',
  'secret.yaml.hbs': 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: checkout\nstringData:\n  password: {{str values.password}}\n',
};

function config(env: Record<string, string>): string {
  return [
    'service: checkout',
    'image: registry.example.com/shop/checkout',
    'manifests:',
    '  repo: shop/checkout-manifests',
    '  templates: deploy/templates',
    'environments:',
    '  - name: dev',
    '    from: { branch: main }',
    '    namespace: checkout-dev',
    '  - name: stg',
    '    from: { environment: dev }',
    '    namespace: checkout-stg',
    'values:',
    '  default:',
    '    password: s3cret-new-value',
    `    env: ${JSON.stringify(env)}`,
    '',
  ].join('\n');
}

describe('App: /ladder diff', () => {
  let harness: AppHarness;
  let helpers: ReturnType<typeof commandHelpers>;
  const codeRepo = 'shop/checkout';
  const manifestRepo = 'shop/checkout-manifests';

  before(async () => {
    harness = await startAppHarness();
    helpers = commandHelpers(harness);
    await harness.createService({ config: config({ MODE: 'fast' }), templates });
    // What dev runs now: an older render.
    await harness.github.seed.commitFiles(manifestRepo, 'dev', {
      'configmap-checkout.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: checkout\n  namespace: checkout-dev\ndata:\n  MODE: slow\n',
      'secret-checkout.yaml': 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: checkout\n  namespace: checkout-dev\nstringData:\n  password: old-secret-value\n',
      'service-legacy.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: legacy\n  namespace: checkout-dev\n',
      // Another tool's file in a sub-folder: not Ladder's, never changed by a promotion.
      'tools/configmap-other.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: other-tool\n  namespace: checkout-dev\n',
    }, { silent: true, message: 'an older render' });
  });

  after(() => harness.stop());

  it('on a code PR: renders its head for each environment its base feeds and lists changes by resource, Secret values hidden', async () => {
    const pull = await helpers.openPull(codeRepo);
    await helpers.comment(codeRepo, pull, 'dev', '/ladder diff');
    const [reply] = await helpers.replies(codeRepo, pull);
    assert.ok(reply, 'a reply');
    assert.match(reply, /\*\*`dev` \(branch `dev` of `shop\/checkout-manifests`\)\*\*/);
    assert.doesNotMatch(reply, /`stg` \(branch/, 'stg is fed by promotion, not by main');
    assert.match(reply, /- v1 Service checkout-dev\/legacy|- Service .*legacy/);
    assert.match(reply, /~ .*ConfigMap.*checkout/);
    assert.match(reply, /data\.MODE: "slow" → "fast"/);
    assert.match(reply, /~ .*Secret.*checkout/);
    assert.match(reply, /stringData\.password: \(hidden\) → \(hidden\)/);
    assert.doesNotMatch(reply, /s3cret-new-value|old-secret-value/, 'no Secret value in the comment');
    assert.doesNotMatch(reply, /other-tool/, 'files in sub-folders are not Ladder\'s');
    assert.match(reply, /0 added, 1 removed, 2 changed\./);
    harness.github.contract.assertClean();
  });

  it('a render that fails validation still shows its diff, with the errors noted under it', async () => {
    const pull = await helpers.openPull(codeRepo, {
      files: { 'deploy/templates/configmap.yaml.hbs': `${templates['configmap.yaml.hbs']}unexpected: {{str service}}\n` },
    });
    await helpers.comment(codeRepo, pull, 'dev', '/ladder diff');
    const [reply] = await helpers.replies(codeRepo, pull);
    assert.match(reply ?? '', /data\.MODE: "slow" → "fast"/);
    assert.match(reply ?? '', /unexpected: \(absent\) → "checkout"/);
    assert.match(reply ?? '', /⚠️ This render does not pass validation, so merging would open no promotion: `configmap-checkout\.yaml:\d+:\d+` .*unexpected/);
  });

  it('renders the config at the PR head, and cuts a diff too long for one comment', async () => {
    const env = Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`KEY_${String(i).padStart(5, '0')}`, `value-${'x'.repeat(20)}-${i}`]));
    const pull = await helpers.openPull(codeRepo, { files: { '.github/ladder.yml': config(env) } });
    await helpers.comment(codeRepo, pull, 'dev', '/ladder diff');
    const replies = await helpers.replies(codeRepo, pull);
    assert.equal(replies.length, 1);
    assert.ok(replies[0]!.length <= 65536, `fits a comment: ${replies[0]!.length}`);
    assert.match(replies[0]!, /data\.KEY_00000: \(absent\) → "value-x+-0"|data\.KEY_00000/);
    assert.match(replies[0]!, /… \(truncated to fit a comment; `ladder diff` shows the rest\)\n`{3,}$/);
  });

  it('on a promotion PR: the changes its head makes to the environment branch; other commands work there too', async () => {
    const { github } = harness;
    await github.seed.commitFiles(manifestRepo, 'ladder/checkout/stg', {
      'configmap-checkout.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: checkout\n  namespace: checkout-stg\ndata:\n  MODE: fast\n',
    }, { from: 'stg', silent: true, message: 'promote' });
    const trailers = { service: 'checkout', environment: 'stg', sourceRepo: codeRepo, sourceSha: 'a'.repeat(40), image: `registry.example.com/shop/checkout:${'a'.repeat(40)}` };
    const { data: pr } = await userOctokit(github, 'dev').rest.pulls.create({
      owner: 'shop', repo: 'checkout-manifests', head: 'ladder/checkout/stg', base: 'stg', title: 'Promote checkout to stg', body: `Promotion\n\n${trailersComment(trailers)}`,
    });
    await helpers.comment(manifestRepo, pr.number, 'dev', '/ladder diff\n/ladder lock stg checking the diff');
    const [reply] = await helpers.replies(manifestRepo, pr.number);
    assert.match(reply ?? '', /\*\*Changes this pull request makes to `stg`\*\*/);
    assert.match(reply ?? '', /\+ .*ConfigMap.*checkout-stg\/checkout|\+ .*ConfigMap/);
    assert.match(reply ?? '', /1 added, 0 removed, 0 changed\./);
    assert.match(reply ?? '', /Locked `stg`/);
    assert.deepEqual((await helpers.labels(manifestRepo)).map((l) => l.name), ['ladder-lock:checkout/stg']);
  });
});
