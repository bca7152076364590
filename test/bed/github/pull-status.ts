import type { Bed } from './bed.js';
import { nowIso } from './bed.js';
import { mergeTrees } from './git/merge.js';
import { atLeast, roleOf } from './roles.js';
import type { PullState, RepoState } from './state.js';

/** Open pull requests follow their branches; closed ones keep the shas they had. */
export async function refreshPull(bed: Bed, repo: RepoState, pull: PullState): Promise<void> {
  if (pull.state !== 'open') return;
  const head = await bed.git.revParse(repo.fullName, `refs/heads/${pull.head.ref}^{commit}`);
  if (head) pull.head.sha = head;
  const base = await bed.git.revParse(repo.fullName, `refs/heads/${pull.base.ref}^{commit}`);
  if (base) pull.base.sha = base;
}

export interface Mergeability {
  mergeable: boolean | null;
  /** GitHub's `mergeable_state`: clean, dirty, blocked, behind, unstable, draft, unknown. */
  state: string;
  /** The test merge commit GitHub keeps at refs/pull/N/merge. */
  testMergeSha: string | null;
  /** Why branch protection refuses the merge, in GitHub's 405 wording. */
  blockers: string[];
}

/**
 * Computes mergeability synchronously (GitHub computes it in the background
 * and first answers null; Ladder polls, so answering at once is a superset).
 */
export async function mergeability(bed: Bed, repo: RepoState, pull: PullState): Promise<Mergeability> {
  if (pull.state !== 'open') return { mergeable: null, state: 'unknown', testMergeSha: null, blockers: [] };
  const merged = await mergeTrees(bed.git, repo.fullName, pull.base.sha, pull.head.sha);
  if (!merged.tree) return { mergeable: false, state: 'dirty', testMergeSha: null, blockers: [] };
  const testMergeSha = await testMerge(bed, repo, pull, merged.tree);
  const blockers = await protectionBlockers(bed, repo, pull);
  const checks = checkStates(repo, pull.head.sha);
  let state = 'clean';
  if (pull.draft) state = 'draft';
  else if (blockers.some((b) => b.startsWith('Head branch is not up to date'))) state = 'behind';
  else if (blockers.length) state = 'blocked';
  else if ([...checks.values()].some((s) => s === 'failure')) state = 'unstable';
  return { mergeable: true, state, testMergeSha, blockers };
}

async function testMerge(bed: Bed, repo: RepoState, pull: PullState, tree: string): Promise<string> {
  const cached = pull.testMerge;
  if (cached && cached.base === pull.base.sha && cached.head === pull.head.sha) return cached.sha;
  const identity = { name: 'GitHub', email: 'noreply@github.com', date: nowIso(bed) };
  const sha = await bed.git.createCommit(repo.fullName, {
    tree,
    parents: [pull.base.sha, pull.head.sha],
    message: `Merge ${pull.head.sha} into ${pull.base.sha}`,
    author: identity,
    committer: identity,
  });
  await bed.git.updateRef(repo.fullName, `refs/pull/${pull.number}/merge`, sha);
  pull.testMerge = { base: pull.base.sha, head: pull.head.sha, sha };
  return sha;
}

/** Latest result per status context and per check-run name on a commit. */
export function checkStates(repo: RepoState, sha: string): Map<string, 'success' | 'pending' | 'failure'> {
  const states = new Map<string, 'success' | 'pending' | 'failure'>();
  for (const status of repo.statuses.filter((s) => s.sha === sha)) {
    states.set(status.context, status.state === 'success' ? 'success' : status.state === 'pending' ? 'pending' : 'failure');
  }
  for (const run of [...repo.checkRuns.values()].filter((r) => r.headSha === sha)) {
    if (run.status !== 'completed') states.set(run.name, 'pending');
    else states.set(run.name, ['success', 'neutral', 'skipped'].includes(run.conclusion ?? '') ? 'success' : 'failure');
  }
  return states;
}

/** Branch protection on the base branch: required checks, approvals, up-to-date head. */
export async function protectionBlockers(bed: Bed, repo: RepoState, pull: PullState): Promise<string[]> {
  const protection = repo.protections.get(pull.base.ref);
  if (!protection) return [];
  const blockers: string[] = [];
  const checks = checkStates(repo, pull.head.sha);
  for (const context of protection.requiredStatusChecks) {
    const state = checks.get(context);
    if (state === undefined) blockers.push(`Required status check "${context}" is expected.`);
    else if (state !== 'success') blockers.push(`Required status check "${context}" is ${state === 'pending' ? 'in progress' : 'failing'}.`);
  }
  const required = protection.requiredApprovingReviewCount;
  if (required > 0 && approvals(bed, repo, pull) < required) {
    blockers.push(`At least ${required} approving review${required === 1 ? ' is' : 's are'} required by reviewers with write access.`);
  }
  if (protection.strict && !(await bed.git.isAncestor(repo.fullName, pull.base.sha, pull.head.sha))) {
    blockers.push('Head branch is not up to date with the base branch.');
  }
  return blockers;
}

/** Distinct reviewers with write access whose latest decisive review approves. */
export function approvals(bed: Bed, repo: RepoState, pull: PullState): number {
  const latest = new Map<string, string>();
  for (const review of repo.reviews.filter((r) => r.pullNumber === pull.number)) {
    if (review.state === 'COMMENTED') continue;
    latest.set(review.user.login.toLowerCase(), review.state);
  }
  let count = 0;
  for (const [login, state] of latest) {
    if (state === 'APPROVED' && atLeast(roleOf(bed.state, repo, bed.state.user(login)), 'write')) count += 1;
  }
  return count;
}
