import { checksOf } from './checks.js';
import { prepareClient, type GitHubClient, type RetryPolicy } from './client.js';
import { BlobCache, codeRepoOf } from './code-repo.js';
import { deploymentsOf } from './deployments.js';
import { statusOf } from './errors.js';
import { locksOf } from './locks.js';
import { manifestRepoOf } from './manifest-repo.js';
import { accessOf } from './permissions.js';
import type { GitHub, GitHubAccess } from './port.js';
import { pullsOf } from './pulls.js';
import { memoisedAppIdentity, noSignalAuthors, selfAuthors, type SignalAuthors } from './signal-authors.js';
import { statusesOf } from './statuses.js';

export interface GitHubCaches {
  /** Template blobs by id, shared by every installation: blobs are immutable. */
  templateBlobs: BlobCache;
}

/**
 * The port over one client (an installation's, or the agent's). `authors`
 * says whose check runs, statuses and deployments count; without it (the
 * agent, which reads none) any such read fails rather than trust everyone.
 */
export function createGitHub(octokit: GitHubClient, caches: GitHubCaches = { templateBlobs: new BlobCache() }, authors: SignalAuthors = noSignalAuthors): GitHub {
  return {
    codeRepo: (repo) => codeRepoOf(octokit, repo, caches.templateBlobs),
    manifestRepo: (repo) => manifestRepoOf(octokit, repo),
    pulls: (repo) => pullsOf(octokit, repo),
    checks: (repo) => checksOf(octokit, repo, authors),
    statuses: (repo) => statusesOf(octokit, repo, authors),
    deployments: (repo) => deploymentsOf(octokit, repo, authors),
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
  /** Logins besides the App's bot whose deployments count (an agent reporting with its own token). */
  agentLogins?: readonly string[];
}

/**
 * The App's way to the port. Every client passes through `prepareClient`
 * once (Ladder's retry of secondary rate limits), whether Probot gave it to a
 * webhook handler or Ladder asked for it.
 */
export function createGitHubAccess(options: AppAccessOptions): GitHubAccess {
  const appClient = async () => prepareClient((await options.auth()) as GitHubClient, options.policy);
  const authors: SignalAuthors = {
    // The App's own identity, asked once with its JWT: whose signals are Ladder's.
    app: memoisedAppIdentity(async () => {
      const { data } = await (await appClient()).rest.apps.getAuthenticated();
      if (!data) throw new Error('GitHub did not say which App this is (GET /app)');
      return { id: data.id, slug: data.slug ?? String(data.id) };
    }),
    agentLogins: options.agentLogins ?? [],
  };
  const wrap = (client: unknown) => createGitHub(prepareClient(client as GitHubClient, options.policy), options.caches, authors);
  return {
    fromClient: wrap,
    forInstallation: async (installationId) => wrap(await options.auth(installationId)),
    async installations() {
      const app = await appClient();
      const installations = await app.paginate(app.rest.apps.listInstallations, { per_page: 100 });
      return installations.map((installation) => installation.id);
    },
    async appIdentity() {
      const app = prepareClient((await options.auth()) as GitHubClient, options.policy);
      const { data } = await app.rest.apps.getAuthenticated();
      const slug = data?.slug ?? '';
      return { id: data?.id ?? 0, slug, botLogin: `${slug}[bot]` };
    },
    async installationOf(repo) {
      try {
        const { data } = await (await appClient()).rest.apps.getRepoInstallation({ owner: repo.owner, repo: repo.repo });
        return data.id;
      } catch (error) {
        if (statusOf(error) === 404) return undefined;
        throw error;
      }
    },
    async repositoryToken(installationId, repo, permissions) {
      const { data } = await (await appClient()).rest.apps.createInstallationAccessToken({
        installation_id: installationId,
        repositories: [repo.repo],
        permissions: { ...permissions },
      });
      return { token: data.token, expiresAt: data.expires_at, permissions: { ...(data.permissions as Record<string, string>) } };
    },
  };
}

/**
 * The port over the agent's client, trusting only deployments it writes
 * itself: `login` when the credential's writer is known (a token the App
 * handed out says whose bot it is); else asked of GitHub, as the App (its
 * key signs a JWT for GET /app) or as the token's user (GET /user).
 */
export function createAgentGitHub(octokit: GitHubClient, login?: () => Promise<string>): GitHub {
  const whoWrites = login ?? (async () => {
    const auth = (await octokit.auth({ type: 'app' }).catch(() => undefined)) as { type?: string; token?: string } | undefined;
    if (auth?.type === 'app' && auth.token) {
      const { data } = await octokit.request('GET /app', { headers: { authorization: `bearer ${auth.token}` } });
      return `${(data as { slug?: string } | null)?.slug ?? ''}[bot]`;
    }
    return (await octokit.rest.users.getAuthenticated()).data.login;
  });
  return createGitHub(octokit, undefined, selfAuthors(whoWrites));
}
