import type { Clock } from '../../core/time/clock.js';

export interface RateLimitOptions {
  /** Requests per second on average, as client-go's QPS. */
  qps: number;
  /** Requests that may go at once after a quiet spell, as client-go's burst. */
  burst: number;
  clock: Clock;
}

/**
 * client-go's client-side rate limit: a token bucket holding up to `burst`
 * tokens, refilled at `qps` a second; each request takes one and waits for
 * it in order of arrival. `pause` stops every request until a time (the API
 * server asked us to retry after a while: its Priority and Fairness
 * rejected a request, so the others would be rejected too).
 */
export class RateLimiter {
  private tokens: number;
  private updatedAt: number;
  private pausedUntil = 0;
  private readonly waiting: Array<{ resolve: () => void; reject: (error: Error) => void; signal?: AbortSignal | undefined; onAbort?: () => void }> = [];
  private timer: { cancel(): void } | undefined;
  /** Total time requests spent waiting here, for the metric. */
  waitedMs = 0;

  constructor(private readonly options: RateLimitOptions) {
    if (!(options.qps > 0) || !(options.burst >= 1)) throw new Error(`the Kubernetes client rate needs qps > 0 and burst >= 1 (got ${options.qps}, ${options.burst})`);
    this.tokens = options.burst;
    this.updatedAt = options.clock.now().getTime();
  }

  /** Resolves when the request may go; rejects with the signal's reason if it aborts first. */
  acquire(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    if (this.waiting.length === 0 && this.take()) return Promise.resolve();
    const startedAt = this.options.clock.now().getTime();
    return new Promise<void>((resolve, reject) => {
      const entry: (typeof this.waiting)[number] = {
        resolve: () => {
          this.waitedMs += this.options.clock.now().getTime() - startedAt;
          resolve();
        },
        reject,
        signal,
      };
      if (signal) {
        entry.onAbort = () => {
          const index = this.waiting.indexOf(entry);
          if (index >= 0) this.waiting.splice(index, 1);
          reject(signal.reason as Error);
        };
        signal.addEventListener('abort', entry.onAbort, { once: true });
      }
      this.waiting.push(entry);
      this.schedule();
    });
  }

  /** Holds every request back until `until` (epoch ms); an earlier pause never shortens a later one. */
  pause(until: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, until);
    this.schedule();
  }

  private take(): boolean {
    const now = this.options.clock.now().getTime();
    if (now < this.pausedUntil) return false;
    this.tokens = Math.min(this.options.burst, this.tokens + ((now - this.updatedAt) / 1000) * this.options.qps);
    this.updatedAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  private schedule(): void {
    this.timer?.cancel();
    this.timer = undefined;
    while (this.waiting.length > 0 && this.take()) {
      const entry = this.waiting.shift()!;
      if (entry.onAbort) entry.signal?.removeEventListener('abort', entry.onAbort);
      entry.resolve();
    }
    if (this.waiting.length === 0) return;
    const now = this.options.clock.now().getTime();
    const nextToken = now + Math.max(1, Math.ceil(((1 - this.tokens) / this.options.qps) * 1000));
    this.timer = this.options.clock.setTimer(new Date(Math.max(nextToken, this.pausedUntil)), () => {
      this.timer = undefined;
      this.schedule();
    });
  }
}
