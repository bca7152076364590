/**
 * How many requests the client keeps in flight, adapted to what the server
 * takes: a 429 (the server's Priority and Fairness has no seat for us) halves
 * the limit, and each answer that was not a 429 raises it a little (by
 * 1/limit, so by one per round of requests), as TCP's congestion window
 * does. Callers ask for as much concurrency as they like; a throttled flow
 * then settles near the seats the server gives it instead of being rejected
 * over and over.
 */
export class InFlightLimit {
  private limit: number;
  private inFlight = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly max: number) {
    this.limit = max;
  }

  /** Requests holding a slot now. */
  get active(): number {
    return this.inFlight;
  }

  /** The current limit (for tests and logs). */
  get current(): number {
    return Math.floor(this.limit);
  }

  async acquire(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    if (this.inFlight < Math.floor(this.limit) && this.waiting.length === 0) {
      this.inFlight++;
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const grant = () => {
        signal?.removeEventListener('abort', onAbort);
        this.inFlight++;
        resolve();
      };
      const onAbort = () => {
        const index = this.waiting.indexOf(grant);
        if (index >= 0) this.waiting.splice(index, 1);
        reject(signal!.reason as Error);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(grant);
    });
  }

  /** The request is answered; `throttled` when the answer was a 429. */
  release(throttled: boolean): void {
    this.inFlight--;
    if (throttled) this.limit = Math.max(1, Math.min(this.limit, this.inFlight + 1) / 2);
    else this.limit = Math.min(this.max, this.limit + 1 / Math.max(1, this.limit));
    while (this.waiting.length > 0 && this.inFlight < Math.floor(this.limit)) this.waiting.shift()!();
  }
}
