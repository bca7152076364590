import { ProbotOctokit } from 'probot';
import { throttleOptions, type ClassPolicy } from './client.js';

/**
 * Probot's Octokit with Ladder's policy, for `new Probot({ Octokit })`. A
 * function default (not an object) so these win over the throttle options
 * Probot itself layers on top. Its own module: only the App loads Probot.
 */
export function ladderOctokit(policy: ClassPolicy): typeof ProbotOctokit {
  return ProbotOctokit.defaults((options: Record<string, unknown>) => ({
    ...options,
    retry: { ...(options.retry as object | undefined), retryAfterBaseValue: policy.retryBaseMs, retries: policy.retries },
    throttle: { ...(options.throttle as object | undefined), ...throttleOptions(policy) },
  }));
}
