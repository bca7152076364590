import type { GitHubClient } from './client.js';
import { errorMessage, isUnprocessable, statusOf } from './errors.js';
import type { MergeResult, OpenPull, PullRequest, PullRequests } from './port.js';
import type { RepoRef } from './types.js';

/** Pull requests of one repository: promotion and rollback PRs, and the PRs commands are written on. */
export function pullsOf(octokit: GitHubClient, repo: RepoRef): PullRequests {
  return {
    async get(number) {
      const { data } = await octokit.rest.pulls.get({ ...repo, pull_number: number });
      return { ...pullRequestOf(data), merged: data.merged };
    },
    async listOpen() {
      const pulls = await octokit.paginate(octokit.rest.pulls.list, { ...repo, state: 'open', per_page: 100 });
      return pulls.map((pull) => ({ ...pullRequestOf(pull), merged: false }));
    },
    findOpen: (branch, base) => findOpenPull(octokit, repo, branch, base),
    open: (pull) => openPull(octokit, repo, pull),
    update: (number, change) => updatePull(octokit, repo, number, change),
    comment: (number, body) => commentOnPull(octokit, repo, number, body),
    async acknowledgeComment(commentId) {
      await octokit.rest.reactions.createForIssueComment({ ...repo, comment_id: commentId, content: 'eyes' });
    },
    addLabels: (number, labels) => addLabels(octokit, repo, number, labels),
    requestReviewers: (number, reviewers) => requestReviewers(octokit, repo, number, reviewers),
    merge: (number, merge) => mergePull(octokit, repo, number, merge),
  };
}

type ListedPull = {
  number: number;
  html_url: string;
  state: string;
  body: string | null;
  labels: readonly ({ name?: string } | string)[];
  head: { ref: string; sha: string; repo: { id: number } | null };
  base: { ref: string; repo: { id: number; default_branch: string } };
};

function pullRequestOf(pull: ListedPull): Omit<PullRequest, 'merged'> {
  return {
    number: pull.number,
    url: pull.html_url,
    state: pull.state === 'open' ? 'open' : 'closed',
    head: { ref: pull.head.ref, sha: pull.head.sha, inRepo: pull.head.repo?.id === pull.base.repo.id },
    base: { ref: pull.base.ref, defaultBranch: pull.base.repo.default_branch },
    body: pull.body ?? '',
    labels: labelNames(pull.labels),
  };
}

/**
 * Merges at exactly `sha` through the REST API, so branch protection (other
 * required checks, reviews) still applies. 405 (protection or mergeability
 * says not yet) and 409 (the head moved) are answers, not outages: the retry
 * plugin would repeat them, so it is off for this call.
 */
async function mergePull(octokit: GitHubClient, repo: RepoRef, number: number, merge: { sha: string; title: string; message: string }): Promise<MergeResult> {
  try {
    const { data } = await octokit.rest.pulls.merge({
      ...repo,
      pull_number: number,
      sha: merge.sha,
      merge_method: 'merge',
      commit_title: merge.title,
      commit_message: merge.message,
      request: { retries: 0 },
    });
    return { merged: true, sha: data.sha };
  } catch (error) {
    const status = statusOf(error);
    if (status === 405 || status === 409) return { merged: false, reason: error instanceof Error ? error.message : String(error) };
    throw error;
  }
}

/** The open PR from `branch` into `base`, if any (GitHub allows at most one). */
async function findOpenPull(octokit: GitHubClient, repo: RepoRef, branch: string, base: string): Promise<OpenPull | undefined> {
  const { data } = await octokit.rest.pulls.list({ ...repo, head: `${repo.owner}:${branch}`, base, state: 'open', per_page: 10 });
  const pull = data.find((p) => p.head.ref === branch);
  return pull ? { number: pull.number, url: pull.html_url, headSha: pull.head.sha, body: pull.body ?? '', labels: labelNames(pull.labels) } : undefined;
}

/**
 * Opens the PR, or finds the one a retried request (or another replica)
 * already opened: GitHub answers "A pull request already exists" then.
 */
async function openPull(
  octokit: GitHubClient,
  repo: RepoRef,
  input: { branch: string; base: string; title: string; body: string },
): Promise<{ pull: OpenPull; created: boolean }> {
  try {
    const { data } = await octokit.rest.pulls.create({ ...repo, head: input.branch, base: input.base, title: input.title, body: input.body });
    return { pull: { number: data.number, url: data.html_url, headSha: data.head.sha, body: data.body ?? '', labels: labelNames(data.labels) }, created: true };
  } catch (error) {
    if (!isUnprocessable(error, /already exists/i)) throw error;
    const existing = await findOpenPull(octokit, repo, input.branch, input.base);
    if (!existing) throw error;
    if (existing.body !== input.body) await updatePull(octokit, repo, existing.number, { title: input.title, body: input.body });
    return { pull: { ...existing, body: input.body }, created: false };
  }
}

async function updatePull(octokit: GitHubClient, repo: RepoRef, number: number, input: { title?: string; body?: string; state?: 'open' | 'closed' }): Promise<void> {
  await octokit.rest.pulls.update({ ...repo, pull_number: number, ...input });
}

async function commentOnPull(octokit: GitHubClient, repo: RepoRef, number: number, body: string): Promise<void> {
  await octokit.rest.issues.createComment({ ...repo, issue_number: number, body });
}

/** Labels are added, never replaced: people may have put their own on the PR. */
async function addLabels(octokit: GitHubClient, repo: RepoRef, number: number, labels: readonly string[]): Promise<void> {
  if (labels.length === 0) return;
  await octokit.rest.issues.addLabels({ ...repo, issue_number: number, labels: [...labels] });
}

/**
 * Requests review from the configured people and teams (`org/slug` → `slug`).
 * GitHub refuses the PR's author and people without access with a 422; that
 * must not fail a promotion, so it comes back as a note instead.
 */
async function requestReviewers(
  octokit: GitHubClient,
  repo: RepoRef,
  number: number,
  reviewers: { users: readonly string[]; teams: readonly string[] },
): Promise<string | undefined> {
  if (reviewers.users.length === 0 && reviewers.teams.length === 0) return undefined;
  try {
    await octokit.rest.pulls.requestReviewers({
      ...repo,
      pull_number: number,
      reviewers: [...reviewers.users],
      team_reviewers: reviewers.teams.map((team) => team.slice(team.indexOf('/') + 1)),
    });
    return undefined;
  } catch (error) {
    if (isUnprocessable(error)) return `GitHub refused the reviewers: ${errorMessage(error).split('\n', 1)[0]}`;
    throw error;
  }
}

function labelNames(labels: readonly ({ name?: string } | string)[] | undefined): string[] {
  return (labels ?? []).flatMap((label) => (typeof label === 'string' ? [label] : label.name ? [label.name] : []));
}
