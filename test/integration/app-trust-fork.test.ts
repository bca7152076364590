import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { userOctokit } from '../bed/github/index.js';
import { checkRunsOf } from '../support/app-promotion.js';
import { defaultServiceConfig, startAppHarness, type AppHarness } from '../support/app-harness.js';
import { commandHelpers } from '../support/command-comments.js';
import { pullsInto } from '../support/promotion-fixtures.js';

/**
 * Issue #11 from outside: `shop/checkout` is public, its manifest repository
 * private. Mallory has no role anywhere in `shop`; she forks the code
 * repository, opens a pull request whose `.github/ladder.yml` and templates
 * ask for everything (prd from her branch with auto-merge, cart's folder, a
 * ClusterRoleBinding to cluster-admin, a template that is a symbolic link out
 * of its directory), and comments `/ladder diff`, `unlock prd` and
 * `rollback prd` on it. Nothing is promoted or written to the manifest
 * repository, the replies she provokes say nothing she could not read
 * herself, and each refusal is visible where she or a maintainer looks. Then
 * a maintainer merges a harmless pull request from her fork, and main's
 * config, not the fork's, promotes it.
 */
const codeRepo = 'shop/checkout';
const manifestRepo = 'shop/checkout-manifests';
/** Only in the private manifest repository: a reply carrying any of them tells Mallory what she cannot read. */
const secrets = { releaseManager: 'relmgr-alice', cartNamespace: 'cart-secret-ns', devFile: 'only-in-the-private-manifests' };
const grants = `services:
  checkout:
    repository: ${codeRepo}
    path: checkout
    environments:
      dev: { from: { branches: [main] }, namespaces: [checkout-dev], autoMerge: true }
      stg: { from: { environment: dev }, namespaces: [checkout-stg] }
      prd: { from: { environment: stg }, namespaces: [checkout], commenters: { users: [${secrets.releaseManager}] } }
  cart:
    repository: shop/cart
    path: cart
    environments:
      dev: { from: { branches: [main] }, namespaces: [${secrets.cartNamespace}] }
`;
const template = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: checkout\ndata:\n  image: {{str image}}\n';
const hostileConfig = `${defaultServiceConfig('checkout', manifestRepo, 'deploy/templates')
  .replace(`  repo: ${manifestRepo}\n`, `  repo: ${manifestRepo}\n  path: cart\n`)
  .replace('    from: { environment: stg }', '    from: { branch: evil }\n    autoMerge: true')}validation:\n  allowClusterScoped: [ClusterRoleBinding]\n`;
const clusterAdmin =
  'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: pwn\nroleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin }\nsubjects: [{ kind: ServiceAccount, name: default, namespace: checkout-dev }]\n';

