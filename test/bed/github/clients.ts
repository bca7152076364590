import { createAppAuth } from '@octokit/auth-app';
import { retry } from '@octokit/plugin-retry';
import { Octokit } from '@octokit/rest';
import type { GitHubServer } from './handle.js';

const RetryingOctokit = Octokit.plugin(retry);
export type BedOctokit = InstanceType<typeof RetryingOctokit>;

// Octokit logs every failed request at warn/error level; tests provoke many on purpose.
const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

export interface ClientOptions {
  /** plugin-retry's base delay in ms (GitHub-facing default is 1000; tests want it short). */
  retryAfterBaseValue?: number;
  retries?: number;
  log?: typeof quiet;
}

/**
 * A plain @octokit/rest client authenticated as the App's installation on a
 * repository, the way Ladder's App and agent talk to GitHub (auth-app mints
 * and refreshes installation tokens through the server's token endpoint).
 */
export function installationOctokit(server: GitHubServer, fullName: string, options: ClientOptions = {}): BedOctokit {
  return new RetryingOctokit({
    baseUrl: server.url,
    authStrategy: createAppAuth,
    auth: { appId: server.app.id, privateKey: server.app.privateKey, installationId: server.installations.idFor(fullName) },
    retry: { retryAfterBaseValue: options.retryAfterBaseValue ?? 5, retries: options.retries ?? 3 },
    log: options.log ?? quiet,
  });
}

/** A client acting as a person (reviews, `/ladder` comments, merges by a release manager). */
export function userOctokit(server: GitHubServer, login: string, options: ClientOptions = {}): BedOctokit {
  return new RetryingOctokit({
    baseUrl: server.url,
    auth: server.userToken(login),
    retry: { retryAfterBaseValue: options.retryAfterBaseValue ?? 5, retries: options.retries ?? 3 },
    log: options.log ?? quiet,
  });
}
