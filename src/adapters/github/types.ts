/** A repository as Ladder names it: `owner/name` split in two. */
export interface RepoRef {
  owner: string;
  repo: string;
}

export type { GitHubClient } from './client.js';

/** `owner/name` → RepoRef; anything else is a programming or config error. */
export function parseRepo(fullName: string): RepoRef {
  const match = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/.exec(fullName.trim());
  if (!match) throw new RangeError(`repository names look like owner/name, not ${JSON.stringify(fullName)}`);
  return { owner: match[1]!, repo: match[2]! };
}

export function formatRepo(ref: RepoRef): string {
  return `${ref.owner}/${ref.repo}`;
}

export function sameRepo(a: RepoRef, b: RepoRef): boolean {
  return a.owner.toLowerCase() === b.owner.toLowerCase() && a.repo.toLowerCase() === b.repo.toLowerCase();
}
