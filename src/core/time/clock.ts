/**
 * Time as Ladder sees it. Handlers, the gate scheduler, drift debouncing and
 * Slack pacing take a Clock so tests can move time (soak periods, deploy
 * windows, intervals) without waiting. `src/adapters/clock` has the real one.
 */
export interface Clock {
  now(): Date;
  /** Runs `fn` once at `at` (at once if `at` is past); cancel() makes it never run. */
  setTimer(at: Date, fn: () => void): { cancel(): void };
}
