import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { startGitHubServer, type GitHubServer } from '../../bed/github/index.js';
import { installationOctokit, putBranchProtection, type BedOctokit } from '../../bed/github/clients.js';
import { rejection } from '../../bed/github/expect.js';

const owner = 'shop';
const repo = 'git-data';
const fullName = `${owner}/${repo}`;

describe('GitHub server: Git Data API (refs, trees, commits, blobs)', () => {
  let github: GitHubServer;
  let octokit: BedOctokit;
  let mainSha: string;
  let mainTree: string;

  before(async () => {
    github = await startGitHubServer();
    await github.createRepo(fullName);
    mainSha = await github.seed.commitFiles(fullName, 'main', {
      'prd/deployment.yaml': 'replicas: 3\n',
      'prd/service.yaml': 'port: 80\n',
      'stg/deployment.yaml': 'replicas: 1\n',
    });
    octokit = installationOctokit(github, fullName);
    mainTree = (await octokit.rest.git.getCommit({ owner, repo, commit_sha: mainSha })).data.tree.sha;
  });

  after(() => github.stop());

  it('creates a tree on a base tree with nested paths, replacements and deletions', async () => {
    const tree = await octokit.rest.git.createTree({
      owner,
      repo,
      base_tree: mainTree,
      tree: [
        { path: 'prd/deployment.yaml', mode: '100644', type: 'blob', content: 'replicas: 5\n' },
        { path: 'prd/service.yaml', mode: '100644', type: 'blob', sha: null },
        { path: 'stg', mode: '040000', type: 'tree', sha: null },
        { path: 'dev/a/b/config.yaml', mode: '100644', type: 'blob', content: 'deep: true\n' },
      ],
    });
    const listed = await octokit.rest.git.getTree({ owner, repo, tree_sha: tree.data.sha, recursive: '1' });
    const files = listed.data.tree.filter((e) => e.type === 'blob').map((e) => e.path);
    assert.deepEqual(files.sort(), ['README.md', 'dev/a/b/config.yaml', 'prd/deployment.yaml']);
    assert.ok(listed.data.tree.some((e) => e.type === 'tree' && e.path === 'dev/a/b'));
    const top = await octokit.rest.git.getTree({ owner, repo, tree_sha: tree.data.sha });
    assert.deepEqual(top.data.tree.map((e) => e.path), ['README.md', 'dev', 'prd']);
    const blob = listed.data.tree.find((e) => e.path === 'prd/deployment.yaml');
    const content = await octokit.rest.git.getBlob({ owner, repo, file_sha: blob?.sha ?? '' });
    assert.equal(Buffer.from(content.data.content, 'base64').toString(), 'replicas: 5\n');
  });

  it('reads the tree of a branch or commit where a tree sha is expected, echoing the name asked for as `sha`', async () => {
    const byTree = await octokit.rest.git.getTree({ owner, repo, tree_sha: mainTree });
    assert.equal(byTree.data.sha, mainTree);
    for (const asked of ['main', mainSha]) {
      const { data } = await octokit.rest.git.getTree({ owner, repo, tree_sha: asked });
      assert.deepEqual(data.tree, byTree.data.tree, `the entries of ${asked}'s tree`);
      // GitHub has been seen answering with the requested value; a client must take the tree's
      // sha from the commit (`tree.sha`), which is right whichever GitHub does.
      assert.equal(data.sha, asked);
    }
    github.contract.assertClean();
  });

  it('takes only a tree as base_tree: a commit or branch is refused with 422, as on GitHub', async () => {
    for (const base of [mainSha, 'main']) {
      const refused = await rejection(octokit.rest.git.createTree({ owner, repo, base_tree: base, tree: [{ path: 'n.txt', mode: '100644', type: 'blob', content: 'n' }] }));
      assert.equal(refused.status, 422, base);
      assert.equal(refused.data.message, 'base_tree is not a valid tree oid');
    }
    github.contract.assertClean();
  });

  it('refuses to delete a path that does not exist (sha: null), with or without a base tree', async () => {
    const inBase = await rejection(octokit.rest.git.createTree({ owner, repo, base_tree: mainTree, tree: [{ path: 'prd/missing.yaml', mode: '100644', type: 'blob', sha: null }] }));
    assert.equal(inBase.status, 422);
    assert.match(String(inBase.data.message), /prd\/missing\.yaml/);
    const noBase = await rejection(octokit.rest.git.createTree({ owner, repo, tree: [{ path: 'prd/deployment.yaml', mode: '100644', type: 'blob', sha: null }] }));
    assert.equal(noBase.status, 422);
    const stillThere = await octokit.rest.git.createTree({ owner, repo, base_tree: mainTree, tree: [{ path: 'prd', mode: '040000', type: 'tree', sha: null }] });
    assert.notEqual(stillThere.data.sha, mainTree, 'deleting a directory that exists works');
    github.contract.assertClean();
  });

  it('answers 409 to blobs and trees in a repository without commits', async () => {
    await github.createRepo('shop/empty', { autoInit: false });
    const blob = await rejection(octokit.rest.git.createBlob({ owner, repo: 'empty', content: 'x' }));
    const tree = await rejection(octokit.rest.git.createTree({ owner, repo: 'empty', tree: [{ path: 'x', mode: '100644', type: 'blob', content: 'x' }] }));
    assert.deepEqual([blob.status, tree.status, tree.data.message], [409, 409, 'Git Repository is empty.']);
    github.contract.assertClean();
  });

  it('refuses malformed tree entries with 422', async () => {
    const both = await rejection(
      octokit.rest.git.createTree({ owner, repo, tree: [{ path: 'x', mode: '100644', type: 'blob', sha: mainSha, content: 'x' }] }),
    );
    assert.equal(both.status, 422);
    const missing = await rejection(
      octokit.rest.git.createTree({ owner, repo, tree: [{ path: 'x', mode: '100644', type: 'blob', sha: 'f'.repeat(40) }] }),
    );
    assert.equal(missing.status, 422);
    const badPath = await rejection(
      octokit.rest.git.createTree({ owner, repo, tree: [{ path: '/abs', mode: '100644', type: 'blob', content: 'x' }] }),
    );
    assert.equal(badPath.status, 422);
  });

  it('stores blobs in base64 and utf-8 byte for byte', async () => {
    const bytes = Buffer.from([0, 1, 2, 250, 255]);
    const binary = await octokit.rest.git.createBlob({ owner, repo, content: bytes.toString('base64'), encoding: 'base64' });
    const read = await octokit.rest.git.getBlob({ owner, repo, file_sha: binary.data.sha });
    assert.deepEqual(Buffer.from(read.data.content, 'base64'), bytes);
    assert.equal(read.data.size, 5);
    const text = await octokit.rest.git.createBlob({ owner, repo, content: 'héllo\n' });
    // git's own object id for these bytes: the server writes real git objects.
    const bytesOfText = Buffer.from('héllo\n');
    const gitId = createHash('sha1').update(`blob ${bytesOfText.length}\0`).update(bytesOfText).digest('hex');
    assert.equal(text.data.sha, gitId);
    assert.equal(Buffer.from((await octokit.rest.git.getBlob({ owner, repo, file_sha: text.data.sha })).data.content, 'base64').toString(), 'héllo\n');
    assert.equal((await rejection(octokit.rest.git.getBlob({ owner, repo, file_sha: '0'.repeat(40) }))).status, 404);
  });

  it('creates commits with the given author and dates, and validates tree and parents', async () => {
    const tree = await octokit.rest.git.createTree({ owner, repo, base_tree: mainTree, tree: [{ path: 'n.txt', mode: '100644', type: 'blob', content: 'n' }] });
    const author = { name: 'Release Bot', email: 'release@example.com', date: '2024-05-01T12:00:00Z' };
    const commit = await octokit.rest.git.createCommit({ owner, repo, message: 'msg', tree: tree.data.sha, parents: [mainSha], author });
    assert.deepEqual(commit.data.author, author);
    assert.deepEqual(commit.data.committer, author);
    assert.deepEqual(commit.data.parents.map((p) => p.sha), [mainSha]);
    const fetched = await octokit.rest.git.getCommit({ owner, repo, commit_sha: commit.data.sha });
    assert.equal(fetched.data.message, 'msg');
    const badTree = await rejection(octokit.rest.git.createCommit({ owner, repo, message: 'm', tree: mainSha, parents: [] }));
    assert.equal(badTree.status, 422);
    const badParent = await rejection(
      octokit.rest.git.createCommit({ owner, repo, message: 'm', tree: tree.data.sha, parents: ['1'.repeat(40)] }),
    );
    assert.equal(badParent.status, 422);
  });

  it('creates, fast-forwards, force-updates and deletes refs with GitHub\'s errors', async () => {
    const created = await octokit.rest.git.createRef({ owner, repo, ref: 'refs/heads/feature/x', sha: mainSha });
    assert.equal(created.status, 201);
    assert.equal(created.data.ref, 'refs/heads/feature/x');
    const again = await rejection(octokit.rest.git.createRef({ owner, repo, ref: 'refs/heads/feature/x', sha: mainSha }));
    assert.deepEqual([again.status, again.data.message], [422, 'Reference already exists']);
    const invalid = await rejection(octokit.rest.git.createRef({ owner, repo, ref: 'heads/no-refs-prefix', sha: mainSha }));
    assert.equal(invalid.status, 422);

    const ahead = await github.seed.commitFiles(fullName, 'feature/x', { 'f.txt': '1' });
    const side = await github.seed.commitFiles(fullName, 'side', { 's.txt': '1' }, { from: 'main' });
    const notFf = await rejection(octokit.rest.git.updateRef({ owner, repo, ref: 'heads/feature/x', sha: side }));
    assert.deepEqual([notFf.status, notFf.data.message], [422, 'Update is not a fast forward']);
    const forced = await octokit.rest.git.updateRef({ owner, repo, ref: 'heads/feature/x', sha: side, force: true });
    assert.equal(forced.data.object.sha, side);
    assert.notEqual(ahead, side);

    const matching = await octokit.rest.git.listMatchingRefs({ owner, repo, ref: 'heads/feat' });
    assert.deepEqual(matching.data.map((r) => r.ref), ['refs/heads/feature/x']);
    await octokit.rest.git.deleteRef({ owner, repo, ref: 'heads/feature/x' });
    assert.equal((await rejection(octokit.rest.git.getRef({ owner, repo, ref: 'heads/feature/x' }))).status, 404);
    const gone = await rejection(octokit.rest.git.deleteRef({ owner, repo, ref: 'heads/feature/x' }));
    assert.deepEqual([gone.status, gone.data.message], [422, 'Reference does not exist']);
  });

  it('never lets a ref update bypass branch protection', async () => {
    await putBranchProtection(github, fullName, 'main', { requiredApprovingReviewCount: 1 });
    const next = await github.seed.commitFiles(fullName, 'topic', { 't.txt': 't' }, { from: 'main' });
    const refused = await rejection(octokit.rest.git.updateRef({ owner, repo, ref: 'heads/main', sha: next }));
    assert.deepEqual([refused.status, refused.data.message], [422, 'Protected branch update failed for refs/heads/main.']);
  });

  it('answered every call within GitHub\'s OpenAPI description', () => github.contract.assertClean());
});

