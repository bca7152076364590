import type { GitCommit, GitHub, OpenPull } from '../../adapters/github/port.js';
import { sameRepo, type RepoRef } from '../../adapters/github/types.js';
import { computeManifestChanges, type ManifestChanges, type ManifestFile } from '../../core/promotion/changes.js';
import { formatTrailers, parseTrailers, type LadderTrailers } from '../../core/promotion/trailers.js';

export interface WriteInput {
  manifestRepo: RepoRef;
  codeRepo: RepoRef;
  envBranch: string;
  branch: string;
  /** `manifests.path`: the directory the files go to. */
  dir: string;
  files: readonly ManifestFile[];
  /** The trailers of the commit to write (supersedes is filled in here). */
  trailers: LadderTrailers;
  title: string;
}

export type WriteResult =
  /** The promotion branch now holds our commit; `created` when this call created the branch. */
  | { kind: 'written'; commit: string; envHead: string; created: boolean; pull?: OpenPull; trailers: LadderTrailers; changes: ManifestChanges }
  /** The branch already carries this source (a redelivery, or the merge's second event). */
  | { kind: 'already'; commit: string; envHead: string; pull?: OpenPull; trailers: LadderTrailers }
  /** The environment branch already holds exactly this render. */
  | { kind: 'unchanged'; envHead: string; stale?: { pull?: OpenPull } }
  /** The branch carries a newer source than ours. */
  | { kind: 'superseded'; newer: string; pull?: OpenPull };

/** A lost compare-and-swap is retried from a fresh read; more losses than this in a row is not contention but a bug. */
const maxAttempts = 6;

/**
 * Writes the rendered files to the promotion branch as ONE commit through
 * the Git Data API, safely against concurrent writers (other deliveries,
 * other App replicas):
 *
 * - the commit's tree is the render over the environment branch's tree
 *   (unchanged files are never read: blob ids are compared locally), and its
 *   parents are [environment head, current promotion head], so
 * - moving the branch is a fast-forward, and a non-forced ref update is a
 *   true compare-and-swap: it fails if anyone moved the branch since we read
 *   it; then we read again and redo the step.
 * - Newest wins: a branch carrying a newer commit of the same code history
 *   is left alone (`superseded`); one carrying ours already is `already`.
 */
export async function writePromotionBranch(github: GitHub, input: WriteInput): Promise<WriteResult> {
  const manifests = github.manifestRepo(input.manifestRepo);
  const pulls = github.pulls(input.manifestRepo);
  for (let attempt = 1; ; attempt++) {
    const envHead = await manifests.branchHead(input.envBranch);
    if (!envHead) throw new Error(`${input.manifestRepo.owner}/${input.manifestRepo.repo} has no branch ${input.envBranch}`);
    const [envTree, promotionHead, pull] = await Promise.all([
      manifests.readBlobIds(envHead),
      manifests.branchHead(input.branch),
      pulls.findOpen(input.branch, input.envBranch),
    ]);
    const current: GitCommit | undefined = promotionHead ? await manifests.readCommit(promotionHead) : undefined;
    const carried = current ? parseTrailers(current.message) : undefined;
    const changes = computeManifestChanges(input.files, envTree.blobs, input.dir);
    const withPull = <T extends object>(result: T): T & { pull?: OpenPull } => (pull ? { ...result, pull } : result);

    if (current && carried && carried.sourceSha === input.trailers.sourceSha && carried.image === input.trailers.image) {
      if (changes.edits.length === 0) return { kind: 'unchanged', envHead };
      return withPull({ kind: 'already', commit: current.sha, envHead, trailers: carried });
    }
    if (current && carried && carried.sourceSha !== input.trailers.sourceSha && sameRepoName(carried.sourceRepo, input.codeRepo)) {
      // Ours is older when the branch's source is ahead of it (GitHub's compare: ours...theirs is "ahead").
      const comparison = await github.codeRepo(input.codeRepo).commitsBetween(input.trailers.sourceSha, carried.sourceSha);
      if (comparison?.status === 'ahead') return withPull({ kind: 'superseded', newer: carried.sourceSha });
    }
    if (changes.edits.length === 0) return { kind: 'unchanged', envHead, ...(current ? { stale: pull ? { pull } : {} } : {}) };

    const supersedes = pull && carried ? unique([...(carried.supersedes ?? []), carried.sourceSha]).slice(-20) : [];
    const trailers: LadderTrailers = { ...input.trailers, ...(supersedes.length > 0 ? { supersedes } : {}) };
    const message = `${input.title}\n\nRendered from ${trailers.sourceRepo}@${trailers.sourceSha} for ${trailers.environment}.\n\n${formatTrailers(trailers)}\n`;
    const tree = await manifests.writeTree(envTree.tree, changes.edits);
    const commit = await manifests.writeCommit({ tree, parents: current ? [envHead, current.sha] : [envHead], message });
    const swapped = await manifests.moveBranch(input.branch, current?.sha, commit);
    if (swapped === 'moved') return withPull({ kind: 'written', commit, envHead, created: !current, trailers, changes });
    if (attempt >= maxAttempts) throw new Error(`${input.branch} kept moving while Ladder wrote it (${attempt} attempts)`);
  }
}

function sameRepoName(fullName: string, ref: RepoRef): boolean {
  const [owner = '', repo = ''] = fullName.split('/');
  return sameRepo({ owner, repo }, ref);
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
