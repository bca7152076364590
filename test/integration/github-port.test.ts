// The GitHub port (src/adapters/github) against the local GitHub server: the helpers that used to be
// written several times over now have one implementation each, and this pins what each answers.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createGitHubClient } from '../../src/adapters/github/client.js';
import { BlobCache } from '../../src/adapters/github/code-repo.js';
import { createGitHub } from '../../src/adapters/github/github.js';
import type { GitHub } from '../../src/adapters/github/port.js';
import { formatTrailers, type LadderTrailers } from '../../src/core/promotion/trailers.js';
import { startGitHubServer, type GitHubServer } from '../bed/github/index.js';

const manifests = { owner: 'shop', repo: 'port-manifests' };
const code = { owner: 'shop', repo: 'port-code' };
let bed: GitHubServer;
let github: GitHub;
let blobs: BlobCache;

before(async () => {
  bed = await startGitHubServer();
  await bed.createRepo('shop/port-manifests');
  await bed.createRepo('shop/port-code');
  blobs = new BlobCache();
  const client = createGitHubClient({
    baseUrl: bed.url,
    credentials: { appId: bed.app.id, privateKey: bed.app.privateKey, installationId: bed.installations.idFor('shop/port-manifests') },
    policy: { retryBaseMs: 5, retries: 1, retryAfterUnitMs: 5, secondaryLimitRetries: 0 },
  });
  // The App's own signals: deployments made with its installation token count.
  github = createGitHub(client, { templateBlobs: blobs }, { app: async () => ({ id: bed.app.id, login: `${bed.app.slug}[bot]` }), agentLogins: [] });
});
after(() => bed?.stop());

const trailers = (service: string, environment: string, n: number): LadderTrailers => ({
  service,
  environment,
  sourceRepo: 'shop/port-code',
  sourceSha: String(n).repeat(40).slice(0, 40),
  image: `registry.example.com/${service}:v${n}`,
});
const ladderCommit = (t: LadderTrailers) => `Promote ${t.service} to ${t.environment}\n\n${formatTrailers(t)}\n`;

describe('GitHub port: deployments', () => {
  it('finds the newest deployment by its latest state, older than another, or by any state it ever had', async () => {
    const deployments = github.deployments(manifests);
    const shas: string[] = [];
    for (const n of [1, 2, 3]) shas.push(await bed.seed.commitFiles('shop/port-manifests', 'stg', { [`f${n}.yaml`]: `n: ${n}\n` }, { from: 'main', silent: true }));
    const first = await deployments.start(shas[0]!, { environment: 'stg', path: '', production: false });
    await first.succeeded('applied');
    const second = await deployments.start(shas[1]!, { environment: 'stg', path: '', production: false });
    await second.failed('health timeout');
    const third = await deployments.start(shas[2]!, { environment: 'stg', path: '', production: false });

    const latest = await deployments.latest('stg');
    assert.deepEqual([latest?.id, latest?.sha, latest?.state], [third.id, shas[2], 'in_progress']);
    const success = (state: string) => state === 'success';
    assert.deepEqual((await deployments.find({ environment: 'stg', newest: 10, state: success })).match, { id: first.id, sha: shas[0] });
    assert.deepEqual((await deployments.find({ environment: 'stg', newest: 10, olderThan: second.id, state: success })).match?.id, first.id);
    assert.deepEqual(await deployments.find({ environment: 'stg', newest: 10, olderThan: 999_999, state: success }), { listed: 3 }, 'an unknown deployment has nothing older');
    assert.equal((await deployments.find({ environment: 'stg', newest: 10, state: (s) => s === 'in_progress' })).match?.id, third.id, 'the latest state only');
    const everInProgress = await deployments.find({ environment: 'stg', newest: 10, sha: (sha) => sha === shas[1], state: (s) => s === 'in_progress', statuses: 'any' });
    assert.equal(everInProgress.match?.id, second.id, 'any state it had, for the deployments the sha filter lets through');
    assert.equal(await deployments.latest('nowhere'), undefined);
  });
});

