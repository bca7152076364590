import { deliveryWorkFailed } from './deliveries/delivery-scope.js';

/**
 * Runs work for the same key one at a time, in arrival order; different keys
 * run concurrently. The App keys promotion work by (manifest repo, environment)
 * so two deliveries never race on one promotion branch inside a process
 * (across processes the ref update's compare-and-swap protects it).
 */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>();
  private pending = 0;
  private waiters: (() => void)[] = [];

  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    this.pending += 1;
    const result = previous.then(fn, fn);
    // Registered here, in the context of the delivery that queued the work (if any): its failure releases that delivery.
    result.catch(() => deliveryWorkFailed());
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
      this.pending -= 1;
      if (this.pending === 0) for (const wake of this.waiters.splice(0)) wake();
    });
    return result;
  }

  /** Work queued or running, over all keys. */
  size(): number {
    return this.pending;
  }

  /** Resolves once nothing is queued or running (at once when already idle). */
  idle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}
