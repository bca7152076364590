import type { Clock } from '../../core/time/clock.js';

/**
 * One pending re-evaluation per key (a promotion pull request): soak ends,
 * deploy windows open and close by time alone, with no webhook to say so.
 * Scheduling a key again replaces its timer, so a PR never has two.
 */
export class RecheckScheduler {
  private readonly timers = new Map<string, { at: number; cancel(): void }>();

  constructor(private readonly clock: Clock) {}

  /** Runs `fn` at `at` for `key`, replacing any earlier schedule; `at` undefined just cancels. */
  schedule(key: string, at: Date | undefined, fn: () => void): void {
    const existing = this.timers.get(key);
    if (existing && at && existing.at === at.getTime()) return;
    this.cancel(key);
    if (!at) return;
    const timer = this.clock.setTimer(at, () => {
      if (this.timers.get(key) === entry) this.timers.delete(key);
      fn();
    });
    const entry = { at: at.getTime(), cancel: () => timer.cancel() };
    this.timers.set(key, entry);
  }

  cancel(key: string): void {
    this.timers.get(key)?.cancel();
    this.timers.delete(key);
  }

  /** When `key` is next due, if scheduled. */
  dueAt(key: string): Date | undefined {
    const entry = this.timers.get(key);
    return entry ? new Date(entry.at) : undefined;
  }

  size(): number {
    return this.timers.size;
  }
}
