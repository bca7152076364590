import type { GitHubClient } from './client.js';
import type { CommitStatuses, CommitStatusInput } from './port.js';
import type { SignalAuthors } from './signal-authors.js';
import type { RepoRef } from './types.js';

/**
 * Commit statuses of one repository: the gates Ladder sets on promotion PR
 * heads. Reads see only the App's own statuses: `ladder/soak` set to success
 * by anyone with `statuses: write` counts for nothing.
 */
export function statusesOf(octokit: GitHubClient, repo: RepoRef, authors: SignalAuthors): CommitStatuses {
  return {
    latest: (sha) => latestStatuses(octokit, repo, sha, authors),
    set: (sha, statuses) => setCommitStatuses(octokit, repo, sha, statuses, authors),
  };
}

/**
 * Sets commit statuses on `sha`, skipping each one whose latest status
 * already has the same state and description: a re-evaluation every few
 * minutes must not pile up identical statuses (GitHub keeps at most 1000
 * per context and sha) nor raise `status` webhooks that change nothing.
 * Returns the contexts actually written.
 */
async function setCommitStatuses(octokit: GitHubClient, repo: RepoRef, sha: string, statuses: readonly CommitStatusInput[], authors: SignalAuthors): Promise<string[]> {
  const current = await latestStatuses(octokit, repo, sha, authors);
  const written: string[] = [];
  for (const status of statuses) {
    const existing = current.get(status.context);
    if (existing && existing.state === status.state && existing.description === status.description && (status.targetUrl === undefined || existing.targetUrl === status.targetUrl)) continue;
    await octokit.rest.repos.createCommitStatus({
      ...repo,
      sha,
      context: status.context,
      state: status.state,
      description: status.description,
      ...(status.targetUrl ? { target_url: status.targetUrl } : {}),
    });
    written.push(status.context);
  }
  return written;
}

/**
 * The App's latest status per context on `sha`. GitHub's combined status
 * does not say who wrote a status, so this reads the statuses themselves
 * (newest first) and keeps the App's: one or two pages, as Ladder writes a
 * status only when it changes.
 */
async function latestStatuses(octokit: GitHubClient, repo: RepoRef, sha: string, authors: SignalAuthors): Promise<Map<string, { state: string; description: string; targetUrl?: string }>> {
  const { login } = await authors.app();
  const latest = new Map<string, { state: string; description: string; targetUrl?: string }>();
  const statuses = await octokit.paginate(octokit.rest.repos.listCommitStatusesForRef, { ...repo, ref: sha, per_page: 100 });
  for (const status of statuses) {
    if (status.creator?.login.toLowerCase() !== login.toLowerCase() || latest.has(status.context)) continue;
    latest.set(status.context, { state: status.state, description: status.description ?? '', ...(status.target_url ? { targetUrl: status.target_url } : {}) });
  }
  return latest;
}
