import type { Logger } from 'pino';
import { describeGitHubError } from '../../adapters/github/errors.js';
import type { GitHub, GitHubAccess } from '../../adapters/github/port.js';
import { formatRepo, type RepoRef } from '../../adapters/github/types.js';
import { imageContext } from '../../core/promotion/image-gate.js';
import { parseTrailers } from '../../core/promotion/trailers.js';
import type { Clock } from '../../core/time/clock.js';
import type { ImageGateDeps } from '../deps.js';
import { environmentQueueKey } from '../promotion/engine.js';
import type { KeyedQueue } from '../queue.js';
import type { PromotionPull } from './evaluate.js';
import { evaluateImageGate } from './image.js';
import { imageWaitOf, mergedKey, type ImageWaits } from './image-waits.js';
import type { RecheckScheduler } from './scheduler.js';

export type MergedPromotion = PromotionPull & { mergeSha: string };

interface MergedImagesDeps {
  github: GitHubAccess;
  queue: KeyedQueue;
  clock: Clock;
  log: Logger;
  images?: ImageGateDeps;
  /** The gate service's own scheduler and waits: one timer per key, one index for the events. */
  scheduler: RecheckScheduler;
  waits: ImageWaits;
  retryMs: number;
}

/** The `ladder/image` gate of merged promotions: on the commit the merge made, where a waiting agent looks. */
export class MergedImages {
  constructor(private readonly deps: MergedImagesDeps) {}

  /**
   * A promotion pull request merged: its `ladder/image` success is copied onto
   * the commit the merge made, so an agent that waits for the image finds it
   * on the branch head after a squash or rebase merge too. Merged around the
   * gate (image not found yet), the image is looked for on, as for an open
   * pull request, and its status written on the merge commit, so an agent
   * holding that commit can go on once the image is pushed.
   */
  carry(installationId: number, github: GitHub, repo: RepoRef, pull: MergedPromotion): Promise<void> {
    if (!this.deps.images) return Promise.resolve();
    return this.deps.queue.run(environmentQueueKey(repo, pull.baseRef), async () => {
      try {
        const status = (await github.statuses(repo).latest(pull.headSha)).get(imageContext);
        // No status: the pull request was never judged with the image gate on.
        if (!status) return;
        if (status.state === 'success') return void (await github.statuses(repo).set(pull.mergeSha, [{ context: imageContext, state: 'success', description: status.description }]));
        await this.check(installationId, github, repo, pull);
      } catch (error) {
        this.deps.log.error({ err: { message: describeGitHubError(error) }, repo: formatRepo(repo), sha: pull.mergeSha }, 'Could not write ladder/image onto the merge commit; the next recheck tries again');
        this.schedule(installationId, repo, pull, new Date(this.deps.clock.now().getTime() + this.deps.retryMs));
      }
    });
  }

  /** Looks for a merged promotion's image and writes the answer on its merge commit; asks again later while it is missing. */
  private async check(installationId: number, github: GitHub, repo: RepoRef, pull: MergedPromotion): Promise<void> {
    const images = this.deps.images!;
    const trailers = parseTrailers((await github.manifestRepo(repo).readCommit(pull.headSha)).message);
    if (!trailers) return;
    const result = await evaluateImageGate(images.registry, trailers.image, this.deps.clock.now(), images.recheckMs);
    await github.statuses(repo).set(pull.mergeSha, [result]);
    const wait = imageWaitOf(installationId, repo, pull, trailers);
    const key = mergedKey(repo, pull.mergeSha);
    this.deps.waits.set(key, result.state !== 'success' && wait ? { ...wait, mergeSha: pull.mergeSha } : undefined);
    this.deps.log.info({ repo: formatRepo(repo), sha: pull.mergeSha, image: `${result.state}: ${result.description}` }, 'Image of a merged promotion checked');
    if (result.state === 'success') this.deps.scheduler.cancel(key);
    else this.schedule(installationId, repo, pull, result.recheckAt);
  }

  private schedule(installationId: number, repo: RepoRef, pull: MergedPromotion, at: Date | undefined): void {
    this.deps.scheduler.schedule(mergedKey(repo, pull.mergeSha), at, () => void this.recheck(installationId, repo, pull));
  }

  recheck(installationId: number, repo: RepoRef, pull: MergedPromotion): Promise<void> {
    return this.deps.queue.run(environmentQueueKey(repo, pull.baseRef), async () => {
      try {
        await this.check(installationId, await this.deps.github.forInstallation(installationId), repo, pull);
      } catch (error) {
        this.deps.log.error({ err: { message: describeGitHubError(error) }, repo: formatRepo(repo), sha: pull.mergeSha }, 'Checking the image of a merged promotion failed; retrying later');
        this.schedule(installationId, repo, pull, new Date(this.deps.clock.now().getTime() + this.deps.retryMs));
      }
    });
  }
}
