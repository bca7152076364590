import { readFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import { BlobCache } from '../../adapters/github/code-repo.js';
import { retryRateLimits } from '../../adapters/github/octokit.js';
import type { GitHubClient } from '../../adapters/github/types.js';
import type { AppDeps } from '../deps.js';

/** What `promote` needs: an installation client, the App's dependencies and a logger. */
export interface PromotionContext {
  octokit: GitHubClient;
  deps: AppDeps;
  log: Logger;
}

/**
 * A PromotionContext for an installation client (e.g. `context.octokit` in a
 * webhook handler). Adds the retry of secondary rate limits the client lacks.
 */
export function promotionContext(octokit: GitHubClient, deps: AppDeps, log: Logger): PromotionContext {
  return { octokit: retryRateLimits(octokit, deps.retry), deps, log };
}

/** Per-process state shared by every promotion of one App. */
export interface PromotionState {
  /** Template blobs by git object id. */
  blobs: BlobCache;
  /** Code commits already promoted to an environment here: `<repo>@<sha>:<env>`; a second event for the same merge skips. */
  done: RecentSet;
  bodyTemplate(): Promise<string>;
}

const states = new WeakMap<AppDeps, PromotionState>();

export function promotionState(deps: AppDeps): PromotionState {
  let state = states.get(deps);
  if (!state) {
    let template: Promise<string> | undefined;
    state = {
      blobs: new BlobCache(),
      done: new RecentSet(5000),
      bodyTemplate: () => (template ??= readFile(new URL('../../../templates/pull-request/promotion.md.hbs', import.meta.url), 'utf8')),
    };
    states.set(deps, state);
  }
  return state;
}

/** A bounded set: the oldest entries go first. */
export class RecentSet {
  private readonly items = new Set<string>();
  constructor(private readonly limit: number) {}
  has(key: string): boolean {
    return this.items.has(key);
  }
  add(key: string): void {
    this.items.delete(key);
    this.items.add(key);
    if (this.items.size > this.limit) this.items.delete(this.items.values().next().value!);
  }
}
