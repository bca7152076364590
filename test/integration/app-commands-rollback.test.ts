import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { installationOctokit, userOctokit } from '../bed/github/index.js';
import { formatTrailers, parseTrailers } from '../../src/core/promotion/trailers.js';
import { defaultServiceConfig, startAppHarness, type AppHarness } from '../support/app-harness.js';
import { commandHelpers } from '../support/command-comments.js';

const codeRepo = 'shop/checkout';
const manifestRepo = 'shop/platform-manifests';
const source = (n: number) => String(n).repeat(40).slice(0, 40);

/** Manifests of version n, with bytes a re-render would not produce (comments, odd spacing): only a byte copy matches. */
function manifests(n: number): Record<string, string> {
  return {
    'checkout/deployment-checkout.yaml': `# version ${n}\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: checkout\n  namespace: checkout\nspec:\n  replicas:   ${n}\n`,
    'checkout/configmap-checkout.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: checkout, namespace: checkout }\ndata:\n  VERSION: "${n}"\n`,
    ...(n === 1 ? { 'checkout/service-legacy.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: legacy\n  namespace: checkout\n' } : { 'checkout/service-legacy.yaml': null as unknown as string }),
  };
}

function message(n: number, extra = ''): string {
  const trailers = { service: 'checkout', environment: 'prd', sourceRepo: codeRepo, sourceSha: source(n), image: `registry.example.com/shop/checkout:${source(n)}` };
  return `Promote checkout to prd at ${source(n).slice(0, 7)}${extra}\n\n${formatTrailers(trailers)}`;
}

const git = (repoPath: string, ...args: string[]) => execFileSync('git', ['-C', repoPath, ...args], { encoding: 'utf8' }).trim();

