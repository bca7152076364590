import type { Clock } from '../../core/time/clock.js';

export interface SeenDeliveryLimits {
  /** How long a delivery counts as seen: GitHub's duplicates come within minutes, a redelivery after this is new work. */
  ttlMs: number;
  /** Most deliveries remembered; the oldest go first. */
  maxEntries: number;
}

export const defaultSeenDeliveryLimits: SeenDeliveryLimits = { ttlMs: 10 * 60_000, maxEntries: 10_000 };

/**
 * The deliveries this process has taken on, by key (`<X-GitHub-Delivery>` and
 * the handler), remembered for a while: GitHub delivers at least once, so the
 * same event can arrive twice with the same delivery id, and a handler must
 * do its work once. Bounded in count and time (an LRU whose entries expire on
 * the injected clock); a key whose handler failed is released, so GitHub's
 * "Redeliver" tries again.
 */
export class SeenDeliveries {
  /** Insertion order is age order: a Map iterates oldest first. */
  private readonly seenAt = new Map<string, number>();

  constructor(
    private readonly clock: Clock,
    private readonly limits: SeenDeliveryLimits = defaultSeenDeliveryLimits,
  ) {}

  /** True when the key was not seen within the TTL and is now taken; false for a duplicate. */
  take(key: string): boolean {
    const now = this.clock.now().getTime();
    this.expire(now);
    if (this.seenAt.has(key)) return false;
    this.seenAt.set(key, now);
    while (this.seenAt.size > this.limits.maxEntries) this.seenAt.delete(this.seenAt.keys().next().value!);
    return true;
  }

  release(key: string): void {
    this.seenAt.delete(key);
  }

  get size(): number {
    return this.seenAt.size;
  }

  private expire(now: number): void {
    for (const [key, at] of this.seenAt) {
      if (now - at < this.limits.ttlMs) return;
      this.seenAt.delete(key);
    }
  }
}
