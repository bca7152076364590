import { findVersion, rollbackCandidates, versionsOf, type HistoryEntry, type LadderVersionEntry } from '../../core/commands/rollback-history.js';
import { rollbackCommitMessage, rollbackPullRequestBody, rollbackTitle, type RollbackPlan } from '../../core/commands/rollback-text.js';
import { rollbackBranch } from '../../core/promotion/branch.js';
import { parseTrailers } from '../../core/promotion/trailers.js';
import type { GitHubClient, RepoRef } from './types.js';

export interface RollbackRequest {
  manifestRepo: RepoRef;
  service: string;
  environment: string;
  /** The environment's manifest branch. */
  branch: string;
  /** `manifests.path` of the service ('' = the whole branch). */
  path: string;
  /** `to <sha>`: a manifest or code commit, full or abbreviated. */
  target?: string;
  requestedBy: string;
}

export type RollbackOutcome =
  | {
      kind: 'opened' | 'updated';
      pullRequest: { number: number; url: string; headSha: string };
      plan: RollbackPlan;
      /** The Ladder commit of the restored version (its promotion PR's head, where its validation ran). */
      versionCommit: string;
    }
  | { kind: 'unchanged' | 'not-found'; message: string };

/** How far back a rollback looks: up to five pages of 100 commits of the environment branch. */
const pageSize = 100;
const historyPages = 5;
const historyDepth = pageSize * historyPages;

/**
 * Opens (or updates) the pull request that rolls `environment` back. Its
 * one commit has ONE tree: the branch as it is, with `path` pointing at the
 * subtree of the restored commit (or that commit's root tree when `path` is
 * empty), so merging it restores those files byte for byte while other
 * services sharing the repository keep theirs. Git stays the truth: the
 * rollback is reviewed and gated like any promotion.
 */
export async function openRollback(octokit: GitHubClient, request: RollbackRequest): Promise<RollbackOutcome> {
  const repo = request.manifestRepo;
  const head = await branchHead(octokit, repo, request.branch);
  if (!head) return { kind: 'not-found', message: `the manifest repository has no branch \`${request.branch}\`` };
  // The newest page of history usually holds the answer; older pages are read only when it does not.
  const history: HistoryEntry[] = [];
  let chosen: Chosen | undefined;
  for (let page = 1; page <= historyPages; page++) {
    const { data: commits } = await octokit.rest.repos.listCommits({ ...repo, sha: head, per_page: pageSize, page });
    history.push(...commits.map((c) => {
      const trailers = parseTrailers(c.commit.message);
      return trailers ? { sha: c.sha, trailers } : { sha: c.sha };
    }));
    chosen = request.target ? await namedVersion(octokit, request, history) : await previousVersion(octokit, request, history);
    if (!('message' in chosen) || commits.length < pageSize) break;
  }
  if (!chosen || 'message' in chosen) return { kind: 'not-found', message: chosen?.message ?? 'no history' };

  const headTree = await treeOf(octokit, repo, head);
  const fromTree = await treeOf(octokit, repo, chosen.fromCommit);
  const restored = await subtree(octokit, repo, fromTree, request.path);
  if (!restored) return { kind: 'not-found', message: `${chosen.fromCommit.slice(0, 7)} has no \`${request.path}\` to restore` };
  if (restored === (await subtree(octokit, repo, headTree, request.path))) {
    return { kind: 'unchanged', message: `\`${request.branch}\` already has exactly the content of ${chosen.fromCommit.slice(0, 7)}` };
  }

  const current = versionsOf(history, request.service)[0]?.trailers;
  const plan: RollbackPlan = {
    service: request.service,
    environment: request.environment,
    branch: request.branch,
    fromCommit: chosen.fromCommit,
    restored: chosen.version.trailers,
    ...(current ? { current } : {}),
    path: request.path,
    requestedBy: request.requestedBy,
    why: chosen.why,
  };
  const tree = request.path
    ? (await octokit.rest.git.createTree({ ...repo, base_tree: headTree, tree: [{ path: request.path, mode: '040000', type: 'tree', sha: restored }] })).data.sha
    : restored;
  const { data: commit } = await octokit.rest.git.createCommit({ ...repo, message: rollbackCommitMessage(plan), tree, parents: [head] });
  const branch = rollbackBranch(request.service, request.environment);
  const created = await forceBranch(octokit, repo, branch, commit.sha);
  let pull: { number: number; url: string; created: boolean };
  try {
    pull = await openOrUpdatePull(octokit, repo, { head: branch, base: request.branch, title: rollbackTitle(plan), body: rollbackPullRequestBody(plan) });
  } catch (error) {
    // Never leave a rollback branch without its pull request behind.
    if (created) await octokit.rest.git.deleteRef({ ...repo, ref: `heads/${branch}` }).catch(() => undefined);
    throw error;
  }
  return { kind: pull.created ? 'opened' : 'updated', pullRequest: { number: pull.number, url: pull.url, headSha: commit.sha }, plan, versionCommit: chosen.version.sha };
}

type Chosen = { version: LadderVersionEntry; fromCommit: string; why: string } | { message: string };

