import type { GitHubClient } from './client.js';
import type { CommitStatuses, CommitStatusInput } from './port.js';
import type { RepoRef } from './types.js';

/** Commit statuses of one repository: the gates Ladder sets on promotion PR heads. */
export function statusesOf(octokit: GitHubClient, repo: RepoRef): CommitStatuses {
  return {
    latest: (sha) => latestStatuses(octokit, repo, sha),
    set: (sha, statuses) => setCommitStatuses(octokit, repo, sha, statuses),
  };
}

/**
 * Sets commit statuses on `sha`, skipping each one whose latest status
 * already has the same state and description: a re-evaluation every few
 * minutes must not pile up identical statuses (GitHub keeps at most 1000
 * per context and sha) nor raise `status` webhooks that change nothing.
 * Returns the contexts actually written.
 */
async function setCommitStatuses(octokit: GitHubClient, repo: RepoRef, sha: string, statuses: readonly CommitStatusInput[]): Promise<string[]> {
  const current = await latestStatuses(octokit, repo, sha);
  const written: string[] = [];
  for (const status of statuses) {
    const existing = current.get(status.context);
    if (existing && existing.state === status.state && existing.description === status.description) continue;
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

/** The latest status per context on `sha` (GitHub's combined status, one request). */
async function latestStatuses(octokit: GitHubClient, repo: RepoRef, sha: string): Promise<Map<string, { state: string; description: string }>> {
  const { data } = await octokit.rest.repos.getCombinedStatusForRef({ ...repo, ref: sha, per_page: 100 });
  return new Map(data.statuses.map((status) => [status.context, { state: status.state, description: status.description ?? '' }]));
}
