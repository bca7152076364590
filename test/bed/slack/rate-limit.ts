// Scripted rate limiting: a test arms "the next N calls answer 429 with
// Retry-After S" and the receiver consumes those rules in order, so a client's
// back-off can be exercised deterministically instead of by flooding.
import type { RateLimitOptions, RecordedRequest, RetryObservation } from './types.js';

interface Rule {
  remaining: number;
  retryAfterSeconds: number;
  endpoint?: string;
}

export class RateLimiter {
  private readonly rules: Rule[] = [];

  arm(options: RateLimitOptions): void {
    if (!Number.isInteger(options.times) || options.times < 1) throw new Error(`rateLimit: times must be a positive integer, got ${options.times}`);
    // Retry-After is whole seconds (RFC 9110 delay-seconds); fractions would not survive the header.
    if (!Number.isInteger(options.retryAfterSeconds) || options.retryAfterSeconds < 0) {
      throw new Error(`rateLimit: retryAfterSeconds must be a non-negative integer, got ${options.retryAfterSeconds}`);
    }
    this.rules.push({
      remaining: options.times,
      retryAfterSeconds: options.retryAfterSeconds,
      ...(options.endpoint !== undefined && { endpoint: options.endpoint }),
    });
  }

  /** Retry-After seconds when this call is to be limited, else undefined. */
  take(endpoint: string): number | undefined {
    const index = this.rules.findIndex((rule) => rule.endpoint === undefined || rule.endpoint === endpoint);
    const rule = this.rules[index];
    if (!rule) return undefined;
    rule.remaining -= 1;
    if (rule.remaining === 0) this.rules.splice(index, 1);
    return rule.retryAfterSeconds;
  }
}

/** Pairs each 429 with the next call to the same endpoint. */
export function observeRetries(requests: readonly RecordedRequest[]): RetryObservation[] {
  return requests.flatMap((request, index) => {
    if (request.status !== 429 || request.retryAfterSeconds === undefined) return [];
    const next = requests.slice(index + 1).find((later) => later.endpoint === request.endpoint);
    return [
      {
        endpoint: request.endpoint,
        retryAfterMs: request.retryAfterSeconds * 1000,
        ...(next !== undefined && { waitedMs: next.at - request.at }),
      },
    ];
  });
}
