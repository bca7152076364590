import type { ComparedFile } from '../../core/promotion/summary.js';
import { parseTrailers, type LadderTrailers } from '../../core/promotion/trailers.js';
import type { GitHubClient } from './client.js';
import { isNotFound } from './errors.js';
import type { CommitRange, LadderVersion, VersionMatch } from './port.js';
import type { RepoRef } from './types.js';

/** Commit history in Ladder's terms: comparisons, and which Ladder version (trailers) a commit carries. */

const comparePageSize = 100;

interface ListedCommit {
  sha: string;
  message: string;
  author?: string;
  parents: string[];
}

/**
 * Commits in `head` that `base` lacks, newest first: the first page (which
 * also says the total), then up to `newestPages` pages from the end. GitHub
 * pages a comparison oldest first, so past 100 commits the newest are on
 * the last pages. The first page is kept when asked, or when it is among the newest.
 */
async function compareNewestFirst(
  octokit: GitHubClient,
  repo: RepoRef,
  range: { base: string; head: string },
  newestPages: number,
  keepFirstPage: boolean,
): Promise<{ status: string; total: number; commits: ListedCommit[] }> {
  const compare = async (page: number) =>
    (await octokit.rest.repos.compareCommitsWithBasehead({ ...repo, basehead: `${range.base}...${range.head}`, per_page: comparePageSize, page })).data;
  const first = await compare(1);
  const lastPage = Math.ceil(first.total_commits / comparePageSize);
  const pages = [first.commits];
  for (let page = lastPage; page >= Math.max(2, lastPage - newestPages + 1); page--) pages.splice(1, 0, (await compare(page)).commits);
  const read = keepFirstPage || lastPage <= newestPages ? pages : pages.slice(1);
  const commits = read.flat().reverse().map((c) => ({
    sha: c.sha,
    message: c.commit.message,
    parents: c.parents.map((p) => p.sha),
    ...(c.author?.login || c.commit.author?.name ? { author: (c.author?.login ?? c.commit.author?.name)! } : {}),
  }));
  return { status: first.status, total: first.total_commits, commits };
}

/** Commits in `head` that `base` lacks, newest first (the newest 100 to 200 when there are more); undefined when either is unknown. */
export async function commitsBetween(octokit: GitHubClient, repo: RepoRef, base: string, head: string): Promise<CommitRange | undefined> {
  try {
    const { status, total, commits } = await compareNewestFirst(octokit, repo, { base, head }, 2, false);
    return { status, total, commits: commits.map(({ parents: _parents, ...commit }) => commit) };
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** Pages of a comparison read besides the first (the newest ones): with it, 1,000 commits between two deployments. */
const newestVersionPages = 9;

/**
 * Ladder versions of `environment` that reached it between two deployed
 * commits, newest per service first: a manifest repository shared by
 * services can deploy several promotions at once.
 */
export async function versionsBetween(octokit: GitHubClient, repo: RepoRef, base: string, head: string, environment: string): Promise<LadderVersion[]> {
  if (base === head) return [];
  const { commits } = await compareNewestFirst(octokit, repo, { base, head }, newestVersionPages, true);
  const versions = new Map<string, LadderVersion>();
  for (const commit of commits) {
    const trailers = parseTrailers(commit.message);
    if (!trailers || trailers.environment !== environment || versions.has(trailers.service)) continue;
    versions.set(trailers.service, { commit: commit.sha, trailers });
  }
  return [...versions.values()];
}

function matching(message: string, match: VersionMatch): LadderTrailers | undefined {
  const trailers = parseTrailers(message);
  if (!trailers) return undefined;
  if (match.service && trailers.service !== match.service) return undefined;
  if (match.environment && trailers.environment !== match.environment) return undefined;
  return trailers;
}

/**
 * The Ladder version at a deployed manifest commit. The deployed commit is
 * often a merge commit a person made (no trailers) whose second parent is
 * Ladder's commit; one listing of the newest 30 commits holds both, and
 * following second parents through it does not depend on commit dates
 * (which tie when commits are made within a second). `match` narrows to one
 * service and environment, for manifest repositories several services share:
 * then the newest matching commit in the listing counts when the walk from
 * the deployed commit passes through another service's.
 */
export async function versionAt(octokit: GitHubClient, repo: RepoRef, ref: string, match: VersionMatch = {}): Promise<LadderVersion | undefined> {
  const { data } = await octokit.rest.repos.listCommits({ ...repo, sha: ref, per_page: 30 });
  const bySha = new Map(data.map((commit) => [commit.sha, commit]));
  // `ref` may be a branch name: the listing then starts at its head.
  for (let current = bySha.get(ref) ?? data[0], steps = 0; current && steps < data.length; steps += 1) {
    const trailers = matching(current.commit.message, match);
    if (trailers) return { commit: current.sha, trailers };
    const next = current.parents[1] ?? current.parents[0];
    current = next ? bySha.get(next.sha) : undefined;
  }
  for (const commit of data) {
    const trailers = matching(commit.commit.message, match);
    if (trailers) return { commit: commit.sha, trailers };
  }
  return undefined;
}

/**
 * The Ladder version on a branch: the newest of the last 30 commits touching
 * `path` whose message carries Ladder's trailers for this service and
 * environment. Human merge commits have none; the Ladder commit they merged is
 * listed too.
 */
export async function versionOnBranch(
  octokit: GitHubClient,
  repo: RepoRef,
  branch: string,
  path: string,
  match: Required<VersionMatch>,
): Promise<LadderTrailers | undefined> {
  try {
    const { data } = await octokit.rest.repos.listCommits({ ...repo, sha: branch, ...(path ? { path } : {}), per_page: 30 });
    for (const commit of data) {
      const trailers = matching(commit.commit.message, match);
      if (trailers) return trailers;
    }
    return undefined;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** One page of the history from `head` down, each commit with its trailers. */
export async function historyPage(octokit: GitHubClient, repo: RepoRef, head: string, page: number, pageSize: number): Promise<Array<{ sha: string; trailers?: LadderTrailers }>> {
  const { data } = await octokit.rest.repos.listCommits({ ...repo, sha: head, per_page: pageSize, page });
  return data.map((c) => {
    const trailers = parseTrailers(c.commit.message);
    return trailers ? { sha: c.sha, trailers } : { sha: c.sha };
  });
}

/** Files changed from `base` to `head` with their patches: one compare request whatever the count (GitHub lists up to 300). */
export async function changedFiles(octokit: GitHubClient, repo: RepoRef, base: string, head: string): Promise<ComparedFile[]> {
  const { data } = await octokit.rest.repos.compareCommitsWithBasehead({ ...repo, basehead: `${base}...${head}`, per_page: 1 });
  return (data.files ?? []).map((f) => ({
    filename: f.filename,
    status: f.status,
    additions: f.additions,
    deletions: f.deletions,
    ...(f.patch === undefined ? {} : { patch: f.patch }),
  }));
}
