import { errorMessage, isUnprocessable } from './errors.js';
import type { GitHubClient, RepoRef } from './types.js';

export interface OpenPull {
  number: number;
  url: string;
  headSha: string;
  body: string;
  /** Label names on the PR. */
  labels: string[];
}

/** The open PR from `branch` into `base`, if any (GitHub allows at most one). */
export async function findOpenPull(octokit: GitHubClient, repo: RepoRef, branch: string, base: string): Promise<OpenPull | undefined> {
  const { data } = await octokit.rest.pulls.list({ ...repo, head: `${repo.owner}:${branch}`, base, state: 'open', per_page: 10 });
  const pull = data.find((p) => p.head.ref === branch);
  return pull ? { number: pull.number, url: pull.html_url, headSha: pull.head.sha, body: pull.body ?? '', labels: labelNames(pull.labels) } : undefined;
}

/**
 * Opens the PR, or finds the one a retried request (or another replica)
 * already opened: GitHub answers "A pull request already exists" then.
 */
export async function openPull(
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

export async function updatePull(octokit: GitHubClient, repo: RepoRef, number: number, input: { title?: string; body?: string; state?: 'open' | 'closed' }): Promise<void> {
  await octokit.rest.pulls.update({ ...repo, pull_number: number, ...input });
}

export async function commentOnPull(octokit: GitHubClient, repo: RepoRef, number: number, body: string): Promise<void> {
  await octokit.rest.issues.createComment({ ...repo, issue_number: number, body });
}

/** Labels are added, never replaced: people may have put their own on the PR. */
export async function addLabels(octokit: GitHubClient, repo: RepoRef, number: number, labels: readonly string[]): Promise<void> {
  if (labels.length === 0) return;
  await octokit.rest.issues.addLabels({ ...repo, issue_number: number, labels: [...labels] });
}

/**
 * Requests review from the configured people and teams (`org/slug` → `slug`).
 * GitHub refuses the PR's author and people without access with a 422; that
 * must not fail a promotion, so it comes back as a note instead.
 */
export async function requestReviewers(
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
