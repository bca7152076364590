import type { Bed } from './bed.js';
import { atLeast, roleOf } from './roles.js';
import type { Protection, PullState, RepoState, User } from './state.js';

/** The latest result per context on a commit, with the App that reported it (null for people). */
export type CheckResult = { state: 'success' | 'pending' | 'failure'; appId: number | null };

/** Latest result per status context and per check-run name on a commit. */
export function checkResults(repo: RepoState, sha: string): Map<string, CheckResult[]> {
  const latest = new Map<string, Map<number | null, CheckResult>>();
  const record = (context: string, result: CheckResult) => {
    const bySource = latest.get(context) ?? new Map<number | null, CheckResult>();
    bySource.set(result.appId, result);
    latest.set(context, bySource);
  };
  for (const status of repo.statuses.filter((s) => s.sha === sha)) {
    record(status.context, { state: status.state === 'success' ? 'success' : status.state === 'pending' ? 'pending' : 'failure', appId: status.appId });
  }
  for (const run of [...repo.checkRuns.values()].filter((r) => r.headSha === sha)) {
    const state = run.status !== 'completed' ? 'pending' : ['success', 'neutral', 'skipped'].includes(run.conclusion ?? '') ? 'success' : 'failure';
    record(run.name, { state, appId: run.appId });
  }
  return new Map([...latest].map(([context, bySource]) => [context, [...bySource.values()]]));
}

/** One state per context (any source), for `mergeable_state: unstable`. */
export function checkStates(repo: RepoState, sha: string): Map<string, 'success' | 'pending' | 'failure'> {
  const states = new Map<string, 'success' | 'pending' | 'failure'>();
  for (const [context, results] of checkResults(repo, sha)) {
    states.set(context, results.some((r) => r.state === 'failure') ? 'failure' : results.some((r) => r.state === 'pending') ? 'pending' : 'success');
  }
  return states;
}

/**
 * What branch protection on the base branch still requires before the pull
 * request may merge, in GitHub's 405 wording: required checks (from the
 * required App when one is named), approving reviews from people with write
 * access (on the current head when stale approvals are dismissed), an
 * up-to-date head, verified signatures.
 */
export async function protectionBlockers(bed: Bed, repo: RepoState, pull: PullState): Promise<string[]> {
  const protection = repo.protections.get(pull.base.ref);
  if (!protection) return [];
  const blockers: string[] = [];
  const results = checkResults(repo, pull.head.sha);
  for (const { context, appId } of protection.requiredStatusChecks?.checks ?? []) {
    const from = (results.get(context) ?? []).filter((r) => appId === null || r.appId === appId);
    if (from.length === 0) blockers.push(`Required status check "${context}" is expected.`);
    else if (from.some((r) => r.state !== 'success')) blockers.push(`Required status check "${context}" is ${from.some((r) => r.state === 'failure') ? 'failing' : 'in progress'}.`);
  }
  const required = protection.requiredReviews?.count ?? 0;
  if (required > 0 && approvals(bed, repo, pull, protection) < required) {
    blockers.push(`At least ${required} approving review${required === 1 ? ' is' : 's are'} required by reviewers with write access.`);
  }
  if (protection.requiredStatusChecks?.strict && !(await bed.git.isAncestor(repo.fullName, pull.base.sha, pull.head.sha))) {
    blockers.push('Head branch is not up to date with the base branch.');
  }
  if (protection.requiredSignatures && !(await allVerified(bed, repo, pull))) blockers.push('Commits must have verified signatures.');
  return blockers;
}

/** Distinct reviewers with write access whose latest decisive review approves (the current head's, when stale ones are dismissed). */
export function approvals(bed: Bed, repo: RepoState, pull: PullState, protection?: Protection): number {
  const latest = new Map<string, string>();
  for (const review of repo.reviews.filter((r) => r.pullNumber === pull.number)) {
    if (review.state === 'COMMENTED' || review.state === 'PENDING') continue;
    if (protection?.requiredReviews?.dismissStale && review.state === 'APPROVED' && review.commitId !== pull.head.sha) continue;
    latest.set(review.user.login.toLowerCase(), review.state);
  }
  let count = 0;
  for (const [login, state] of latest) {
    if (state === 'APPROVED' && atLeast(roleOf(bed.state, repo, bed.state.user(login)), 'write')) count += 1;
  }
  return count;
}

async function allVerified(bed: Bed, repo: RepoState, pull: PullState): Promise<boolean> {
  for (const sha of await bed.git.commitsBetween(repo.fullName, pull.base.sha, pull.head.sha)) {
    const commit = await bed.git.readCommit(repo.fullName, sha);
    if (!commit || !bed.webFlow.verification(commit).verified) return false;
  }
  return true;
}

/**
 * Whether `actor` may push to or merge into the branch: push restrictions
 * name users, teams (`org/slug`) and Apps (by slug).
 */
export function mayPush(bed: Bed, protection: Protection, actor: User, appSlug: string | undefined): boolean {
  const restrictions = protection.restrictions;
  if (!restrictions) return true;
  if (appSlug) return restrictions.apps.includes(appSlug);
  if (restrictions.users.some((login) => login.toLowerCase() === actor.login.toLowerCase())) return true;
  return restrictions.teams.some((team) => bed.state.teams.get(team.toLowerCase())?.get(actor.login.toLowerCase())?.state === 'active');
}

/** Admins pass every rule unless the protection enforces them on admins too. */
export function bypasses(bed: Bed, repo: RepoState, protection: Protection, actor: User, isApp: boolean): boolean {
  return !isApp && !protection.enforceAdmins && atLeast(roleOf(bed.state, repo, actor), 'admin');
}