describe('App: /ladder rollback restores an earlier rendered state byte for byte', () => {
  let harness: AppHarness;
  let helpers: ReturnType<typeof commandHelpers>;
  let pull: number;
  const commits: Record<string, string> = {};

  before(async () => {
    harness = await startAppHarness();
    helpers = commandHelpers(harness);
    // checkout shares its manifest repository with cart; checkout's files live under checkout/.
    const config = defaultServiceConfig('checkout', manifestRepo).replace(`  repo: ${manifestRepo}\n`, `  repo: ${manifestRepo}\n  path: checkout\n`);
    await harness.createService({ config, manifestRepo });
    const { seed } = harness.github;
    const commit = (files: Record<string, string | null>, text: string) => seed.commitFiles(manifestRepo, 'prd', files, { message: text, silent: true });
    commits.v1 = await commit(manifests(1), message(1));
    commits.cart1 = await commit({ 'cart/deployment-cart.yaml': 'kind: Deployment # cart 1\n' }, 'cart 1\n\nLadder-Service: cart\nLadder-Environment: prd\nLadder-Source: shop/cart@' + 'c'.repeat(40) + '\nLadder-Image: r/cart:1');
    commits.v2 = await commit(manifests(2), message(2));
    commits.v3 = await commit(manifests(3), message(3));
    commits.cart2 = await commit({ 'cart/deployment-cart.yaml': 'kind: Deployment # cart 2\n' }, 'a hand edit to cart, no trailers');
    pull = await helpers.openPull(codeRepo);
  });

  after(() => harness.stop());

  const rollbackPull = async () => {
    const open = (await helpers.openPulls(manifestRepo)).filter((p) => p.head === 'ladder/checkout/prd-rollback');
    assert.equal(open.length, 1, 'exactly one rollback pull request');
    return open[0]!;
  };
  const headOf = (ref: string) => git(harness.github.repoPath(manifestRepo), 'rev-parse', ref);

  const validateConclusion = async (sha: string) => {
    const { data } = await userOctokit(harness.github, 'dev').rest.checks.listForRef({ owner: 'shop', repo: 'platform-manifests', ref: sha, check_name: 'ladder/validate' });
    return data.check_runs.map((run) => run.conclusion);
  };

  it('without a sha: a PR restoring the previous version; checkout/ equals it byte for byte, cart/ keeps its current state', async () => {
    // v2 passed validation when it was promoted.
    await installationOctokit(harness.github, manifestRepo).rest.checks.create({
      owner: 'shop', repo: 'platform-manifests', name: 'ladder/validate', head_sha: commits.v2!, status: 'completed', conclusion: 'success',
      output: { title: 'Valid', summary: 'ok' },
    });
    const before = (await helpers.replies(codeRepo, pull)).length;
    await helpers.comment(codeRepo, pull, 'dev', '/ladder rollback prd');
    const [reply] = (await helpers.replies(codeRepo, pull)).slice(before);
    const pr = await rollbackPull();
    assert.match(reply ?? '', new RegExp(`Opened \\S+/pull/${pr.number} to roll \`prd\` back to \`shop/checkout@2222222\``));
    assert.equal(pr.base, 'prd');

    const repoPath = harness.github.repoPath(manifestRepo);
    const head = headOf('refs/heads/ladder/checkout/prd-rollback');
    assert.equal(git(repoPath, 'rev-parse', `${head}:checkout`), git(repoPath, 'rev-parse', `${commits.v2}:checkout`), 'one tree entry points at the old subtree');
    assert.equal(git(repoPath, 'ls-tree', '-r', head, '--', 'checkout'), git(repoPath, 'ls-tree', '-r', commits.v2!, '--', 'checkout'));
    for (const file of ['checkout/deployment-checkout.yaml', 'checkout/configmap-checkout.yaml']) {
      assert.deepEqual(await harness.github.seed.readFile(manifestRepo, head, file), await harness.github.seed.readFile(manifestRepo, commits.v2!, file), file);
    }
    assert.equal(await harness.github.seed.readFile(manifestRepo, head, 'checkout/service-legacy.yaml'), null, 'nothing of v1 or v3 left over');
    assert.equal(git(repoPath, 'rev-parse', `${head}:cart`), git(repoPath, 'rev-parse', `${commits.cart2}:cart`), 'the other service is untouched');
    assert.equal(git(repoPath, 'rev-parse', `${head}^`), headOf('refs/heads/prd'), 'one commit on top of prd');

    const commitMessage = git(repoPath, 'log', '-1', '--format=%B', head);
    assert.deepEqual(parseTrailers(commitMessage), {
      service: 'checkout', environment: 'prd', sourceRepo: codeRepo, sourceSha: source(2),
      image: `registry.example.com/shop/checkout:${source(2)}`, kind: 'rollback',
    });
    assert.equal(parseTrailers(pr.body)?.kind, 'rollback', 'the body carries the trailers for squash merges');
    assert.deepEqual(await validateConclusion(head), ['success'], 'ladder/validate: restores manifests validated when promoted');
    harness.github.contract.assertClean();
  });

  it('to <code sha> or <manifest sha>: the same pull request is updated to that version', async () => {
    const { number } = await rollbackPull();
    await helpers.comment(codeRepo, pull, 'dev', `/ladder rollback prd to ${source(1).slice(0, 8)}`);
    const repoPath = harness.github.repoPath(manifestRepo);
    let head = headOf('refs/heads/ladder/checkout/prd-rollback');
    assert.equal((await rollbackPull()).number, number);
    assert.equal(git(repoPath, 'rev-parse', `${head}:checkout`), git(repoPath, 'rev-parse', `${commits.v1}:checkout`));
    assert.match((await helpers.replies(codeRepo, pull)).at(-1) ?? '', /Updated .* back to `shop\/checkout@1111111` \(the version built from code commit 11111111, as asked\)/);
    assert.deepEqual(await validateConclusion(head), ['neutral'], 'no validation on record for v1: neutral, said so');

    await helpers.comment(codeRepo, pull, 'dev', `/ladder rollback prd to ${commits.cart1!.slice(0, 10)}`);
    head = headOf('refs/heads/ladder/checkout/prd-rollback');
    assert.equal(git(repoPath, 'rev-parse', `${head}:checkout`), git(repoPath, 'rev-parse', `${commits.cart1}:checkout`), 'a manifest commit: its checkout/ as it was');
    assert.match((await helpers.replies(codeRepo, pull)).at(-1) ?? '', /back to `shop\/checkout@1111111`/, 'the version at a cart commit is the checkout commit below it');
  });

  it('an unknown sha and a rollback to what prd already has say so and change nothing', async () => {
    const head = headOf('refs/heads/ladder/checkout/prd-rollback');
    await helpers.comment(codeRepo, pull, 'dev', '/ladder rollback prd to abcdef0');
    assert.match((await helpers.replies(codeRepo, pull)).at(-1) ?? '', /nothing to do — no commit `abcdef0` in the history of `prd` \(its last 500 commits at most\)/);
    await helpers.comment(codeRepo, pull, 'dev', `/ladder rollback prd to ${source(3)}`);
    assert.match((await helpers.replies(codeRepo, pull)).at(-1) ?? '', /nothing to do — `prd` already has exactly the content of/);
    assert.equal(headOf('refs/heads/ladder/checkout/prd-rollback'), head);
  });

  it('with deployments recorded: the previous version that deployed successfully, restored from the deployed commit', async () => {
    // The agent reports deployments as the App (its token comes from the App): only those count.
    const client = installationOctokit(harness.github, manifestRepo);
    const [owner, repo] = manifestRepo.split('/') as [string, string];
    const deploy = async (sha: string, state: 'success' | 'failure') => {
      const { data } = await client.rest.repos.createDeployment({ owner, repo, ref: sha, environment: 'prd', auto_merge: false, required_contexts: [] });
      const id = (data as { id: number }).id;
      await client.rest.repos.createDeploymentStatus({ owner, repo, deployment_id: id, state });
    };
    await deploy(commits.v1!, 'success');
    await deploy(commits.cart1!, 'success');
    await deploy(commits.v2!, 'failure');
    await deploy(commits.v3!, 'success');
    await harness.settled();
    await helpers.comment(codeRepo, pull, 'dev', '/ladder rollback prd');
    const repoPath = harness.github.repoPath(manifestRepo);
    const head = headOf('refs/heads/ladder/checkout/prd-rollback');
    assert.equal(git(repoPath, 'rev-parse', `${head}:checkout`), git(repoPath, 'rev-parse', `${commits.cart1}:checkout`));
    assert.match((await helpers.replies(codeRepo, pull)).at(-1) ?? '', new RegExp(`back to \`shop/checkout@1111111\` \\(the last successful deployment of the previous version, ${commits.cart1!.slice(0, 7)}\\)`));
  });

  it('a locked environment: the rollback PR is still opened, and the reply says it waits for the unlock', async () => {
    // (The ladder/lock status itself is the gates' business, tested in app-commands-lock.)
    await helpers.comment(codeRepo, pull, 'dev', '/ladder lock prd incident 12\n/ladder rollback prd to 2222222');
    const reply = (await helpers.replies(codeRepo, pull)).at(-1) ?? '';
    assert.match(reply, /Locked `prd`/);
    assert.match(reply, /Updated \S+ to roll `prd` back to `shop\/checkout@2222222`.* `prd` is locked by @dev \(incident 12\): the rollback waits for `\/ladder unlock prd`\./);
  });

  it('reads older pages of history when the version is not among the newest 100 commits', async () => {
    for (let i = 0; i < 105; i++) {
      await harness.github.seed.commitFiles(manifestRepo, 'prd', { 'cart/deployment-cart.yaml': `kind: Deployment # cart edit ${i}\n` }, { message: `cart edit ${i}`, silent: true });
    }
    const before = harness.github.requests.mark();
    await helpers.comment(codeRepo, pull, 'dev', `/ladder rollback prd to ${commits.v2!.slice(0, 12)}`);
    assert.match((await helpers.replies(codeRepo, pull)).at(-1) ?? '', /Updated \S+ to roll `prd` back to `shop\/checkout@2222222` \(manifest commit \w+, as asked\)/);
    const repoPath = harness.github.repoPath(manifestRepo);
    assert.equal(git(repoPath, 'rev-parse', `${headOf('refs/heads/ladder/checkout/prd-rollback')}:checkout`), git(repoPath, 'rev-parse', `${commits.v2}:checkout`));
    assert.equal(harness.github.requests.count('GET /repos/{owner}/{repo}/commits', before), 2, 'two pages of history');
  });
});
