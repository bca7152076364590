import type { Clock } from '../../src/core/time/clock.js';

interface Timer {
  at: number;
  order: number;
  fn: () => void;
  cancelled: boolean;
}

/**
 * A clock that moves only when the test says so. Timers that come due on
 * advance()/set() fire in time order (ties in the order they were set), each
 * with now() showing its own due time, and a timer set by a firing timer also
 * fires if it falls inside the same step.
 */
export class ManualClock implements Clock {
  private current: number;
  private timers: Timer[] = [];
  private sequence = 0;

  constructor(start: Date | string = '2026-01-05T10:00:00Z') {
    this.current = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  setTimer(at: Date, fn: () => void): { cancel(): void } {
    const timer: Timer = { at: at.getTime(), order: this.sequence++, fn, cancelled: false };
    this.timers.push(timer);
    return {
      cancel: () => {
        timer.cancelled = true;
      },
    };
  }

  /** Timers not yet fired nor cancelled, soonest first. */
  pendingTimers(): Date[] {
    return this.live()
      .sort(byDue)
      .map((timer) => new Date(timer.at));
  }

  advance(ms: number): void {
    this.set(new Date(this.current + ms));
  }

  /** Moves to `date` (never backwards), firing every timer due by then. */
  set(date: Date | string): void {
    const target = new Date(date).getTime();
    if (target < this.current) throw new Error(`ManualClock cannot go back from ${this.now().toISOString()} to ${new Date(target).toISOString()}`);
    for (;;) {
      const next = this.live()
        .filter((timer) => timer.at <= target)
        .sort(byDue)[0];
      if (!next) break;
      next.cancelled = true;
      this.current = Math.max(this.current, next.at);
      next.fn();
    }
    this.current = target;
    this.timers = this.live();
  }

  private live(): Timer[] {
    return this.timers.filter((timer) => !timer.cancelled);
  }
}

function byDue(a: Timer, b: Timer): number {
  return a.at - b.at || a.order - b.order;
}
