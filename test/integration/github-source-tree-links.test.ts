// Issue 15 follow-up: a chart or kustomize tree read through GitHub (src/adapters/github/source-tree.ts)
// with symbolic links in it, committed as git pushes them (a tree entry of mode 120000 whose blob is
// the target path; test/bed/github/seed.ts). A link that stays inside the tree becomes a copy of its
// target, counted in the budget as one; a link out of the tree, to a directory, to nothing or round
// in a loop is refused, naming the link, as `ladder render` refuses it on disk.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createGitHubClient } from '../../src/adapters/github/client.js';
import { BlobCache } from '../../src/adapters/github/code-repo.js';
import { createGitHub } from '../../src/adapters/github/github.js';
import type { CodeRepo } from '../../src/adapters/github/port.js';
import { LadderInputError } from '../../src/core/errors.js';
import { startGitHubServer, type GitHubServer } from '../bed/github/index.js';
import type { SeedFile } from '../bed/github/seed.js';

const fullName = 'shop/links-code';
const at = { configFile: '.github/ladder.yml', key: 'manifests.helm.chart' };
const chart = { 'deploy/chart/Chart.yaml': 'apiVersion: v2\nname: links\nversion: 0.1.0\n', 'deploy/chart/files/cm.yaml': 'kind: ConfigMap\n' };
let bed: GitHubServer;
let code: CodeRepo;
let branches = 0;

before(async () => {
  bed = await startGitHubServer();
  await bed.createRepo(fullName);
  const client = createGitHubClient({
    baseUrl: bed.url,
    credentials: { appId: bed.app.id, privateKey: bed.app.privateKey, installationId: bed.installations.idFor(fullName) },
    policy: { retryBaseMs: 5, retries: 1, retryAfterUnitMs: 5, secondaryLimitRetries: 0 },
  });
  code = createGitHub(client, { templateBlobs: new BlobCache() }, { app: async () => ({ id: bed.app.id, login: `${bed.app.slug}[bot]` }), agentLogins: [] }).codeRepo({ owner: 'shop', repo: 'links-code' });
});
after(() => bed?.stop());

/** The chart with `files` added, on a branch of its own; the commit. */
const commit = (files: Record<string, SeedFile>) => bed.seed.commitFiles(fullName, `links-${++branches}`, { ...chart, ...files }, { from: 'main', silent: true });
const read = async (files: Record<string, SeedFile>) => code.readSourceTree(await commit(files), 'deploy/chart', at);
async function refusal(files: Record<string, SeedFile>): Promise<LadderInputError> {
  const error = await read(files).then(() => undefined, (e: unknown) => e);
  assert.ok(error instanceof LadderInputError, `refused: ${String(error)}`);
  return error;
}

describe('readSourceTree through GitHub: symbolic links', () => {
  it('a link to a file inside the chart, directly or through another link, is read as a copy of that file', async () => {
    const tree = await read({ 'deploy/chart/templates/cm.yaml': { symlink: '../files/cm.yaml' }, 'deploy/chart/templates/again.yaml': { symlink: 'cm.yaml' } });
    const text = (path: string) => new TextDecoder().decode(tree.files.find((f) => f.path === path)?.content);
    assert.equal(text('templates/cm.yaml'), 'kind: ConfigMap\n');
    assert.equal(text('templates/again.yaml'), 'kind: ConfigMap\n');
    assert.deepEqual(tree.files.map((f) => f.path).sort(), ['Chart.yaml', 'files/cm.yaml', 'templates/again.yaml', 'templates/cm.yaml']);
  });

  it('a link out of the chart is refused, naming the link, though its target is a file of the repository', async () => {
    for (const target of ['../../../.github/ladder.yml', '../../README.md', '/etc/passwd']) {
      const error = await refusal({ 'deploy/chart/templates/x.yaml': { symlink: target } });
      assert.equal(error.message, 'deploy/chart/templates/x.yaml: is a symbolic link to something outside the directory; Ladder reads only files inside it', target);
    }
  });

  it('a link to a directory of the chart, to nothing, or round in a loop is refused', async () => {
    assert.match((await refusal({ 'deploy/chart/charts/sub': { symlink: '../files' } })).message, /^deploy\/chart\/charts\/sub: is a symbolic link to a directory; Ladder follows links only to files$/);
    assert.match((await refusal({ 'deploy/chart/templates/gone.yaml': { symlink: 'nowhere.yaml' } })).message, /^deploy\/chart\/templates\/gone\.yaml: is a symbolic link to something outside the directory/);
    assert.match((await refusal({ 'deploy/chart/a.yaml': { symlink: 'b.yaml' }, 'deploy/chart/b.yaml': { symlink: 'a.yaml' } })).message, /^deploy\/chart\/a\.yaml: is a chain of more than 8 symbolic links/);
  });

  it('links count as copies in the budget: 20 links to a 900 KiB file are refused before any of it is read', async () => {
    const links = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`deploy/chart/files/copy-${i}.bin`, { symlink: 'big.bin' }]));
    const sha = await commit({ 'deploy/chart/files/big.bin': Buffer.alloc(900 * 1024, 97), ...links });
    const mark = bed.requests.mark();
    const error = await code.readSourceTree(sha, 'deploy/chart', at).then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof LadderInputError);
    assert.equal(error.message, 'deploy/chart: holds 19 MiB; Ladder reads at most 16 MiB from a chart or kustomize tree');
    assert.equal(bed.requests.count('GET /repos/{owner}/{repo}/git/blobs/{file_sha}', mark), 1, 'only the links\' one target path was read');
  });
});

it("answered and raised nothing outside GitHub's OpenAPI description", () => bed.contract.assertClean());
