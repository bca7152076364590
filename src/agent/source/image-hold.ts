import type { CommitStatuses, ManifestRepo } from '../../adapters/github/port.js';

/** Whether a commit may be applied now; when not, why (for the deployment and the log). */
export type HoldVerdict = { apply: true } | { apply: false; reason: string };

export interface CommitHold {
  check(commit: string): Promise<HoldVerdict>;
}

const imageContext = 'ladder/image';

/**
 * Holds a manifest commit until the App's `ladder/image` status says its
 * image is in the registry, so no cluster pulls an image that is not there.
 * The agent asks GitHub, never the registry: it needs no registry
 * credentials. The status sits on the promotion pull request's head; after
 * a merge the environment branch's head is a merge commit whose later
 * parents are the merged heads, so those are read when the head itself has
 * no such status (the App also copies it onto the merge commit, which
 * covers squash and rebase merges).
 */
export function imageStatusHold(statuses: CommitStatuses, repo: Pick<ManifestRepo, 'readCommit'>): CommitHold {
  /** Commits never change: where a commit's status was found is kept (one commit at a time is enough). */
  let located: { commit: string; sha: string } | undefined;
  return {
    async check(commit) {
      const own = (await statuses.latest(commit)).get(imageContext);
      if (own) return verdict(own);
      const merged = located?.commit === commit ? [located.sha] : (await repo.readCommit(commit)).parents.slice(1);
      for (const sha of merged) {
        const status = (await statuses.latest(sha)).get(imageContext);
        if (!status) continue;
        located = { commit, sha };
        return verdict(status);
      }
      return { apply: false, reason: `Not applied: no ${imageContext} status on ${commit.slice(0, 12)} (merged without Ladder's image gate?)` };
    },
  };
}

function verdict(status: { state: string; description: string }): HoldVerdict {
  if (status.state === 'success') return { apply: true };
  return { apply: false, reason: `Not applied: ${imageContext} is ${status.state}: ${status.description}` };
}
