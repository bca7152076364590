import type { InputLocation } from '../errors.js';
import type { ValidationReport } from '../validate/run.js';

/**
 * What one promotion came to, as data. Each step of the promotion engine
 * ends in one of these; `promotionCheckRun` (check-runs.ts) is the one place
 * that turns it into words on the code commit, and `describePromotion` into
 * a line for logs and comment replies.
 *
 * Like Kargo's promotion steps, failures come in two kinds: `failed` is
 * retryable (GitHub failed us; the next delivery, a retry or
 * `/ladder promote` completes it), every other outcome is terminal — the
 * same input gives the same answer until the code or config changes.
 */
export type PromotionOutcome =
  /** The promotion PR carries this commit now. */
  | { kind: 'opened' | 'updated'; environment: string; pullRequest: PullRef; manifestRepo: string; branch: string }
  /** The environment branch already holds exactly this render: nothing to propose. */
  | { kind: 'unchanged'; environment: string; reason: 'up-to-date'; manifestRepo: string; envBranch: string; pullRequest?: undefined }
  /** An earlier delivery (or replica) promoted this commit completely already. */
  | { kind: 'unchanged'; environment: string; reason: 'already-promoted'; pullRequest: PullRef }
  /** A newer commit of the same history is being promoted. */
  | { kind: 'superseded'; environment: string; newer: string; pullRequest?: PullRef }
  | { kind: 'invalid'; environment: string; reason: 'no-config' | 'bad-config' | 'not-granted' | 'no-environment'; message: string; pullRequest?: undefined }
  /** A template or value error: the render never finished. */
  | { kind: 'invalid'; environment: string; reason: 'render'; message: string; location: InputLocation; templatesInRepo: boolean; pullRequest?: undefined }
  /** Rendered, but validation found errors; nothing went to the manifest repository. */
  | { kind: 'invalid'; environment: string; reason: 'validation'; report: ValidationReport; kubernetesVersion: string; pullRequest?: undefined }
  /** GitHub refused the pull request after the branch was written. */
  | { kind: 'failed'; environment: string; stage: 'pull-request'; reason: string; branch: string; branchRemoved: boolean; stalePull?: number; pullRequest?: undefined }
  /** GitHub failed somewhere else on the way. */
  | { kind: 'failed'; environment: string; stage: 'promotion'; reason: string; pullRequest?: undefined };

export interface PullRef {
  number: number;
  url: string;
  headSha: string;
}

/** Worth trying again as it is: GitHub failed, not the input. */
export function isRetryable(outcome: PromotionOutcome): boolean {
  return outcome.kind === 'failed';
}

/** One line for logs and comment replies. */
export function describePromotion(outcome: PromotionOutcome): string {
  switch (outcome.kind) {
    case 'opened':
    case 'updated':
      return `promotion pull request #${outcome.pullRequest.number} ${outcome.kind}`;
    case 'unchanged':
      return outcome.reason === 'up-to-date' ? `${outcome.environment} is already up to date` : `already promoted in #${outcome.pullRequest.number}`;
    case 'superseded':
      return `superseded by ${outcome.newer}`;
    case 'invalid':
      if (outcome.reason === 'validation') return `validation failed for ${outcome.environment}`;
      return outcome.message;
    case 'failed':
      return outcome.reason;
  }
}
