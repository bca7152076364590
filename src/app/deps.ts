import type { Logger } from 'pino';
import { systemClock, type Clock } from '../adapters/clock/clock.js';
import { KeyedQueue } from './queue.js';
import { createSchemaStore, type SchemaStore } from './schemas.js';

/** How hard to retry GitHub when it fails for a moment (5xx, secondary rate limits). */
export interface RetryTiming {
  /** Extra attempts after a secondary rate limit or 429, on top of Octokit's own plugins. */
  secondaryLimitRetries: number;
  /** Milliseconds per second of `retry-after` (1000 in production; tests shrink it). */
  retryAfterUnitMs: number;
}

/** What every feature of the App shares; tests inject their own (a manual clock, short retries). */
export interface AppDeps {
  clock: Clock;
  /** Serialises work per (manifest repo, environment). */
  queue: KeyedQueue;
  schemas: SchemaStore;
  /** Defaults to Probot's `app.log`. */
  log?: Logger;
  retry: RetryTiming;
}

export const productionRetry: RetryTiming = { secondaryLimitRetries: 3, retryAfterUnitMs: 1000 };

export function createAppDeps(overrides: Partial<AppDeps> = {}): AppDeps {
  return {
    clock: overrides.clock ?? systemClock,
    queue: overrides.queue ?? new KeyedQueue(),
    schemas: overrides.schemas ?? createSchemaStore(),
    retry: overrides.retry ?? productionRetry,
    ...(overrides.log ? { log: overrides.log } : {}),
  };
}
