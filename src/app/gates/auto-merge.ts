import type { GitHub } from '../../adapters/github/port.js';
import type { RepoRef } from '../../adapters/github/types.js';
import { validateCheckName } from '../../core/promotion/check-runs.js';
import { gateContexts, type GateResult } from '../../core/promotion/gates.js';
import { formatTrailers } from '../../core/promotion/trailers.js';
import type { PromotionPullContext } from './evaluate.js';

export type MergeAttempt =
  | { result: 'merged'; sha: string }
  | { result: 'waiting'; reason: string }
  | { result: 'refused'; reason: string };

/**
 * Merges an auto-merge environment's promotion pull request once Ladder's
 * own checks pass: `ladder/validate` and the three gates. GitHub has the last
 * word: the merge goes through the REST API with the head sha as a
 * precondition, so branch protection (other required checks, reviews) still
 * applies; a 405 means "not yet" and the next event or recheck tries again.
 * Ladder never bypasses protection.
 */
export async function mergeWhenReady(
  github: GitHub,
  manifestRepo: RepoRef,
  promotion: PromotionPullContext,
  gates?: readonly GateResult[],
  /** The gate statuses that must be `success`: `ladder/image` too when the App checks images. */
  required: readonly string[] = gateContexts,
): Promise<MergeAttempt> {
  const { pull, trailers, environment } = promotion;
  if (!environment.autoMerge) return { result: 'waiting', reason: `${environment.name} merges by review (autoMerge is off)` };
  const pulls = github.pulls(manifestRepo);
  const current = await pulls.get(pull.number);
  if (current.state !== 'open') return { result: 'waiting', reason: `pull request is ${current.merged ? 'merged' : 'closed'}` };
  if (current.head.sha !== pull.headSha) return { result: 'waiting', reason: 'the head moved; the newer head is evaluated on its own' };
  // Anyone may open a pull request from a fork's `ladder/…` branch with trailers copied from a real promotion.
  if (!current.head.inRepo) return { result: 'waiting', reason: 'the pull request comes from a fork; only review merges it' };

  const validation = await validationState(github, manifestRepo, pull.headSha);
  if (validation !== 'success') return { result: 'waiting', reason: `${validateCheckName} is ${validation}` };
  const gateStates = gates
    ? new Map(gates.map((gate) => [gate.context as string, gate.state as string]))
    : new Map([...(await github.statuses(manifestRepo).latest(pull.headSha))].map(([context, status]) => [context, status.state]));
  const unmet = required.filter((context) => gateStates.get(context) !== 'success');
  if (unmet.length > 0) return { result: 'waiting', reason: `gates not passed: ${unmet.join(', ')}` };

  const merge = await pulls.merge(pull.number, {
    sha: pull.headSha,
    title: `Promote ${trailers.service} to ${environment.name} (#${pull.number})`,
    // The trailers again, so the merge commit itself names the version deployed.
    message: formatTrailers(trailers),
  });
  // A refusal: protection or mergeability says not yet, or the head moved under us.
  return merge.merged ? { result: 'merged', sha: merge.sha } : { result: 'refused', reason: merge.reason };
}

/** The newest `ladder/validate` check run on a commit: success, failure, pending or missing. */
async function validationState(github: GitHub, repo: RepoRef, sha: string): Promise<string> {
  const run = (await github.checks(repo).runs(sha, validateCheckName))[0];
  if (!run) return 'missing';
  if (run.status !== 'completed') return 'pending';
  return run.conclusion === 'success' || run.conclusion === 'neutral' ? 'success' : (run.conclusion ?? 'failure');
}
