import type { GitHub, ManifestRepo } from '../../adapters/github/port.js';
import type { RepoRef } from '../../adapters/github/types.js';
import { findVersion, rollbackCandidates, versionsOf, type HistoryEntry, type LadderVersionEntry } from '../../core/commands/rollback-history.js';
import { rollbackCommitMessage, rollbackPullRequestBody, rollbackTitle, type RollbackPlan } from '../../core/commands/rollback-text.js';
import { rollbackBranch } from '../../core/promotion/branch.js';
import { rollbackCheckRun, validateCheckName } from '../../core/promotion/check-runs.js';
import { publish } from '../promotion/reports.js';

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
 * rollback is reviewed and gated like any promotion. Its `ladder/validate`
 * says whether the restored bytes were validated when first promoted.
 */
export async function openRollback(github: GitHub, request: RollbackRequest): Promise<RollbackOutcome> {
  const manifests = github.manifestRepo(request.manifestRepo);
  const head = await manifests.branchHead(request.branch);
  if (!head) return { kind: 'not-found', message: `the manifest repository has no branch \`${request.branch}\`` };
  // The newest page of history usually holds the answer; older pages are read only when it does not.
  const history: HistoryEntry[] = [];
  let chosen: Chosen | undefined;
  for (let page = 1; page <= historyPages; page++) {
    const commits = await manifests.history(head, page, pageSize);
    history.push(...commits);
    chosen = request.target ? namedVersion(request, history) : await previousVersion(github, request, history);
    if (!('message' in chosen) || commits.length < pageSize) break;
  }
  if (!chosen || 'message' in chosen) return { kind: 'not-found', message: chosen?.message ?? 'no history' };

  const restored = await manifests.subtree(chosen.fromCommit, request.path);
  if (!restored) return { kind: 'not-found', message: `${chosen.fromCommit.slice(0, 7)} has no \`${request.path}\` to restore` };
  if (restored === (await manifests.subtree(head, request.path))) {
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
  const tree = request.path ? await manifests.writeTree(await manifests.treeOf(head), [{ path: request.path, mode: '040000', type: 'tree', sha: restored }]) : restored;
  const commit = await manifests.writeCommit({ tree, parents: [head], message: rollbackCommitMessage(plan) });
  const branch = rollbackBranch(request.service, request.environment);
  const created = await manifests.forceBranch(branch, commit);
  let pull: { number: number; url: string; created: boolean };
  try {
    pull = await openOrUpdatePull(github, request.manifestRepo, { head: branch, base: request.branch, title: rollbackTitle(plan), body: rollbackPullRequestBody(plan) });
  } catch (error) {
    // Never leave a rollback branch without its pull request behind.
    if (created) await manifests.deleteBranch(branch);
    throw error;
  }
  await publishRollbackCheck(github, manifests, { headSha: commit, versionCommit: chosen.version.sha, fromCommit: chosen.fromCommit, environment: request.environment });
  return { kind: pull.created ? 'opened' : 'updated', pullRequest: { number: pull.number, url: pull.url, headSha: commit }, plan, versionCommit: chosen.version.sha };
}

type Chosen = { version: LadderVersionEntry; fromCommit: string; why: string } | { message: string };

function namedVersion(request: RollbackRequest, history: HistoryEntry[]): Chosen {
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
async function previousVersion(github: GitHub, request: RollbackRequest, history: HistoryEntry[]): Promise<Chosen> {
  const candidates = rollbackCandidates(history, request.service);
  const first = candidates[0];
  if (!first) return { message: `\`${request.branch}\` has no earlier ${request.service} version to roll back to` };
  const bySource = new Map(candidates.map((c) => [c.trailers.sourceSha, c]));
  const deployed = await github.deployments(request.manifestRepo).find({
    environment: request.environment,
    newest: 30,
    // Only deployments of a candidate version are worth reading statuses for.
    sha: (sha) => bySource.has(versionAt(history, request.service, sha)?.trailers.sourceSha ?? ''),
    state: (state) => state === 'success',
    statuses: 'any',
  });
  if (deployed.match) {
    const version = versionAt(history, request.service, deployed.match.sha)!;
    return { version, fromCommit: deployed.match.sha, why: `the last successful deployment of the previous version, ${deployed.match.sha.slice(0, 7)}` };
  }
  const note = deployed.listed > 0 ? '; no successful deployment of it is recorded' : '';
  return { version: first, fromCommit: first.sha, why: `the previous version on \`${request.branch}\`${note}` };
}

/** The service's version at a commit of the history: the first Ladder commit at or below it. */
function versionAt(history: HistoryEntry[], service: string, sha: string): LadderVersionEntry | undefined {
  const index = history.findIndex((entry) => entry.sha === sha);
  if (index < 0) return undefined;
  const entry = history.slice(index).find((e) => e.trailers?.service === service);
  return entry?.trailers ? { sha: entry.sha, trailers: entry.trailers } : undefined;
}

async function openOrUpdatePull(github: GitHub, repo: RepoRef, pull: { head: string; base: string; title: string; body: string }): Promise<{ number: number; url: string; created: boolean }> {
  const pulls = github.pulls(repo);
  const existing = await pulls.findOpen(pull.head, pull.base);
  if (existing) {
    await pulls.update(existing.number, { title: pull.title, body: pull.body });
    return { number: existing.number, url: existing.url, created: false };
  }
  const opened = await pulls.open({ branch: pull.head, base: pull.base, title: pull.title, body: pull.body });
  return { number: opened.pull.number, url: opened.pull.url, created: true };
}

/**
 * The `ladder/validate` check run on a rollback PR's head, which branch
 * protection requires like on any promotion: success when the restored
 * version's own `ladder/validate` passed, neutral when none is on record.
 */
async function publishRollbackCheck(
  github: GitHub,
  manifests: ManifestRepo,
  rollback: { headSha: string; versionCommit: string; fromCommit: string; environment: string },
): Promise<void> {
  const checks = github.checks(manifests.repo);
  const validated = (await checks.runs(rollback.versionCommit, validateCheckName)).some((run) => run.conclusion === 'success');
  await publish(checks, validateCheckName, rollback.headSha, `ladder-rollback:${rollback.environment}:${rollback.headSha}`, rollbackCheckRun({ ...rollback, validated }));
}
