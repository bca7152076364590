import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { installationOctokit, userOctokit } from '../bed/github/index.js';
import { annotationsOf, checkRunsOf } from '../support/app-promotion.js';
import { defaultServiceConfig, startAppHarness, type AppHarness } from '../support/app-harness.js';
import { commandHelpers } from '../support/command-comments.js';
import { branchSha, pullsInto, reportDeployment } from '../support/promotion-fixtures.js';

/**
 * Issue #11, tried as a hostile user would: a code repository the attacker
 * controls (or writes to) tries each escalation, and the App refuses it with
 * the message it should give, while the legitimate flow keeps working.
 * `shop/checkout-manifests` grants checkout (shop/checkout, folder checkout/)
 * and cart (shop/cart, folder cart/), nothing else.
 */
const manifestRepo = 'shop/checkout-manifests';
const grants = `services:
  checkout:
    repository: shop/checkout
    path: checkout
    environments:
      dev: { from: { branches: [main] }, namespaces: [checkout-dev], autoMerge: true }
      stg: { from: { environment: dev }, namespaces: [checkout-stg] }
      prd: { from: { environment: stg }, namespaces: [checkout] }
  cart:
    repository: shop/cart
    path: cart
    environments:
      dev: { from: { branches: [main] }, namespaces: [cart-dev] }
`;
const where = "shop/checkout-manifests's .ladder/services.yml";

