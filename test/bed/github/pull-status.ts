import type { Bed } from './bed.js';
import { nowIso } from './bed.js';
import { mergeTrees } from './git/merge.js';
import { checkStates, protectionBlockers } from './protection.js';
import type { PullState, RepoState } from './state.js';

/** The repository a pull request's head branch lives in: a fork, or its own. */
export function headRepoName(repo: RepoState, pull: PullState): string {
  return pull.head.repo ?? repo.fullName;
}

/** Open pull requests follow their branches (in a fork for a fork's pull request); closed ones keep the shas they had. */
export async function refreshPull(bed: Bed, repo: RepoState, pull: PullState): Promise<void> {
  if (pull.state !== 'open') return;
  const head = await bed.git.revParse(headRepoName(repo, pull), `refs/heads/${pull.head.ref}^{commit}`);
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
