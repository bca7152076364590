import type { Bed } from './bed.js';
import { nowIso } from './bed.js';
import { requestSuites } from './check-suites.js';
import { headRepoName, refreshPull } from './pull-status.js';
import type { RepoState, User } from './state.js';
import { pullRequestPayload, pushPayload } from './webhooks/payloads.js';

export interface RefWrite {
  /** Full ref name, `refs/heads/main`. */
  ref: string;
  /** New target, or null to delete. */
  sha: string | null;
  /**
   * Compare-and-swap: the value the caller saw. null = must not exist yet;
   * undefined = unconditional.
   */
  expected?: string | null;
  forced?: boolean;
  /** No webhooks (repository set-up by tests). */
  silent?: boolean;
}

/**
 * Every ref change goes through here so that it behaves like a push on
 * GitHub: compare-and-swap in git, `pushed_at`, open pull requests following
 * their head branch (`synchronize`), and a `push` webhook.
 * Returns false when the ref had moved (lost race).
 */
export async function writeRef(bed: Bed, repo: RepoState, write: RefWrite, pusher: User): Promise<boolean> {
  const before = await bed.git.revParse(repo.fullName, write.ref);
  if (write.expected !== undefined && write.expected !== before) return false;
  const done =
    write.sha === null
      ? await bed.git.deleteRef(repo.fullName, write.ref, before ?? undefined)
      : await bed.git.updateRef(repo.fullName, write.ref, write.sha, before);
  if (!done) return false;
  if (before === write.sha) return true;
  repo.pushedAt = nowIso(bed);
  if (write.ref.startsWith('refs/heads/') && !write.silent) {
    await announcePush(bed, repo, { ref: write.ref, before, after: write.sha, forced: Boolean(write.forced) }, pusher);
  }
  return true;
}

async function announcePush(
  bed: Bed,
  repo: RepoState,
  change: { ref: string; before: string | null; after: string | null; forced: boolean },
  pusher: User,
): Promise<void> {
  bed.emit({ event: 'push', payload: await pushPayload(bed, repo, change, pusher) });
  const branch = change.ref.slice('refs/heads/'.length);
  if (change.after) await requestSuites(bed, repo, { branch, before: change.before, after: change.after }, pusher);
  // Open pull requests whose head is this branch follow it: in this repository, and in the
  // repositories this one is a fork of (a fork's pull request lives in its parent).
  for (const base of bed.state.repos.values()) {
    for (const pull of base.pulls.values()) {
      if (pull.state !== 'open' || pull.head.ref !== branch || !change.after) continue;
      if (headRepoName(base, pull).toLowerCase() !== repo.fullName.toLowerCase()) continue;
      const previous = pull.head.sha;
      await refreshPull(bed, base, pull);
      await bed.git.updateRef(base.fullName, `refs/pull/${pull.number}/head`, pull.head.sha);
      pull.updatedAt = nowIso(bed);
      const payload = await pullRequestPayload(bed, base, pull, 'synchronize', pusher, { before: previous, after: pull.head.sha });
      bed.emit({ event: 'pull_request', payload });
    }
  }
}
