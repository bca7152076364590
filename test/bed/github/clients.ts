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

/** Branch protection as a test sets it up; `putBranchProtection` turns it into GitHub's PUT body. */
export interface BranchRules {
  requiredStatusChecks?: string[];
  /** Require the head to contain the base branch tip. */
  strict?: boolean;
  requiredApprovingReviewCount?: number;
  dismissStaleReviews?: boolean;
  enforceAdmins?: boolean;
}

/**
 * Protects a branch the way a repository admin does: `PUT
 * /repos/{owner}/{repo}/branches/{branch}/protection` through the REST API,
 * as `repo-admin`, a person given the admin role on the repository.
 */
export async function putBranchProtection(server: GitHubServer, fullName: string, branch: string, rules: BranchRules): Promise<void> {
  const [owner = '', repo = ''] = fullName.split('/');
  server.setPermission(fullName, 'repo-admin', 'admin');
  const checks = rules.requiredStatusChecks ?? [];
  const reviews = rules.requiredApprovingReviewCount ?? 0;
  await userOctokit(server, 'repo-admin').rest.repos.updateBranchProtection({
    owner,
    repo,
    branch,
    required_status_checks: checks.length || rules.strict ? { strict: rules.strict ?? false, contexts: checks } : null,
    enforce_admins: rules.enforceAdmins ?? false,
    required_pull_request_reviews: reviews > 0 ? { required_approving_review_count: reviews, dismiss_stale_reviews: rules.dismissStaleReviews ?? false } : null,
    restrictions: null,
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
