import type { DeploymentState } from '../../core/promotion/gates.js';
import { parseTrailers, type LadderTrailers } from '../../core/promotion/trailers.js';
import type { GitHubClient, RepoRef } from './types.js';

/** A GitHub deployment of a manifest commit, with its latest status. */
export interface DeploymentRecord {
  id: number;
  environment: string;
  /** The manifest commit deployed. */
  sha: string;
  createdAt: Date;
  /** The latest status's state; `pending` when the deployment has none yet (as GitHub reports it). */
  state: DeploymentState;
  /** When the latest status was written (the deployment's creation when none). */
  stateAt: Date;
  description: string;
}

/** The newest deployment to `environment` on the manifest repo, or undefined when there has been none. */
export async function latestDeployment(octokit: GitHubClient, repo: RepoRef, environment: string): Promise<DeploymentRecord | undefined> {
  const { data } = await octokit.rest.repos.listDeployments({ ...repo, environment, per_page: 1 });
  const deployment = data[0];
  if (!deployment) return undefined;
  const statuses = await octokit.rest.repos.listDeploymentStatuses({ ...repo, deployment_id: deployment.id, per_page: 1 });
  const status = statuses.data[0];
  return {
    id: deployment.id,
    environment,
    sha: deployment.sha,
    createdAt: new Date(deployment.created_at),
    state: status ? (status.state as DeploymentState) : 'pending',
    stateAt: new Date(status ? status.created_at : deployment.created_at),
    description: status?.description ?? '',
  };
}

/** What Ladder deployed: its trailers and the commit that carries them. */
export interface LadderVersion {
  /** The commit whose message has the trailers (the deployed commit, or the Ladder commit a merge brought in). */
  commit: string;
  trailers: LadderTrailers;
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
export async function ladderVersionAt(
  octokit: GitHubClient,
  repo: RepoRef,
  sha: string,
  match: { service?: string; environment?: string } = {},
): Promise<LadderVersion | undefined> {
  const { data } = await octokit.rest.repos.listCommits({ ...repo, sha, per_page: 30 });
  const matching = (message: string): LadderTrailers | undefined => {
    const trailers = parseTrailers(message);
    if (!trailers) return undefined;
    if (match.service && trailers.service !== match.service) return undefined;
    if (match.environment && trailers.environment !== match.environment) return undefined;
    return trailers;
  };
  const bySha = new Map(data.map((commit) => [commit.sha, commit]));
  // `sha` may be a branch name: the listing then starts at its head.
  for (let current = bySha.get(sha) ?? data[0], steps = 0; current && steps < data.length; steps += 1) {
    const trailers = matching(current.commit.message);
    if (trailers) return { commit: current.sha, trailers };
    const next = current.parents[1] ?? current.parents[0];
    current = next ? bySha.get(next.sha) : undefined;
  }
  for (const commit of data) {
    const trailers = matching(commit.commit.message);
    if (trailers) return { commit: commit.sha, trailers };
  }
  return undefined;
}

/** The tree of a commit (`GET git/commits/{sha}`): equal trees mean equal content, whatever the history. */
export async function commitTree(octokit: GitHubClient, repo: RepoRef, sha: string): Promise<string> {
  const { data } = await octokit.rest.git.getCommit({ ...repo, commit_sha: sha });
  return data.tree.sha;
}

/**
 * The newest deployment of `environment` older than deployment `beforeId`
 * that succeeded (`success`, or `inactive` once a later success replaced
 * it). Looks at the ten newest deployments at most.
 */
export async function previousSuccessfulDeployment(
  octokit: GitHubClient,
  repo: RepoRef,
  environment: string,
  beforeId: number,
): Promise<{ id: number; sha: string } | undefined> {
  const { data } = await octokit.rest.repos.listDeployments({ ...repo, environment, per_page: 10 });
  const older = data.slice(data.findIndex((deployment) => deployment.id === beforeId) + 1);
  if (older.length === data.length) return undefined;
  for (const deployment of older) {
    const { data: statuses } = await octokit.rest.repos.listDeploymentStatuses({ ...repo, deployment_id: deployment.id, per_page: 1 });
    const state = statuses[0]?.state;
    if (state === 'success' || state === 'inactive') return { id: deployment.id, sha: deployment.sha };
  }
  return undefined;
}

const comparePageSize = 100;
/** Pages of a comparison read at most (the newest ones): 1,000 commits between two deployments. */
const maxComparePages = 10;

/**
 * Ladder versions of `environment` that reached it between two deployed
 * commits, newest per service first: a manifest repository shared by
 * services can deploy several promotions at once. One compare request, more
 * only past 100 commits: GitHub pages a comparison oldest first, so the
 * newest versions are on its last pages.
 */
export async function ladderVersionsBetween(octokit: GitHubClient, repo: RepoRef, base: string, head: string, environment: string): Promise<LadderVersion[]> {
  if (base === head) return [];
  const compare = async (page: number) =>
    (await octokit.rest.repos.compareCommitsWithBasehead({ ...repo, basehead: `${base}...${head}`, per_page: comparePageSize, page })).data;
  const first = await compare(1);
  const lastPage = Math.ceil(first.total_commits / comparePageSize);
  // Newest first: the last pages down, then the first page already read.
  const newestFirst: typeof first.commits = [];
  for (let page = lastPage; page >= Math.max(2, lastPage - maxComparePages + 2); page--) newestFirst.push(...[...(await compare(page)).commits].reverse());
  newestFirst.push(...[...first.commits].reverse());
  const versions = new Map<string, LadderVersion>();
  for (const commit of newestFirst) {
    const trailers = parseTrailers(commit.commit.message);
    if (!trailers || trailers.environment !== environment || versions.has(trailers.service)) continue;
    versions.set(trailers.service, { commit: commit.sha, trailers });
  }
  return [...versions.values()];
}