describe('GitHub server: a recursive tree too large for one answer', () => {
  it('is cut short with truncated: true beyond the limits (GitHub: 100,000 entries or 7 MB); a subtree that fits is whole', async () => {
    const github = await startGitHubServer({ trees: { maxEntries: 5 } });
    try {
      await github.createRepo('shop/large-tree');
      const files: Record<string, string> = {};
      for (const dir of ['a', 'b']) for (let i = 0; i < 3; i++) files[`${dir}/f${i}.yaml`] = `n: ${i}\n`;
      const sha = await github.seed.commitFiles('shop/large-tree', 'main', files);
      const octokit = installationOctokit(github, 'shop/large-tree');
      const whole = await octokit.rest.git.getTree({ owner: 'shop', repo: 'large-tree', tree_sha: sha, recursive: '1' });
      assert.equal(whole.data.truncated, true);
      assert.equal(whole.data.tree.length, 5);
      // Not recursive, and a subtree under the limit: whole.
      const top = await octokit.rest.git.getTree({ owner: 'shop', repo: 'large-tree', tree_sha: sha });
      assert.equal(top.data.truncated, false);
      const a = top.data.tree.find((e) => e.path === 'a')!;
      const sub = await octokit.rest.git.getTree({ owner: 'shop', repo: 'large-tree', tree_sha: a.sha!, recursive: '1' });
      assert.equal(sub.data.truncated, false);
      assert.deepEqual(sub.data.tree.map((e) => e.path), ['f0.yaml', 'f1.yaml', 'f2.yaml']);
      const bytes = await startGitHubServer({ trees: { maxBytes: 600 } });
      try {
        await bytes.createRepo('shop/large-tree');
        const head = await bytes.seed.commitFiles('shop/large-tree', 'main', files);
        const cut = await installationOctokit(bytes, 'shop/large-tree').rest.git.getTree({ owner: 'shop', repo: 'large-tree', tree_sha: head, recursive: '1' });
        assert.equal(cut.data.truncated, true);
        assert.ok(cut.data.tree.length < 8 && cut.data.tree.length > 0, `${cut.data.tree.length} entries`);
      } finally {
        await bytes.stop();
      }
    } finally {
      await github.stop();
    }
  });
});