async function namedVersion(octokit: GitHubClient, request: RollbackRequest, history: HistoryEntry[]): Promise<Chosen> {
  const target = request.target!;
  const found = findVersion(history, request.service, target);
  if (found && 'ambiguous' in found) {
    return { message: `\`${target}\` matches several code commits (${found.ambiguous.map((s) => s.slice(0, 10)).join(', ')}); give more of the sha` };
  }
  if (found) {
    const why = found.match === 'manifest' ? `manifest commit ${target}, as asked` : `the version built from code commit ${target}, as asked`;
    return { version: found.version, fromCommit: found.version.sha, why };
  }
  return {
    message: `no commit \`${target}\` in the history of \`${request.branch}\` (its last ${historyDepth} commits at most), and no ${request.service} version there built from a code commit \`${target}\``,
  };
}

/**
 * The previous version, preferring one GitHub Deployments record as
 * successfully deployed to this environment (restoring exactly the commit
 * that was deployed); without deployment records, the previous version on
 * the branch.
 */
async function previousVersion(octokit: GitHubClient, request: RollbackRequest, history: HistoryEntry[]): Promise<Chosen> {
  const candidates = rollbackCandidates(history, request.service);
  const first = candidates[0];
  if (!first) return { message: `\`${request.branch}\` has no earlier ${request.service} version to roll back to` };
  const repo = request.manifestRepo;
  const { data: deployments } = await octokit.rest.repos.listDeployments({ ...repo, environment: request.environment, per_page: 30 });
  const bySource = new Map(candidates.map((c) => [c.trailers.sourceSha, c]));
  for (const deployment of deployments) {
    const version = versionAt(history, request.service, deployment.sha);
    if (!version || !bySource.has(version.trailers.sourceSha)) continue;
    const { data: statuses } = await octokit.rest.repos.listDeploymentStatuses({ ...repo, deployment_id: deployment.id, per_page: 100 });
    if (!statuses.some((s) => s.state === 'success')) continue;
    return { version, fromCommit: deployment.sha, why: `the last successful deployment of the previous version, ${deployment.sha.slice(0, 7)}` };
  }
  const note = deployments.length > 0 ? '; no successful deployment of it is recorded' : '';
  return { version: first, fromCommit: first.sha, why: `the previous version on \`${request.branch}\`${note}` };
}

/** The service's version at a commit of the history: the first Ladder commit at or below it. */
function versionAt(history: HistoryEntry[], service: string, sha: string): LadderVersionEntry | undefined {
  const index = history.findIndex((entry) => entry.sha === sha);
  if (index < 0) return undefined;
  const entry = history.slice(index).find((e) => e.trailers?.service === service);
  return entry?.trailers ? { sha: entry.sha, trailers: entry.trailers } : undefined;
}

async function branchHead(octokit: GitHubClient, repo: RepoRef, branch: string): Promise<string | undefined> {
  try {
    return (await octokit.rest.git.getRef({ ...repo, ref: `heads/${branch}` })).data.object.sha;
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw error;
  }
}

async function treeOf(octokit: GitHubClient, repo: RepoRef, commit: string): Promise<string> {
  return (await octokit.rest.git.getCommit({ ...repo, commit_sha: commit })).data.tree.sha;
}

/** The tree at `path` under `root` ('' is the root itself), one request per path segment. */
async function subtree(octokit: GitHubClient, repo: RepoRef, root: string, path: string): Promise<string | undefined> {
  let sha = root;
  for (const segment of path.split('/').filter(Boolean)) {
    const { data } = await octokit.rest.git.getTree({ ...repo, tree_sha: sha });
    const entry = data.tree.find((e) => e.path === segment && e.type === 'tree');
    if (!entry?.sha) return undefined;
    sha = entry.sha;
  }
  return sha;
}

/**
 * Points `branch` at `sha`, creating it when missing (true when created);
 * the rollback branch is Ladder's own, so force is right.
 */
async function forceBranch(octokit: GitHubClient, repo: RepoRef, branch: string, sha: string): Promise<boolean> {
  try {
    await octokit.rest.git.updateRef({ ...repo, ref: `heads/${branch}`, sha, force: true });
    return false;
  } catch (error) {
    if (statusOf(error) !== 422 && statusOf(error) !== 404) throw error;
    await octokit.rest.git.createRef({ ...repo, ref: `refs/heads/${branch}`, sha });
    return true;
  }
}

async function openOrUpdatePull(
  octokit: GitHubClient,
  repo: RepoRef,
  pull: { head: string; base: string; title: string; body: string },
): Promise<{ number: number; url: string; created: boolean }> {
  const { data: open } = await octokit.rest.pulls.list({ ...repo, state: 'open', head: `${repo.owner}:${pull.head}`, base: pull.base });
  const existing = open[0];
  if (existing) {
    await octokit.rest.pulls.update({ ...repo, pull_number: existing.number, title: pull.title, body: pull.body });
    return { number: existing.number, url: existing.html_url, created: false };
  }
  const { data } = await octokit.rest.pulls.create({ ...repo, ...pull });
  return { number: data.number, url: data.html_url, created: true };
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}
