import type { ManifestChanges } from '../../core/promotion/changes.js';
import type { ComparedFile } from '../../core/promotion/summary.js';
import { parseTrailers, type LadderTrailers } from '../../core/promotion/trailers.js';
import { isNotFound, isUnprocessable } from './errors.js';
import type { GitHubClient, RepoRef } from './types.js';

/** Git Data API reads and writes on a manifest repository: refs, trees, commits. */

export interface GitCommit {
  sha: string;
  tree: string;
  parents: string[];
  message: string;
}

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
 * Every blob of a commit's tree, path → object id, in one recursive read,
 * plus the tree's own id (the base of the next tree). The id comes from the
 * commit, not from the tree answer: asked for a commit, GitHub may echo the
 * commit's sha as the tree's, and `base_tree` must be a tree.
 */
export async function readBlobIds(octokit: GitHubClient, repo: RepoRef, commitSha: string): Promise<{ tree: string; blobs: Map<string, string> }> {
  const [{ data }, commit] = await Promise.all([
    octokit.rest.git.getTree({ ...repo, tree_sha: commitSha, recursive: 'true' }),
    octokit.rest.git.getCommit({ ...repo, commit_sha: commitSha }),
  ]);
  if (data.truncated) {
    // GitHub cuts recursive trees at 100,000 entries; deletions could then be missed.
    throw new Error(`the tree of ${repo.owner}/${repo.repo}@${commitSha.slice(0, 12)} is too large to read in one request`);
  }
  const blobs = new Map<string, string>();
  for (const entry of data.tree) if (entry.type === 'blob' && entry.path && entry.sha) blobs.set(entry.path, entry.sha);
  return { tree: commit.data.tree.sha, blobs };
}

/** One `POST git/trees` over `baseTree` with every change inline; one `POST git/commits`. */
export async function writeCommit(
  octokit: GitHubClient,
  repo: RepoRef,
  input: { baseTree: string; edits: ManifestChanges['edits']; parents: string[]; message: string },
): Promise<{ sha: string; tree: string }> {
  const tree = await octokit.rest.git.createTree({
    ...repo,
    base_tree: input.baseTree,
    // `sha: null` deletes a path.
    tree: input.edits.map((edit) => ({ ...edit })),
  });
  const commit = await octokit.rest.git.createCommit({ ...repo, message: input.message, tree: tree.data.sha, parents: input.parents });
  return { sha: commit.data.sha, tree: tree.data.sha };
}

/**
 * Moves `branch` to `sha` as a compare-and-swap: creates it when `expected`
 * is undefined, else a non-forced update, which GitHub accepts only as a fast
 * forward — `sha` has the current head as a parent, so it fails exactly when
 * someone else moved the branch since we read it. A retried request that
 * already took effect ("Reference already exists" with our sha) counts as done.
 */
export async function swapBranch(octokit: GitHubClient, repo: RepoRef, branch: string, expected: string | undefined, sha: string): Promise<'moved' | 'lost'> {
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
 * The Ladder version on a branch: the newest of the last 30 commits touching
 * `path` whose message carries Ladder's trailers for this service and
 * environment. Human merge commits have none; the Ladder commit they merged is
 * listed too.
 */
export async function deployedVersion(
  octokit: GitHubClient,
  repo: RepoRef,
  branch: string,
  path: string,
  match: { service: string; environment: string },
): Promise<LadderTrailers | undefined> {
  try {
    const { data } = await octokit.rest.repos.listCommits({ ...repo, sha: branch, ...(path ? { path } : {}), per_page: 30 });
    for (const commit of data) {
      const trailers = parseTrailers(commit.commit.message);
      if (trailers && trailers.service === match.service && trailers.environment === match.environment) return trailers;
    }
    return undefined;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** Files changed from `base` to `head` with their patches: one compare request whatever the count (GitHub lists up to 300). */
export async function comparedFiles(octokit: GitHubClient, repo: RepoRef, base: string, head: string): Promise<ComparedFile[]> {
  const { data } = await octokit.rest.repos.compareCommitsWithBasehead({ ...repo, basehead: `${base}...${head}`, per_page: 1 });
  return (data.files ?? []).map((f) => ({
    filename: f.filename,
    status: f.status,
    additions: f.additions,
    deletions: f.deletions,
    ...(f.patch === undefined ? {} : { patch: f.patch }),
  }));
}
