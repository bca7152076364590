import { configTooLarge, maxConfigBytes } from '../../core/limits.js';
import type { TreeEdit } from '../../core/promotion/changes.js';
import { decodeUtf8OrThrow } from '../../core/text/utf8.js';
import type { GitHubClient } from './client.js';
import { isNotFound, isUnprocessable, statusOf } from './errors.js';
import type { GitCommit, SubtreeEdit, TreeFile } from './port.js';
import type { RepoRef } from './types.js';

/** Git reads and writes shared by code and manifest repositories: refs, commits, trees, blobs. */

/** The commit a branch points at, or undefined when there is no such branch. */
export async function branchHead(octokit: GitHubClient, repo: RepoRef, branch: string): Promise<string | undefined> {
  try {
    const { data } = await octokit.rest.git.getRef({ ...repo, ref: `heads/${branch}` });
    return data.object.sha;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

export async function readCommit(octokit: GitHubClient, repo: RepoRef, sha: string): Promise<GitCommit> {
  const { data } = await octokit.rest.git.getCommit({ ...repo, commit_sha: sha });
  return { sha: data.sha, tree: data.tree.sha, parents: data.parents.map((p) => p.sha), message: data.message };
}

/**
 * Every blob of a commit's tree, path → object id, in one recursive read
 * (more when GitHub truncates it: then its subtrees are walked), plus the
 * tree's own id (the base of the next tree). The id comes from the commit,
 * not from the tree answer: asked for a commit, GitHub may echo the commit's
 * sha as the tree's, and `base_tree` must be a tree.
 */
export async function readBlobIds(octokit: GitHubClient, repo: RepoRef, commitSha: string): Promise<{ tree: string; blobs: Map<string, string> }> {
  const [commit, files] = await Promise.all([readCommit(octokit, repo, commitSha), walkTree(octokit, repo, commitSha)]);
  const blobs = new Map<string, string>();
  for (const entry of files) blobs.set(entry.path, entry.blob);
  return { tree: commit.tree, blobs };
}

/**
 * Every blob under a tree, paths relative to it. One recursive read; when
 * GitHub truncates it (over 100,000 entries or 7 MB), the tree is read one
 * level and each subtree walked the same way, so a large tree is read whole
 * in a few more requests and never passes for complete when it is not.
 */
async function walkTree(octokit: GitHubClient, repo: RepoRef, tree: string, prefix = ''): Promise<TreeFile[]> {
  const { data } = await octokit.rest.git.getTree({ ...repo, tree_sha: tree, recursive: 'true' });
  if (!data.truncated) return data.tree.filter(isBlob).map((entry) => treeFile(entry, prefix));
  const { data: level } = await octokit.rest.git.getTree({ ...repo, tree_sha: tree });
  if (level.truncated) throw new Error(`the tree ${tree.slice(0, 12)} of ${repo.owner}/${repo.repo} has too many entries in one folder for GitHub to list`);
  const files: TreeFile[] = level.tree.filter(isBlob).map((entry) => treeFile(entry, prefix));
  const subtrees = level.tree.filter((entry) => entry.type === 'tree' && entry.sha && entry.path);
  // A few at a time: each answer can be megabytes.
  for (let i = 0; i < subtrees.length; i += 4) {
    const batch = await Promise.all(subtrees.slice(i, i + 4).map((entry) => walkTree(octokit, repo, entry.sha!, `${prefix}${entry.path}/`)));
    for (const list of batch) files.push(...list);
  }
  return files;
}

type TreeEntry = { type?: string; path?: string; sha?: string; size?: number; mode?: string };

function isBlob(entry: TreeEntry): boolean {
  return entry.type === 'blob' && entry.path !== undefined && entry.sha !== undefined;
}

/** The mode is kept: a symbolic link's blob is its target path, which readers must refuse rather than read as content. */
function treeFile(entry: TreeEntry, prefix = ''): TreeFile {
  return { path: prefix + entry.path!, blob: entry.sha!, size: entry.size ?? 0, ...(entry.mode ? { mode: entry.mode } : {}) };
}

/**
 * The tree id of `path` at a commit or branch ('' is the root tree, read from
 * the commit); undefined when it is not a directory there. One request
 * whatever the depth: the root listing for a top-level folder, else a
 * contents listing of the parent.
 */
export async function subtree(octokit: GitHubClient, repo: RepoRef, ref: string, path: string): Promise<string | undefined> {
  const clean = path.replace(/^\/+|\/+$/g, '');
  const slash = clean.lastIndexOf('/');
  const parent = slash === -1 ? '' : clean.slice(0, slash);
  const name = clean.slice(slash + 1);
  try {
    if (clean === '') {
      // A tree answer may echo the commit asked for as its sha; the commit names its tree.
      const commit = /^[0-9a-f]{40}$/.test(ref) ? ref : await branchHead(octokit, repo, ref);
      return commit === undefined ? undefined : (await readCommit(octokit, repo, commit)).tree;
    }
    if (parent === '') {
      const { data } = await octokit.rest.git.getTree({ ...repo, tree_sha: ref });
      return data.tree.find((entry) => entry.path === name && entry.type === 'tree')?.sha;
    }
    const { data } = await octokit.rest.repos.getContent({ ...repo, path: parent, ref });
    if (!Array.isArray(data)) return undefined;
    return data.find((entry) => entry.name === name && entry.type === 'dir')?.sha;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/**
 * Blobs under `dir` of a commit or branch, paths relative to `dir`. The root
 * (`dir` '') is listed straight from the ref, a folder from its tree id. A
 * recursive listing GitHub cuts short is walked by subtrees; a partial set
 * never passes for the whole.
 */
export async function listFiles(octokit: GitHubClient, repo: RepoRef, ref: string, dir: string, recursive: boolean): Promise<TreeFile[] | undefined> {
  const tree = dir.replace(/^\/+|\/+$/g, '') === '' ? ref : await subtree(octokit, repo, ref, dir);
  if (tree === undefined) return undefined;
  // Recursive: walked by subtrees when GitHub truncates the answer.
  if (recursive) return walkTree(octokit, repo, tree);
  const { data } = await octokit.rest.git.getTree({ ...repo, tree_sha: tree });
  if (data.truncated) throw new Error(`the tree of ${repo.owner}/${repo.repo}@${ref.slice(0, 12)}${dir ? `:${dir}` : ''} has too many entries in one folder for GitHub to list`);
  return data.tree.filter(isBlob).map((entry) => treeFile(entry));
}

export async function readBlob(octokit: GitHubClient, repo: RepoRef, sha: string): Promise<Buffer> {
  const { data } = await octokit.rest.git.getBlob({ ...repo, file_sha: sha });
  return Buffer.from(data.content, data.encoding === 'base64' ? 'base64' : 'utf8');
}

/** A file's text at a ref, or undefined when there is no such file; a config-sized budget and UTF-8 are enforced. */
export async function readTextFile(octokit: GitHubClient, repo: RepoRef, path: string, ref?: string): Promise<string | undefined> {
  try {
    const response = await octokit.rest.repos.getContent({ ...repo, path, ...(ref ? { ref } : {}) });
    const data = response.data as { type?: string; content?: string; encoding?: string; size?: number };
    if (Array.isArray(response.data) || data.type !== 'file') return undefined;
    if ((data.size ?? 0) > maxConfigBytes) throw configTooLarge(data.size ?? 0, path);
    return decodeUtf8OrThrow(Buffer.from(data.content ?? '', 'base64'), path);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

export async function writeTree(octokit: GitHubClient, repo: RepoRef, baseTree: string, edits: readonly (TreeEdit | SubtreeEdit)[]): Promise<string> {
  const { data } = await octokit.rest.git.createTree({ ...repo, base_tree: baseTree, tree: edits.map((edit) => ({ ...edit })) });
  return data.sha;
}

export async function writeCommit(octokit: GitHubClient, repo: RepoRef, commit: { tree: string; parents: string[]; message: string }): Promise<string> {
  const { data } = await octokit.rest.git.createCommit({ ...repo, message: commit.message, tree: commit.tree, parents: commit.parents });
  return data.sha;
}

/**
 * Moves `branch` to `sha` as a compare-and-swap: creates it when `expected`
 * is undefined, else a non-forced update, which GitHub accepts only as a fast
 * forward — `sha` has the current head as a parent, so it fails exactly when
 * someone else moved the branch since we read it. A retried request that
 * already took effect ("Reference already exists" with our sha) counts as done.
 */
export async function moveBranch(octokit: GitHubClient, repo: RepoRef, branch: string, expected: string | undefined, sha: string): Promise<'moved' | 'lost'> {
  try {
    if (expected === undefined) await octokit.rest.git.createRef({ ...repo, ref: `refs/heads/${branch}`, sha });
    else await octokit.rest.git.updateRef({ ...repo, ref: `heads/${branch}`, sha, force: false });
    return 'moved';
  } catch (error) {
    if (isUnprocessable(error, /already exists|not a fast forward|does not exist|update failed/i)) {
      return (await branchHead(octokit, repo, branch)) === sha ? 'moved' : 'lost';
    }
    throw error;
  }
}

/** Points a branch of Ladder's own at `sha`, creating it when missing (true when created); force is right for it. */
export async function forceBranch(octokit: GitHubClient, repo: RepoRef, branch: string, sha: string): Promise<boolean> {
  try {
    await octokit.rest.git.updateRef({ ...repo, ref: `heads/${branch}`, sha, force: true });
    return false;
  } catch (error) {
    if (statusOf(error) !== 422 && statusOf(error) !== 404) throw error;
    await octokit.rest.git.createRef({ ...repo, ref: `refs/heads/${branch}`, sha });
    return true;
  }
}

/** Best effort: a branch left without a PR is cleaned up by the next delivery anyway. */
export async function deleteBranch(octokit: GitHubClient, repo: RepoRef, branch: string): Promise<boolean> {
  try {
    await octokit.rest.git.deleteRef({ ...repo, ref: `heads/${branch}` });
    return true;
  } catch (error) {
    return isUnprocessable(error) || isNotFound(error);
  }
}

/**
 * The head of `branch` as a bare sha, conditional on `etag`: while the
 * branch does not move GitHub answers 304, which costs no rate limit, and
 * this answers undefined.
 */
export async function pollHead(octokit: GitHubClient, repo: RepoRef, branch: string, etag: string | undefined): Promise<{ sha: string; etag: string | undefined } | undefined> {
  const headers: Record<string, string> = { accept: 'application/vnd.github.sha' };
  if (etag) headers['if-none-match'] = etag;
  try {
    // No retries: the next poll is the retry, and a slow failure would delay it.
    const response = await octokit.request('GET /repos/{owner}/{repo}/commits/{ref}', { ...repo, ref: branch, headers, request: { retries: 0 } });
    return { sha: String(response.data as unknown).trim(), etag: response.headers.etag };
  } catch (error) {
    if (statusOf(error) === 304) return undefined;
    throw error;
  }
}
