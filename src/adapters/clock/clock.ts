import type { Clock } from '../../core/time/clock.js';

export type { Clock } from '../../core/time/clock.js';

// setTimeout holds a signed 32-bit delay; longer waits are chained.
const longestDelayMs = 2_147_483_647;

/** The real clock: the system's time and Node's timers. */
export const systemClock: Clock = {
  now: () => new Date(),
  setTimer(at, fn) {
    let handle: NodeJS.Timeout | undefined;
    let cancelled = false;
    const arm = (): void => {
      if (cancelled) return;
      const delay = at.getTime() - Date.now();
      if (delay <= 0) {
        handle = setTimeout(fn, 0);
      } else {
        handle = setTimeout(arm, Math.min(delay, longestDelayMs));
      }
      // A pending recheck must not keep the process alive on shutdown.
      handle.unref();
    };
    arm();
    return {
      cancel() {
        cancelled = true;
        if (handle) clearTimeout(handle);
      },
    };
  },
};
