import type { Clock } from '../../core/time/clock.js';

/** What the debouncer keeps on each item: when its burst began, and when it is due. */
export interface Debounced {
  firstDirtyAt?: number;
  dueAt?: number;
}

/**
 * Hands items to `onDue` once their events have been quiet for `quietMs`, but
 * never later than `maxDelayMs` after the first event of a burst. One timer
 * serves every item (thousands of objects marked by one commit arm one timer,
 * not thousands), set for the soonest due time; an item whose due time moved
 * later is picked up by a later firing.
 */
export class Debouncer<T extends Debounced> {
  private readonly pending = new Set<T>();
  private timer: { cancel(): void } | undefined;
  private timerAt: number | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly onDue: (item: T) => void,
  ) {}

  /** `delayMs` replaces the quiet time (a retry after a set delay) and may stretch the limit to match. */
  mark(item: T, timing: { quietMs: number; maxDelayMs: number; delayMs?: number }): void {
    const now = this.clock.now().getTime();
    item.firstDirtyAt ??= now;
    item.dueAt = Math.min(now + (timing.delayMs ?? timing.quietMs), item.firstDirtyAt + Math.max(timing.delayMs ?? 0, timing.maxDelayMs));
    this.pending.add(item);
    this.arm(item.dueAt);
  }

  /** Drops pending items that `keep` refuses. */
  forget(keep: (item: T) => boolean): void {
    for (const item of this.pending) {
      if (!keep(item)) this.pending.delete(item);
    }
  }

  /** Drops everything pending and the timer. */
  clear(): void {
    this.timer?.cancel();
    this.timer = undefined;
    this.timerAt = undefined;
    for (const item of this.pending) item.firstDirtyAt = item.dueAt = undefined;
    this.pending.clear();
  }

  private arm(due: number): void {
    if (this.timerAt !== undefined && this.timerAt <= due) return;
    this.timer?.cancel();
    this.timerAt = due;
    this.timer = this.clock.setTimer(new Date(due), () => this.fire());
  }

  private fire(): void {
    this.timer = undefined;
    this.timerAt = undefined;
    const now = this.clock.now().getTime();
    let next = Infinity;
    for (const item of this.pending) {
      if (item.dueAt! > now) {
        next = Math.min(next, item.dueAt!);
        continue;
      }
      this.pending.delete(item);
      item.firstDirtyAt = item.dueAt = undefined;
      this.onDue(item);
    }
    if (next !== Infinity) this.arm(next);
  }
}