describe('App: an attacker-controlled code repository is refused each escalation', { concurrency: false }, () => {
  let harness: AppHarness;
  let helpers: ReturnType<typeof commandHelpers>;

  const configRun = async (repo: string, sha: string) => (await checkRunsOf(harness, repo, sha)).find((run) => run.name === 'ladder/config');
  const ladderBranches = async () => (await helpers.branches(manifestRepo)).filter((branch) => branch.startsWith('ladder/'));

  before(async () => {
    harness = await startAppHarness();
    helpers = commandHelpers(harness);
    await harness.createService({ services: grants });
    const { github } = harness;
    await github.createRepo('shop/cart');
    await github.seed.commitFiles('shop/cart', 'main', { '.github/ladder.yml': defaultServiceConfig('cart', manifestRepo).replace(/  - name: stg[\s\S]*$/, '') }, { silent: true });
    await github.createRepo('shop/attacker');
    for (const repo of ['shop/cart', 'shop/attacker']) github.setPermission(repo, 'dev', 'write');
    github.setPermission('shop/attacker', 'mallory', 'admin');
    github.setPermission(manifestRepo, 'mallory', 'read');
    github.setPermission('shop/checkout', 'mallory', 'write');
  });

  after(() => harness.stop());

  it('the legitimate flow works: a merge into main promotes checkout to dev, into its folder, and merges itself', async () => {
    const { mergeSha } = await harness.mergePullRequest('shop/checkout', { files: { 'src/app.ts': 'export const v = 1;\n' } });
    await harness.settled();
    const [pull] = await pullsInto(harness.github, manifestRepo, 'dev', 'closed');
    assert.equal(pull?.head.ref, 'ladder/checkout/dev');
    assert.equal(pull?.merged_at !== null, true, 'dev auto-merges: granted');
    const files = harness.github.seed.readFile(manifestRepo, 'dev', 'checkout/deployment-checkout.yaml');
    assert.match((await files)?.toString() ?? '', new RegExp(`image: registry\\.example\\.com/shop/checkout:${mergeSha}\n`));
    assert.equal((await configRun('shop/checkout', mergeSha)), undefined, 'no ladder/config refusal');
  });

  it('a writer pushing feature-x with its own prd grant is ignored: its config is never read, nothing is rendered', async () => {
    const before = await ladderBranches();
    const config = defaultServiceConfig('checkout', manifestRepo).replace('    from: { environment: stg }', '    from: { branch: feature-x }\n    autoMerge: true');
    const mark = harness.github.requests.mark();
    const sha = await harness.github.seed.commitFiles('shop/checkout', 'feature-x', { '.github/ladder.yml': config }, { from: 'main', message: 'prd from feature-x' });
    await harness.settled();
    assert.deepEqual(await ladderBranches(), before, 'no promotion branch, prd least of all');
    assert.deepEqual(await checkRunsOf(harness, 'shop/checkout', sha), [], 'no check run either: the push is not Ladder\'s business');
    const configReads = harness.github.requests.since(mark).filter((r) => r.method === 'GET' && r.route === '/repos/{owner}/{repo}/contents/{path}' && r.path.startsWith('/repos/shop/checkout/contents/'));
    assert.equal(configReads.length, 1, `only the default branch's config is read, for the manifest repository it names:\n${harness.github.requests.since(mark).map((r) => r.path).join(' ')}`);
    assert.ok(harness.logs.some((line) => line.includes('push into feature-x ignored') && line.includes('lets feature-x feed no environment of checkout')));
  });

  it('another repository claiming checkout is refused on its commit, and no branch of checkout moves', async () => {
    const before = await helpers.branches(manifestRepo);
    const devHead = await branchSha(harness.github, manifestRepo, 'dev');
    const { mergeSha } = await harness.mergePullRequest('shop/attacker', { by: 'mallory', files: { '.github/ladder.yml': defaultServiceConfig('checkout', manifestRepo) } });
    await harness.settled();
    const run = await configRun('shop/attacker', mergeSha);
    assert.equal(run?.conclusion, 'failure');
    assert.equal(run?.output.title, `.github/ladder.yml asks for more than ${manifestRepo} grants: 1 problem`);
    assert.match(run?.output.summary ?? '', new RegExp(`\\.github/ladder\\.yml:1:10 service: service 'checkout' belongs to shop/checkout in ${where.replace(/\./g, '\\.')}, not to shop/attacker`));
    assert.deepEqual((await annotationsOf(harness, 'shop/attacker', run!.id)).map((a) => [a.path, a.start_line]), [['.github/ladder.yml', 1]]);
    assert.deepEqual(await helpers.branches(manifestRepo), before);
    assert.equal(await branchSha(harness.github, manifestRepo, 'dev'), devHead);
  });

  it('a repository the file grants nothing is told what to add where', async () => {
    const { mergeSha } = await harness.mergePullRequest('shop/attacker', { by: 'mallory', files: { '.github/ladder.yml': defaultServiceConfig('billing', manifestRepo) } });
    await harness.settled();
    const run = await configRun('shop/attacker', mergeSha);
    assert.equal(run?.conclusion, 'failure');
    assert.match(run?.output.summary ?? '', /grants nothing to shop\/attacker: add services\.billing with repository: shop\/attacker there/);
    assert.match(run?.output.summary ?? '', /the owners of shop\/checkout-manifests can add this to `\.ladder\/services\.yml` on its default branch:/);
    assert.match(run?.output.summary ?? '', /```yaml\nservices:\n  billing:\n    repository: shop\/attacker\n    path: billing\n/);
  });

  it("cart pointing its folder at checkout's is refused at manifests.path, and checkout's files stay", async () => {
    const devFiles = await harness.github.seed.readFile(manifestRepo, 'dev', 'checkout/deployment-checkout.yaml');
    const config = defaultServiceConfig('cart', manifestRepo).replace(/  - name: stg[\s\S]*$/, '').replace(`  repo: ${manifestRepo}\n`, `  repo: ${manifestRepo}\n  path: checkout\n`);
    const { mergeSha } = await harness.mergePullRequest('shop/cart', { files: { '.github/ladder.yml': config } });
    await harness.settled();
    const run = await configRun('shop/cart', mergeSha);
    assert.match(run?.output.summary ?? '', new RegExp(`manifests\\.path: is 'checkout', but ${where.replace(/\./g, '\\.')} gives cart the folder 'cart'`));
    assert.ok(!(await helpers.branches(manifestRepo)).includes('ladder/cart/dev'));
    assert.deepEqual(await harness.github.seed.readFile(manifestRepo, 'dev', 'checkout/deployment-checkout.yaml'), devFiles);
  });

  it('self-granted policy exceptions and cluster-scoped kinds are refused where they are asked for', async () => {
    const config = `${defaultServiceConfig('checkout', manifestRepo, 'deploy/templates')}validation:\n  allowClusterScoped: [ClusterRoleBinding]\n  disable:\n    - rule: namespace-mismatch\n      reason: we need a ConfigMap in kube-system\n`;
    const crb = 'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: pwn\nroleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin }\nsubjects: [{ kind: ServiceAccount, name: default, namespace: checkout-dev }]\n';
    const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: pwn\n  namespace: kube-system\ndata: { a: b }\n';
    const before = await branchSha(harness.github, manifestRepo, 'dev');
    const { mergeSha } = await harness.mergePullRequest('shop/checkout', {
      files: { '.github/ladder.yml': config, 'deploy/templates/crb.yaml.hbs': crb, 'deploy/templates/cm.yaml.hbs': cm },
    });
    await harness.settled();
    const run = await configRun('shop/checkout', mergeSha);
    assert.equal(run?.conclusion, 'failure');
    assert.match(run?.output.summary ?? '', /validation\.allowClusterScoped\[0\]: ClusterRoleBinding is granted to checkout in none of its environments/);
    assert.match(run?.output.summary ?? '', /validation\.disable\[0\]\.rule: turning off 'namespace-mismatch' is granted to checkout in none of its environments/);
    assert.equal(await branchSha(harness.github, manifestRepo, 'dev'), before, 'nothing was promoted');
    // Put the legitimate config back for the tests below.
    await harness.mergePullRequest('shop/checkout', { files: { '.github/ladder.yml': defaultServiceConfig('checkout', manifestRepo), 'deploy/templates/crb.yaml.hbs': null, 'deploy/templates/cm.yaml.hbs': null } });
    await harness.settled();
  });

  it("a deployment reported by someone else's token promotes nothing; the agent's (the App's) does", async () => {
    const devHead = await branchSha(harness.github, manifestRepo, 'dev');
    const [owner, repo] = manifestRepo.split('/') as [string, string];
    const forged = userOctokit(harness.github, 'dev');
    const { data } = await forged.rest.repos.createDeployment({ owner, repo, ref: devHead, environment: 'dev', auto_merge: false, required_contexts: [] });
    await forged.rest.repos.createDeploymentStatus({ owner, repo, deployment_id: (data as { id: number }).id, state: 'success' });
    await harness.settled();
    assert.equal((await pullsInto(harness.github, manifestRepo, 'stg')).length, 0, 'no stg promotion from a deployment Ladder did not record');
    await reportDeployment(harness.github, manifestRepo, { environment: 'dev', sha: devHead, state: 'success' });
    await harness.settled();
    assert.equal((await pullsInto(harness.github, manifestRepo, 'stg')).length, 1, 'the agent\'s deployment promotes');
  });

  it("a gate status someone else sets to success does not merge a locked environment's promotion", async () => {
    const [owner, repo] = manifestRepo.split('/') as [string, string];
    const pull = await helpers.openPull('shop/checkout');
    await helpers.comment('shop/checkout', pull, 'dev', '/ladder lock dev waiting for the DBA');
    await harness.mergePullRequest('shop/checkout', { files: { 'src/app.ts': 'export const v = 3;\n' } });
    await harness.settled();
    const [open] = await pullsInto(harness.github, manifestRepo, 'dev');
    assert.ok(open, 'the dev promotion waits, locked');
    await userOctokit(harness.github, 'dev').rest.repos.createCommitStatus({ owner, repo, sha: open.head.sha, context: 'ladder/lock', state: 'success', description: 'forged' });
    await harness.settled();
    assert.equal((await pullsInto(harness.github, manifestRepo, 'dev')).length, 1, 'still open: the forged ladder/lock is not Ladder\'s');
    await helpers.comment('shop/checkout', pull, 'dev', '/ladder unlock dev');
    await harness.settled();
    assert.equal((await pullsInto(harness.github, manifestRepo, 'dev')).length, 0, 'merged once Ladder itself passes the gate');
  });

  it('/ladder diff on a code PR takes the branch and the folder from the grant, never from the head', async () => {
    const head = defaultServiceConfig('checkout', manifestRepo).replace(`  repo: ${manifestRepo}\n`, `  repo: ${manifestRepo}\n  path: cart\n`).replace('  - name: dev\n', '  - name: dev\n    branch: cart-dev\n');
    const pull = await helpers.openPull('shop/checkout', { files: { '.github/ladder.yml': head } });
    await helpers.comment('shop/checkout', pull, 'dev', '/ladder diff');
    const reply = (await helpers.replies('shop/checkout', pull)).at(-1) ?? '';
    assert.match(reply, new RegExp(`The config at this pull request's head asks for more than \`${manifestRepo}\` grants`));
    assert.match(reply, /manifests\.path: is 'cart', but/);
    assert.match(reply, /environments\[0\]\.branch: is 'cart-dev', but/);
    assert.doesNotMatch(reply, /```diff/, 'nothing of another folder or branch is shown');
  });

  it("commands on checkout's promotion need write access to the manifest repository, wherever they are written", async () => {
    const labels = await helpers.labels(manifestRepo);
    const promotion = (await pullsInto(harness.github, manifestRepo, 'stg'))[0]!;
    await helpers.comment(manifestRepo, promotion.number, 'mallory', '/ladder lock stg mine now');
    const pull = await helpers.openPull('shop/checkout', { by: 'mallory' });
    await helpers.comment('shop/checkout', pull, 'mallory', '/ladder unlock prd');
    const refusals = [...(await helpers.replies(manifestRepo, promotion.number)), ...(await helpers.replies('shop/checkout', pull))].join('\n');
    assert.match(refusals, /Sorry @mallory, I did not run `\/ladder lock stg mine now`: you do not have write access to `shop\/checkout-manifests`/);
    assert.match(refusals, /Sorry @mallory, I did not run `\/ladder unlock prd`: you do not have write access to `shop\/checkout-manifests`/, 'write access to the code repository is not enough');
    const attacker = await helpers.openPull('shop/attacker', { by: 'mallory' });
    await helpers.comment('shop/attacker', attacker, 'mallory', '/ladder lock prd mine');
    assert.match((await helpers.replies('shop/attacker', attacker)).at(-1) ?? '', /asks for more than `shop\/checkout-manifests` grants, so I cannot run commands for it/);
    assert.deepEqual(await helpers.labels(manifestRepo), labels, 'no lock was set or cleared');
  });

  it('comment text echoed in a reply is fenced so nothing in it renders', async () => {
    const pull = await helpers.openPull('shop/checkout');
    await helpers.comment('shop/checkout', pull, 'dev', '/ladder lock stg x` @shop/everyone ![p](http://evil.example/p.png) `y');
    const reply = (await helpers.replies('shop/checkout', pull)).at(-1) ?? '';
    assert.ok(reply.includes('(dev: `` x` @shop/everyone ![p](http://evil.example/p.png) `y ``)'), reply);
    await helpers.comment('shop/checkout', pull, 'dev', '/ladder unlock stg');
  });

  it('a repository without Ladder configuration gets no reply, not even a reaction', async () => {
    await harness.github.createRepo('shop/plain');
    harness.github.setPermission('shop/plain', 'mallory', 'write');
    harness.github.setPermission('shop/plain', 'dev', 'read');
    const pull = await helpers.openPull('shop/plain', { by: 'mallory' });
    const comment = await helpers.comment('shop/plain', pull, 'mallory', '/ladder help\n/ladder promote prd');
    assert.deepEqual(await helpers.replies('shop/plain', pull), []);
    assert.deepEqual(await helpers.reactions('shop/plain', comment), []);
  });

  it('a service whose manifest repository has no .ladder/services.yml is refused with what to add where', async () => {
    const { codeRepo, manifestRepo: other } = await harness.createService({ service: 'orders', services: null });
    const { mergeSha } = await harness.mergePullRequest(codeRepo, { files: { 'src/app.ts': 'export const v = 1;\n' } });
    await harness.settled();
    const run = await configRun(codeRepo, mergeSha);
    assert.equal(run?.conclusion, 'failure');
    assert.equal(run?.output.title, `${other} has no .ladder/services.yml on its default branch, so it grants this service nothing`.replace(/^s/, 'S'));
    assert.match(run?.output.summary ?? '', /add `\.ladder\/services\.yml` to the default branch of shop\/orders-manifests \(and protect that branch\), with:\n\n```yaml\nservices:\n  orders:\n    repository: shop\/orders\n/);
    assert.deepEqual((await helpers.branches(other)).filter((b) => b.startsWith('ladder/')), []);
    void installationOctokit;
  });
});
