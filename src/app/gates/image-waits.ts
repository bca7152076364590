import { formatRepo, type RepoRef } from '../../adapters/github/types.js';
import { parseImageReference, type ImageReference } from '../../core/images/reference.js';
import type { LadderTrailers } from '../../core/promotion/trailers.js';
import type { PromotionPull } from './evaluate.js';

/** A promotion pull request whose image is not there yet, and what would tell us it arrived. */
export interface ImageWait {
  installationId: number;
  repo: RepoRef;
  pull: PromotionPull;
  image: ImageReference;
  /** The code repository and commit whose CI builds the image (`Ladder-Source`). */
  sourceRepo: string;
  sourceSha: string;
  /** Set when the pull request was merged around the gate: the status then goes on the merge commit. */
  mergeSha?: string;
}

/** What a `registry_package` event says was published. */
export interface PublishedPackage {
  name: string;
  tags: string[];
  digest?: string;
}

/**
 * The promotion pull requests waiting for their image, so a `registry_package`
 * or `workflow_run` event re-checks exactly those it may concern instead of
 * every open pull request. Filled by evaluations, so after a restart the
 * start-up re-evaluation fills it again.
 */
export class ImageWaits {
  private readonly waits = new Map<string, ImageWait>();

  set(key: string, wait: ImageWait | undefined): void {
    if (wait) this.waits.set(key, wait);
    else this.waits.delete(key);
  }

  /** Waits a published package may end: the same repository name (its last part), and the tag or digest. */
  forPackage(published: PublishedPackage): ImageWait[] {
    const name = published.name.toLowerCase();
    return [...this.waits.values()].filter(({ image }) => {
      const repository = image.repository.toLowerCase();
      if (repository !== name && !repository.endsWith(`/${name}`)) return false;
      return (image.tag !== undefined && published.tags.includes(image.tag)) || (image.digest !== undefined && image.digest === published.digest);
    });
  }

  /** Waits whose image the finished workflow run may have pushed: a run of the source repository at the source commit. */
  forWorkflowRun(run: { repository: string; headSha: string }): ImageWait[] {
    const repository = run.repository.toLowerCase();
    return [...this.waits.values()].filter((wait) => wait.sourceRepo.toLowerCase() === repository && wait.sourceSha === run.headSha);
  }

  size(): number {
    return this.waits.size;
  }
}

export function imageWaitOf(installationId: number, repo: RepoRef, pull: PromotionPull, trailers: LadderTrailers): ImageWait | undefined {
  const image = parseImageReference(trailers.image);
  if (typeof image === 'string') return undefined;
  return { installationId, repo, pull, image, sourceRepo: trailers.sourceRepo, sourceSha: trailers.sourceSha };
}

export function waitKey(wait: ImageWait): string {
  return wait.mergeSha ? mergedKey(wait.repo, wait.mergeSha) : `${formatRepo(wait.repo)}#${wait.pull.number}`;
}

export function mergedKey(repo: RepoRef, mergeSha: string): string {
  return `${formatRepo(repo)}@${mergeSha}`;
}
