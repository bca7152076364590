import { ProbotOctokit } from 'probot';
import type { RetryTiming } from '../../app/deps.js';
import type { GitHubClient } from './types.js';

/**
 * GitHub fails for a moment in two ways Ladder must ride out at any step of a
 * promotion: a 5xx from its proxy, and a secondary rate limit (403 or 429 with
 * `retry-after`). Probot's Octokit retries 5xx (@octokit/plugin-retry: three
 * retries, 1 s, 4 s, 9 s) but its default throttle options only *log* a
 * secondary rate limit and give up (probot 14, get-octokit-throttle-options.js),
 * and installation clients may be built with throttling off. So every client
 * Ladder uses gets `retryRateLimits` as its outermost request hook.
 */
export function retryRateLimits(octokit: GitHubClient, timing: RetryTiming): GitHubClient {
  const marked = octokit as GitHubClient & { [hooked]?: true };
  if (marked[hooked]) return octokit;
  marked[hooked] = true;
  octokit.hook.wrap('request', async (request, options) => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await request(options);
      } catch (error) {
        const wait = rateLimitWait(error);
        if (wait === undefined || attempt >= timing.secondaryLimitRetries) throw error;
        await new Promise((resolve) => setTimeout(resolve, wait * timing.retryAfterUnitMs));
      }
    }
  });
  return octokit;
}

const hooked = Symbol('ladder.retryRateLimits');

/** Seconds to wait before retrying a rate-limited request; undefined for any other failure. */
export function rateLimitWait(error: unknown): number | undefined {
  const status = (error as { status?: unknown }).status;
  if (status !== 403 && status !== 429) return undefined;
  const message = error instanceof Error ? error.message : '';
  const headers = ((error as { response?: { headers?: Record<string, string | number | undefined> } }).response?.headers ?? {});
  const secondary = status === 429 || /secondary rate limit/i.test(message);
  if (!secondary) return undefined;
  const retryAfter = Number(headers['retry-after']);
  // Without retry-after GitHub asks for at least a minute; never wait longer than five.
  return Math.min(Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : 60, 300);
}

/** Timings for the Octokit class Probot builds clients from (tests make them short). */
export interface OctokitTiming {
  /** @octokit/plugin-retry's base delay for 5xx: attempt n waits n² × this. */
  retryBaseMs: number;
  retries: number;
  /** Milliseconds per second of `retry-after` in the throttling plugin. */
  retryAfterUnitMs: number;
  /** Spacing of write requests (GitHub asks for about a second between writes); 0 turns it off. */
  writeSpacingMs?: number;
}

/**
 * Probot's Octokit with Ladder's timings, for `new Probot({ Octokit })`.
 * A function default (not an object) so these win over the throttle options
 * Probot itself layers on top.
 */
export function ladderOctokit(timing: OctokitTiming): typeof ProbotOctokit {
  const noSpacing = { key: () => ({ schedule: (_options: unknown, fn: () => Promise<unknown>) => fn() }) };
  return ProbotOctokit.defaults((options: Record<string, unknown>) => {
    const throttle = (options.throttle ?? {}) as Record<string, unknown>;
    return {
      ...options,
      retry: { ...(options.retry as object | undefined), retryAfterBaseValue: timing.retryBaseMs, retries: timing.retries },
      throttle: {
        ...throttle,
        retryAfterBaseValue: timing.retryAfterUnitMs,
        onSecondaryRateLimit: (_after: number, _request: unknown, _octokit: unknown, retryCount: number) => retryCount < 3,
        onRateLimit: (after: number, _request: unknown, _octokit: unknown, retryCount: number) => retryCount < 2 && after <= 120,
        ...(timing.writeSpacingMs === 0 ? { write: noSpacing } : {}),
      },
    };
  });
}
