import { latestStatuses } from '../../adapters/github/statuses.js';
import type { GitHubClient, RepoRef } from '../../adapters/github/types.js';
import { gateContexts, type GateResult } from '../../core/promotion/gates.js';
import { formatTrailers } from '../../core/promotion/trailers.js';
import type { PromotionPullContext } from './evaluate.js';

export const validateCheckName = 'ladder/validate';

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
  octokit: GitHubClient,
  manifestRepo: RepoRef,
  promotion: PromotionPullContext,
  gates?: readonly GateResult[],
): Promise<MergeAttempt> {
  const { pull, trailers, environment } = promotion;
  if (!environment.autoMerge) return { result: 'waiting', reason: `${environment.name} merges by review (autoMerge is off)` };
  const { data: current } = await octokit.rest.pulls.get({ ...manifestRepo, pull_number: pull.number });
  if (current.state !== 'open') return { result: 'waiting', reason: `pull request is ${current.merged ? 'merged' : 'closed'}` };
  if (current.head.sha !== pull.headSha) return { result: 'waiting', reason: 'the head moved; the newer head is evaluated on its own' };
  // Anyone may open a pull request from a fork's `ladder/…` branch with trailers copied from a real promotion.
  if (current.head.repo?.id !== current.base.repo.id) return { result: 'waiting', reason: 'the pull request comes from a fork; only review merges it' };

  const validation = await validationState(octokit, manifestRepo, pull.headSha);
  if (validation !== 'success') return { result: 'waiting', reason: `${validateCheckName} is ${validation}` };
  const gateStates = gates
    ? new Map(gates.map((gate) => [gate.context as string, gate.state as string]))
    : new Map([...(await latestStatuses(octokit, manifestRepo, pull.headSha))].map(([context, status]) => [context, status.state]));
  const unmet = gateContexts.filter((context) => gateStates.get(context) !== 'success');
  if (unmet.length > 0) return { result: 'waiting', reason: `gates not passed: ${unmet.join(', ')}` };

  try {
    const { data } = await octokit.rest.pulls.merge({
      ...manifestRepo,
      pull_number: pull.number,
      sha: pull.headSha,
      merge_method: 'merge',
      commit_title: `Promote ${trailers.service} to ${environment.name} (#${pull.number})`,
      // The trailers again, so the merge commit itself names the version deployed.
      commit_message: formatTrailers(trailers),
      // 405 and 409 are answers, not outages: the retry plugin would repeat them.
      request: { retries: 0 },
    });
    return { result: 'merged', sha: data.sha };
  } catch (error) {
    const status = (error as { status?: number }).status;
    const message = error instanceof Error ? error.message : String(error);
    // 405: protection or mergeability says not yet; 409: the head moved under us.
    if (status === 405 || status === 409) return { result: 'refused', reason: message };
    throw error;
  }
}

/** The newest `ladder/validate` check run on a commit: success, failure, pending or missing. */
async function validationState(octokit: GitHubClient, repo: RepoRef, sha: string): Promise<string> {
  const { data } = await octokit.rest.checks.listForRef({ ...repo, ref: sha, check_name: validateCheckName, filter: 'latest' });
  const run = data.check_runs[0];
  if (!run) return 'missing';
  if (run.status !== 'completed') return 'pending';
  return run.conclusion === 'success' || run.conclusion === 'neutral' ? 'success' : (run.conclusion ?? 'failure');
}
