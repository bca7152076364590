import { createHash } from 'node:crypto';

const LIMIT = 5000;

interface Bucket {
  used: number;
  resetAt: number;
}

/**
 * Primary rate-limit bookkeeping per caller, reported in GitHub's
 * `x-ratelimit-*` headers. A 304 answer to a conditional request costs
 * nothing, which is what lets the agent poll a branch for free.
 */
export class RateLimits {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly now: () => Date) {}

  headers(key: string, charge: boolean): Record<string, string> {
    const nowSeconds = Math.floor(this.now().getTime() / 1000);
    let bucket = this.buckets.get(key);
    if (!bucket || bucket.resetAt <= nowSeconds) {
      bucket = { used: 0, resetAt: nowSeconds + 3600 };
      this.buckets.set(key, bucket);
    }
    if (charge) bucket.used += 1;
    return {
      'x-ratelimit-limit': String(LIMIT),
      'x-ratelimit-remaining': String(Math.max(0, LIMIT - bucket.used)),
      'x-ratelimit-used': String(bucket.used),
      'x-ratelimit-reset': String(bucket.resetAt),
      'x-ratelimit-resource': 'core',
    };
  }

  /** Requests charged to a caller in the current window (`installation:<id>`, `user:<login>`). */
  used(key: string): number {
    return this.buckets.get(key)?.used ?? 0;
  }
}

/**
 * A weak validator over the exact bytes sent and the credential that asked, as GitHub's ETags
 * behave for JSON: the same answer to another token has another ETag.
 */
export function etagOf(body: Buffer, authorization = ''): string {
  return `W/"${createHash('sha256').update(authorization).update('\0').update(body).digest('hex').slice(0, 40)}"`;
}

/** `If-None-Match` may list several tags, or `*`; weak and strong forms compare equal. */
export function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const bare = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((tag) => tag.trim() === '*' || bare(tag) === bare(etag));
}