describe('GitHub port: manifest repository', () => {
  it('lists folders directly or at any depth, and finds subtrees with one request whatever the depth', async () => {
    const repo = github.manifestRepo(manifests);
    const head = await bed.seed.commitFiles('shop/port-manifests', 'dev', { 'svc/a.yaml': 'a: 1\n', 'svc/b.yml': 'b: 1\n', 'svc/deep/c.yaml': 'c: 1\n', 'top.yaml': 't: 1\n' }, { from: 'main', silent: true });
    assert.deepEqual((await repo.listFiles('dev', 'svc', { recursive: false }))?.map((f) => f.path), ['a.yaml', 'b.yml']);
    assert.deepEqual((await repo.listFiles(head, 'svc', { recursive: true }))?.map((f) => f.path).sort(), ['a.yaml', 'b.yml', 'deep/c.yaml']);
    assert.equal(await repo.listFiles('dev', 'missing', { recursive: false }), undefined);
    assert.equal(await repo.subtree('dev', ''), await repo.treeOf(head));
    const mark = bed.requests.mark();
    const deep = await repo.subtree('dev', 'svc/deep');
    assert.equal(bed.requests.count(undefined, mark), 1);
    assert.equal(await repo.subtree('dev', 'svc/a.yaml'), undefined, 'a file is not a folder');
    const [file] = (await repo.listFiles(deep!, '', { recursive: false }))!;
    assert.equal((await repo.readBlob(file!.blob)).toString('utf8'), 'c: 1\n');
  });

  it('polls a branch head with its ETag: 304 while it stays, the new head once it moves', async () => {
    const repo = github.manifestRepo(manifests);
    const sha = await bed.seed.commitFiles('shop/port-manifests', 'poll', { 'p.yaml': 'p: 1\n' }, { from: 'main', silent: true });
    const first = await repo.pollHead('poll', undefined);
    assert.equal(first?.sha, sha);
    assert.ok(first?.etag);
    assert.equal(await repo.pollHead('poll', first.etag), undefined, 'not modified');
    const next = await bed.seed.commitFiles('shop/port-manifests', 'poll', { 'p.yaml': 'p: 2\n' }, { silent: true });
    assert.equal((await repo.pollHead('poll', first.etag))?.sha, next);
  });

  it('moves a branch only as a compare-and-swap', async () => {
    const repo = github.manifestRepo(manifests);
    const base = await bed.seed.commitFiles('shop/port-manifests', 'cas-base', { 'x.yaml': 'x: 1\n' }, { from: 'main', silent: true });
    const tree = await repo.treeOf(base);
    const one = await repo.writeCommit({ tree, parents: [base], message: 'one' });
    assert.equal(await repo.moveBranch('ladder/cas/dev', undefined, one), 'moved');
    assert.equal(await repo.moveBranch('ladder/cas/dev', undefined, one), 'moved', 'a retried create that took effect');
    const sibling = await repo.writeCommit({ tree, parents: [base], message: 'sibling' });
    assert.equal(await repo.moveBranch('ladder/cas/dev', base, sibling), 'lost', 'not a fast-forward of what is there');
    assert.equal(await repo.branchHead('ladder/cas/dev'), one);
    assert.equal(await repo.deleteBranch('ladder/cas/dev'), true);
    assert.equal(await repo.branchHead('ladder/cas/dev'), undefined);
  });

  it('reads Ladder versions: at a commit through a merge, on a branch, and arrived between two commits', async () => {
    const repo = github.manifestRepo(manifests);
    const v1 = trailers('web', 'prd', 1);
    const start = await bed.seed.commitFiles('shop/port-manifests', 'prd', { 'web.yaml': 'v: 1\n' }, { from: 'main', message: ladderCommit(v1), silent: true });
    await bed.seed.commitFiles('shop/port-manifests', 'prd', { 'api.yaml': 'v: 2\n' }, { message: ladderCommit(trailers('api', 'prd', 2)), silent: true });
    const v3 = trailers('web', 'prd', 3);
    const end = await bed.seed.commitFiles('shop/port-manifests', 'prd', { 'web.yaml': 'v: 3\n' }, { message: ladderCommit(v3), silent: true });
    assert.deepEqual((await repo.versionAt(end, { service: 'web' }))?.trailers, v3);
    assert.deepEqual((await repo.versionAt(end, { service: 'api' }))?.trailers.service, 'api');
    assert.deepEqual(await repo.versionOnBranch('prd', 'web.yaml', { service: 'web', environment: 'prd' }), v3);
    const arrived = await repo.versionsBetween(start, end, 'prd');
    assert.deepEqual(arrived.map((v) => `${v.trailers.service}@${v.trailers.image}`), ['web@registry.example.com/web:v3', 'api@registry.example.com/api:v2']);
    assert.deepEqual(await repo.versionsBetween(end, end, 'prd'), []);
    const page = await repo.history(end, 1, 2);
    assert.deepEqual(page.map((c) => c.trailers?.service), ['web', 'api']);
  });
});

describe('GitHub port: code repository', () => {
  it('reads templates once per blob, and says where a folder of them is missing', async () => {
    const sha = await bed.seed.commitFiles('shop/port-code', 'main', { 'deploy/t/a.yaml.hbs': 'a\n', 'deploy/t/.hidden/b.yaml.hbs': 'b\n', 'deploy/t/README.md': '#\n' }, { silent: true });
    const repo = github.codeRepo(code);
    assert.deepEqual(await repo.readTemplates(sha, 'deploy/t', '.github/ladder.yml'), [{ path: 'a.yaml.hbs', content: 'a\n' }]);
    const mark = bed.requests.mark();
    await repo.readTemplates(sha, 'deploy/t', '.github/ladder.yml');
    assert.equal(bed.requests.count((r) => (r.route ?? '').includes('/git/blobs/'), mark), 0, 'the blob came from the cache');
    await assert.rejects(repo.readTemplates(sha, 'deploy/none', '.github/ladder.yml'), /\.github\/ladder\.yml \(manifests\.templates\): manifests\.templates: deploy\/none is not a directory in the repository/);
    assert.equal(await repo.defaultBranch(), 'main');
    assert.equal(await repo.branchHead('main'), sha);
    assert.equal(await repo.readTextFile('deploy/t/a.yaml.hbs', sha), 'a\n');
    assert.equal(await repo.readTextFile('nothing.txt'), undefined);
  });
});

it("answered and raised nothing outside GitHub's OpenAPI description", () => bed.contract.assertClean());