describe('App: an outsider forks the code repository and tries every escalation from a pull request', { concurrency: false }, () => {
  let harness: AppHarness;
  let helpers: ReturnType<typeof commandHelpers>;
  let hostilePull: number;
  let hostileHead: string;
  let manifestsBefore: { branches: string[]; heads: Record<string, string> };

  const mallory = () => userOctokit(harness.github, 'mallory');
  const split = (fullName: string) => ({ owner: fullName.split('/')[0]!, repo: fullName.split('/')[1]! });
  const manifestState = async () => {
    const { data } = await userOctokit(harness.github, 'dev').rest.repos.listBranches({ ...split(manifestRepo), per_page: 100 });
    return { branches: data.map((b) => b.name).sort(), heads: Object.fromEntries(data.map((b) => [b.name, b.commit.sha])) };
  };
  /** Requests that changed the manifest repository since `mark`. */
  const manifestWrites = (mark: number) =>
    harness.github.requests.since(mark).filter((r) => r.method !== 'GET' && r.path.startsWith(`/repos/${manifestRepo}/`)).map((r) => `${r.method} ${r.path}`);

  before(async () => {
    harness = await startAppHarness();
    helpers = commandHelpers(harness);
    const { github } = harness;
    await github.createRepo(codeRepo, { private: false });
    await github.createRepo(manifestRepo);
    github.setPermission(codeRepo, 'dev', 'write');
    github.setPermission(manifestRepo, 'dev', 'write');
    for (const branch of ['dev', 'stg', 'prd']) await github.seed.setBranch(manifestRepo, branch, 'main');
    await github.seed.commitFiles(codeRepo, 'main', { '.github/ladder.yml': defaultServiceConfig('checkout', manifestRepo, 'deploy/templates'), 'deploy/templates/configmap.yaml.hbs': template }, { silent: true });
    await github.seed.commitFiles(manifestRepo, 'main', { '.ladder/services.yml': grants }, { silent: true });
    await github.seed.commitFiles(manifestRepo, 'dev', { 'cart/configmap-cart.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cart\n  namespace: ${secrets.cartNamespace}\ndata:\n  note: ${secrets.devFile}\n` }, { silent: true });
    // prd has run a release, so there is something to roll back to.
    await github.seed.commitFiles(manifestRepo, 'prd', { 'checkout/configmap-checkout.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: checkout\n  namespace: checkout\ndata:\n  note: ${secrets.devFile}\n` }, { silent: true });
    manifestsBefore = await manifestState();
  });

  after(() => harness.stop());

  it('her fork pull request asks for prd, cart\'s folder, cluster-admin and a file outside the templates: the App writes nothing', async () => {
    const mark = harness.github.requests.mark();
    const { data: fork } = await mallory().rest.repos.createFork(split(codeRepo));
    assert.equal(fork.full_name, 'mallory/checkout');
    await harness.github.seed.commitFiles(fork.full_name, 'evil', { '.github/ladder.yml': hostileConfig, 'deploy/templates/crb.yaml.hbs': clusterAdmin }, { from: 'main', message: 'more power' });
    hostileHead = await commitSymlink(fork.full_name, 'evil', 'deploy/templates/escape.yaml.hbs', '../../../../../../etc/passwd');
    const { data: pull } = await mallory().rest.pulls.create({ ...split(codeRepo), head: 'mallory:evil', base: 'main', title: 'Improve deployment' });
    hostilePull = pull.number;
    assert.equal(pull.head.sha, hostileHead);
    assert.equal(pull.author_association, 'FIRST_TIMER', 'mallory has no role in shop and has never committed there');
    await harness.settled();
    assert.deepEqual(manifestWrites(mark), []);
    assert.deepEqual(await manifestState(), manifestsBefore);
    assert.deepEqual(await checkRunsOf(harness, codeRepo, hostileHead), [], 'opening a pull request renders nothing');
  });

  it('her /ladder diff, unlock prd and rollback prd are refused, and her /ladder help answered, in a reply that tells her nothing she could not read', async () => {
    const mark = harness.github.requests.mark();
    await helpers.comment(codeRepo, hostilePull, 'mallory', '/ladder diff\n/ladder unlock prd\n/ladder rollback prd\n/ladder help');
    const replies = await helpers.replies(codeRepo, hostilePull);
    assert.equal(replies.length, 1, replies.join('\n---\n'));
    const [reply] = replies as [string];
    assert.match(reply, /Sorry @mallory, I did not run `\/ladder diff`: you do not have read access to `shop\/checkout-manifests`\. .*Nothing was changed\./);
    assert.match(reply, /Sorry @mallory, I did not run `\/ladder unlock prd`: you do not have write access to `shop\/checkout-manifests`\. .*Nothing was changed\./);
    assert.match(reply, /Sorry @mallory, I did not run `\/ladder rollback prd`: you do not have write access to `shop\/checkout-manifests`\. .*Nothing was changed\./);
    assert.match(reply, /Environments: `dev`, `stg`, `prd` \(only its commenters\)\./, 'help says prd is restricted, not to whom');
    for (const secret of Object.values(secrets)) assert.ok(!reply.includes(secret), `the reply leaks ${secret}:\n${reply}`);
    assert.ok(!/\bcart\b/.test(reply), `the reply names another service of the private repository:\n${reply}`);
    assert.deepEqual(manifestWrites(mark), []);
    assert.deepEqual(await manifestState(), manifestsBefore);
  });

  it("a maintainer's /ladder diff on it shows each thing the fork asks beyond the grant, at its line, and renders nothing", async () => {
    const mark = harness.github.requests.mark();
    await helpers.comment(codeRepo, hostilePull, 'dev', '/ladder diff');
    const reply = (await helpers.replies(codeRepo, hostilePull)).at(-1) ?? '';
    assert.match(reply, /The config at this pull request's head asks for more than `shop\/checkout-manifests` grants:/);
    assert.match(reply, /`\.github\/ladder\.yml:\d+:\d+ manifests\.path: is 'cart', but [^`]*gives checkout the folder 'checkout'/);
    assert.match(reply, /`\.github\/ladder\.yml:\d+:\d+ environments\[2\]\.from[^`]*evil/);
    assert.match(reply, /`\.github\/ladder\.yml:\d+:\d+ validation\.allowClusterScoped\[0\]: ClusterRoleBinding is granted to checkout in none of its environments/);
    assert.ok(!reply.includes('root:'), 'no file of the App\'s host');
    assert.deepEqual(manifestWrites(mark), []);
    assert.deepEqual(await manifestState(), manifestsBefore);
  });

  it('the template that is a symbolic link is refused at its path when the config is allowed, without being rendered', async () => {
    const fork = 'mallory/checkout';
    await harness.github.seed.commitFiles(fork, 'evil', { '.github/ladder.yml': defaultServiceConfig('checkout', manifestRepo, 'deploy/templates'), 'deploy/templates/crb.yaml.hbs': null });
    await harness.settled();
    const mark = harness.github.requests.mark();
    await helpers.comment(codeRepo, hostilePull, 'dev', '/ladder diff');
    const reply = (await helpers.replies(codeRepo, hostilePull)).at(-1) ?? '';
    assert.match(reply, /deploy\/templates\/escape\.yaml\.hbs: is a symbolic link/);
    assert.ok(!reply.includes('root:') && !reply.includes('etc/passwd'), `neither the link's target nor a host file:\n${reply}`);
    assert.deepEqual(manifestWrites(mark), []);
  });

  it("a maintainer merges a harmless pull request from her fork: main's config promotes it to dev, in checkout's folder, and nothing else", async () => {
    const fork = 'mallory/checkout';
    await harness.github.seed.commitFiles(fork, 'typo', { 'README.md': 'checkout, fixed\n' }, { from: 'main', message: 'Fix a typo' });
    const { data: pull } = await mallory().rest.pulls.create({ ...split(codeRepo), head: 'mallory:typo', base: 'main', title: 'Fix a typo' });
    await harness.settled();
    const { data: merged } = await userOctokit(harness.github, 'dev').rest.pulls.merge({ ...split(codeRepo), pull_number: pull.number });
    await harness.settled();
    const [promotion, ...others] = await pullsInto(harness.github, manifestRepo, 'dev', 'all');
    assert.equal(others.length, 0);
    assert.equal(promotion?.head.ref, 'ladder/checkout/dev');
    assert.ok(promotion?.merged_at, 'dev auto-merges, as the grant and main\'s config say');
    const rendered = (await harness.github.seed.readFile(manifestRepo, 'dev', 'checkout/configmap-checkout.yaml'))?.toString() ?? '';
    assert.match(rendered, new RegExp(`image: registry\\.example\\.com/shop/checkout:${merged.sha}\n`));
    assert.equal((await harness.github.seed.readFile(manifestRepo, 'dev', 'checkout/clusterrolebinding-pwn.yaml')), null);
    assert.equal((await harness.github.seed.readFile(manifestRepo, 'dev', 'cart/configmap-cart.yaml'))?.toString().includes(secrets.devFile), true, "cart's folder is untouched");
    for (const env of ['stg', 'prd']) assert.deepEqual(await pullsInto(harness.github, manifestRepo, env, 'all'), [], `nothing reaches ${env}`);
    const after = await manifestState();
    assert.equal(after.heads['prd'], manifestsBefore.heads['prd']);
    assert.equal((await mallory().rest.pulls.get({ ...split(codeRepo), pull_number: hostilePull })).data.state, 'open', 'her hostile pull request is still only a pull request');
  });

  /** A symbolic link committed through the git data API, as `git push` of one would. */
  async function commitSymlink(fork: string, branch: string, path: string, target: string): Promise<string> {
    const client = mallory();
    const { owner, repo } = split(fork);
    const { data: ref } = await client.rest.git.getRef({ owner, repo, ref: `heads/${branch}` });
    const { data: parent } = await client.rest.git.getCommit({ owner, repo, commit_sha: ref.object.sha });
    const { data: blob } = await client.rest.git.createBlob({ owner, repo, content: target, encoding: 'utf-8' });
    const { data: tree } = await client.rest.git.createTree({ owner, repo, base_tree: parent.tree.sha, tree: [{ path, mode: '120000', type: 'blob', sha: blob.sha }] });
    const { data: commit } = await client.rest.git.createCommit({ owner, repo, message: 'a template', tree: tree.sha, parents: [parent.sha] });
    await client.rest.git.updateRef({ owner, repo, ref: `heads/${branch}`, sha: commit.sha });
    return commit.sha;
  }
});
