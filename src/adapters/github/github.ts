import { checksOf } from './checks.js';
import { prepareClient, type GitHubClient, type RetryPolicy } from './client.js';
import { BlobCache, codeRepoOf } from './code-repo.js';
import { deploymentsOf } from './deployments.js';
import { locksOf } from './locks.js';
import { manifestRepoOf } from './manifest-repo.js';
import { accessOf } from './permissions.js';
import type { GitHub, GitHubAccess } from './port.js';
import { pullsOf } from './pulls.js';
import { statusesOf } from './statuses.js';

export interface GitHubCaches {
  /** Template blobs by id, shared by every installation: blobs are immutable. */
  templateBlobs: BlobCache;
}

/** The port over one client (an installation's, or the agent's). */
export function createGitHub(octokit: GitHubClient, caches: GitHubCaches = { templateBlobs: new BlobCache() }): GitHub {
  return {
    codeRepo: (repo) => codeRepoOf(octokit, repo, caches.templateBlobs),
    manifestRepo: (repo) => manifestRepoOf(octokit, repo),
    pulls: (repo) => pullsOf(octokit, repo),
    checks: (repo) => checksOf(octokit, repo),
    statuses: (repo) => statusesOf(octokit, repo),
    deployments: (repo) => deploymentsOf(octokit, repo),
    locks: (repo) => locksOf(octokit, repo),
    access: (repo) => accessOf(octokit, repo),
    async repositories() {
      const repositories = await octokit.paginate(octokit.rest.apps.listReposAccessibleToInstallation, { per_page: 100 });
      return repositories.filter((repository) => !repository.archived).map((repository) => ({ owner: repository.owner.login, repo: repository.name }));
    },
  };
}

export interface AppAccessOptions {
  /**
   * Probot's `app.auth`: an installation's client for an id, the App's own
   * (JWT) client without one. Typed loosely: Probot's client class is a
   * superset of Ladder's, and only this folder looks inside it.
   */
  auth(installationId?: number): Promise<unknown>;
  policy: RetryPolicy;
  caches: GitHubCaches;
}

/**
 * The App's way to the port. Every client passes through `prepareClient`
 * once (Ladder's retry of secondary rate limits), whether Probot gave it to a
 * webhook handler or Ladder asked for it.
 */
export function createGitHubAccess(options: AppAccessOptions): GitHubAccess {
  const wrap = (client: unknown) => createGitHub(prepareClient(client as GitHubClient, options.policy), options.caches);
  return {
    fromClient: wrap,
    forInstallation: async (installationId) => wrap(await options.auth(installationId)),
    async installations() {
      const app = prepareClient((await options.auth()) as GitHubClient, options.policy);
      const installations = await app.paginate(app.rest.apps.listInstallations, { per_page: 100 });
      return installations.map((installation) => installation.id);
    },
    async appIdentity() {
      const app = prepareClient((await options.auth()) as GitHubClient, options.policy);
      const { data } = await app.rest.apps.getAuthenticated();
      const slug = data?.slug ?? '';
      return { id: data?.id ?? 0, slug, botLogin: `${slug}[bot]` };
    },
  };
}
