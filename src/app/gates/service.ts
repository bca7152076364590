import { deliveryWorkFailed } from '../deliveries/delivery-scope.js';
import type { Logger } from 'pino';
import { describeGitHubError, errorMessage, statusOf } from '../../adapters/github/errors.js';
import type { GitHub, GitHubAccess } from '../../adapters/github/port.js';
import { formatRepo, type RepoRef } from '../../adapters/github/types.js';
import { parsePromotionBranch } from '../../core/promotion/branch.js';
import { gateContexts } from '../../core/promotion/gates.js';
import { imageContext } from '../../core/promotion/image-gate.js';
import type { Clock } from '../../core/time/clock.js';
import { environmentQueueKey } from '../promotion/engine.js';
import type { ImageGateDeps } from '../deps.js';
import type { KeyedQueue } from '../queue.js';
import { mergeWhenReady } from './auto-merge.js';
import { evaluateGates, readPromotionPull, type PromotionPull } from './evaluate.js';
import { ImageWaits, imageWaitOf, waitKey, type ImageWait, type PublishedPackage } from './image-waits.js';
import { MergedImages, type MergedPromotion } from './merged-images.js';
import { RecheckScheduler } from './scheduler.js';

/** After a failed check, when to try again (GitHub outages are usually short). */
const failureRetryMs = 60_000;
/** Failed checks of one pull request in a row before waiting for the next event instead (an outage that long, or a bug). */
const maxFailedChecks = 10;

/** What a check of one pull request does: evaluate the gates (and then try to merge), or only try to merge. */
export type PullCheck = 'evaluate' | 'merge';

export interface GateServiceDeps {
  github: GitHubAccess;
  queue: KeyedQueue;
  clock: Clock;
  log: Logger;
  /** The `ladder/image` gate, when the App checks images. */
  images?: ImageGateDeps;
}

/**
 * Runs gate evaluations and auto-merge attempts for promotion pull requests
 * on the App's queue, and re-runs them when time alone changes a gate. One
 * per App (built by the composition root), so other features can ask for a
 * re-evaluation (a lock set or cleared by a comment command).
 */
export class GateService {
  private readonly scheduler: RecheckScheduler;
  /** Failed evaluations in a row, per pull request; cleared by one that succeeds. */
  private readonly failures = new Map<string, number>();
  private readonly log: Logger;
  /** Promotion pull requests whose image is not in the registry yet (image gate on). */
  private readonly imageWaits = new ImageWaits();
  /** The gate statuses auto-merge requires. */
  readonly requiredContexts: readonly string[];
  private readonly merged: MergedImages;

  constructor(private readonly deps: GateServiceDeps) {
    this.scheduler = new RecheckScheduler(deps.clock);
    this.log = deps.log.child({ feature: 'gates' });
    this.requiredContexts = deps.images ? [...gateContexts, imageContext] : gateContexts;
    this.merged = new MergedImages({ ...deps, scheduler: this.scheduler, waits: this.imageWaits, log: this.log, retryMs: failureRetryMs });
  }

  /**
   * A package was published (`registry_package`): re-evaluate the promotion
   * pull requests waiting for that image. Returns how many were queued.
   */
  recheckForPackage(published: PublishedPackage): number {
    return this.recheckWaits(this.imageWaits.forPackage(published), 'package published');
  }

  /** A workflow run of a code repository succeeded (`workflow_run`): it may have pushed the image of promotions from that commit. */
  recheckForWorkflowRun(run: { repository: string; headSha: string }): number {
    return this.recheckWaits(this.imageWaits.forWorkflowRun(run), 'workflow run completed');
  }

  /** A promotion pull request merged: see MergedImages.carry. */
  carryImageStatus(installationId: number, github: GitHub, repo: RepoRef, pull: MergedPromotion): Promise<void> {
    return this.merged.carry(installationId, github, repo, pull);
  }

  private recheckWaits(waits: ImageWait[], why: string): number {
    for (const wait of waits) {
      this.log.info({ repo: formatRepo(wait.repo), pull: wait.pull.number, why }, 'Re-checking the image gate');
      if (wait.mergeSha) void this.merged.recheck(wait.installationId, wait.repo, { ...wait.pull, mergeSha: wait.mergeSha });
      else void this.enqueue(wait.installationId, undefined, wait.repo, wait.pull, 'evaluate');
    }
    return waits.length;
  }

  /**
   * Queues a check of one pull request. Work for one environment's pull
   * requests shares a queue key with the rest of that environment's work, so
   * it runs after a promotion in flight has finished (check run included).
   * Without `github` (a timed recheck), a fresh installation client is used.
   */
  enqueue(installationId: number, github: GitHub | undefined, repo: RepoRef, pull: PromotionPull, check: PullCheck): Promise<void> {
    return this.deps.queue.run(environmentQueueKey(repo, pull.baseRef), async () => {
      const log = this.log.child({ repo: formatRepo(repo), pull: pull.number, head: pull.headSha });
      const key = pullKey(repo, pull.number);
      try {
        if (github) await this.checkPull(installationId, github, repo, pull, check, log);
        else {
          // A timed recheck: authenticate afresh (tokens expire) and follow the pull request's current head.
          const fresh = await this.deps.github.forInstallation(installationId);
          const current = await fresh.pulls(repo).get(pull.number);
          if (current.state !== 'open') return;
          await this.checkPull(installationId, fresh, repo, { ...pull, headSha: current.head.sha }, check, log);
        }
        if (check === 'evaluate') this.failures.delete(key);
      } catch (error) {
        // GitHub failing beyond Octokit's retries: try again in a while rather than leave stale statuses.
        // (A failed merge attempt waits for the next event instead.)
        const reason = describeGitHubError(error);
        deliveryWorkFailed();
        if (check !== 'evaluate') return void log.error({ err: { message: reason } }, 'Auto-merge attempt failed; the next event tries again');
        const failed = (this.failures.get(key) ?? 0) + 1;
        // A refusal (no access, gone) or a long run of failures is not an outage to wait out: retrying every minute would never end.
        if (!isPassing(error) || failed >= maxFailedChecks) {
          this.failures.delete(key);
          return void log.error({ err: { message: reason }, failed }, 'Checking promotion gates failed; giving up until the next event');
        }
        this.failures.set(key, failed);
        const retryAt = new Date(this.deps.clock.now().getTime() + failureRetryMs);
        log.error({ err: { message: reason }, retryAt }, 'Checking promotion gates failed; retrying later');
        this.scheduler.schedule(key, retryAt, () => void this.enqueue(installationId, undefined, repo, pull, 'evaluate'));
      }
    });
  }

  /**
   * Re-evaluates every open promotion pull request of every installation:
   * recheck timers live in this process, so after a restart a pull request
   * held by a window or a soak would otherwise wait for an unrelated event.
   * One pull request listing per repository the App is installed on.
   */
  async recheckAllInstallations(): Promise<number> {
    const installations = await this.deps.github.installations();
    let queued = 0;
    for (const installationId of installations) {
      // One installation failing (suspended, or GitHub failing for it) must not leave the others' pull requests unchecked.
      try {
        const github = await this.deps.github.forInstallation(installationId);
        for (const repo of await github.repositories()) {
          const pulls = await openPromotionPulls(github, repo);
          for (const pull of pulls) void this.enqueue(installationId, github, repo, pull, 'evaluate');
          queued += pulls.length;
        }
      } catch (error) {
        this.log.error({ err: { message: describeGitHubError(error) }, installation: installationId }, 'Re-evaluating the promotion pull requests of an installation after start failed');
      }
    }
    this.log.info({ installations: installations.length, pulls: queued }, 'Re-evaluating open promotion pull requests after start');
    return queued;
  }

  /**
   * Queues an evaluation of every open promotion pull request in a manifest
   * repository. The listing itself runs on the queue (so `settled()` and a
   * caller that does not await still see the work), the evaluations after it.
   */
  enqueueRepository(installationId: number, github: GitHub, repo: RepoRef, check: PullCheck = 'evaluate'): Promise<void> {
    return this.deps.queue.run(`gates:list:${formatRepo(repo).toLowerCase()}`, async () => {
      for (const pull of await openPromotionPulls(github, repo)) void this.enqueue(installationId, github, repo, pull, check);
    });
  }

  /** Queues a merge attempt for open promotion pull requests whose head is `sha`. */
  enqueueForHead(installationId: number, github: GitHub, repo: RepoRef, sha: string): Promise<void> {
    return this.deps.queue.run(`gates:list:${formatRepo(repo).toLowerCase()}`, async () => {
      for (const pull of await openPromotionPulls(github, repo)) {
        if (pull.headSha === sha) void this.enqueue(installationId, github, repo, pull, 'merge');
      }
    });
  }

  forget(repo: RepoRef, pullNumber: number): void {
    this.scheduler.cancel(pullKey(repo, pullNumber));
    this.failures.delete(pullKey(repo, pullNumber));
    this.imageWaits.set(pullKey(repo, pullNumber), undefined);
  }

  /** When the pull request's gates are next re-evaluated by time alone (for tests and logs). */
  recheckDueAt(repo: RepoRef, pullNumber: number): Date | undefined {
    return this.scheduler.dueAt(pullKey(repo, pullNumber));
  }

  private async checkPull(installationId: number, github: GitHub, repo: RepoRef, pull: PromotionPull, check: PullCheck, log: Logger): Promise<void> {
    const promotion = await readPromotionPull(github, repo, pull);
    if (!promotion) return void log.debug('Not a Ladder promotion pull request, ignoring');
    // A promotion pull request's lines name what it promotes, as the promotion's own lines do.
    log = log.child({ service: promotion.config.service, environment: promotion.environment.name, commit: promotion.trailers.sourceSha });
    let gates;
    if (check === 'evaluate') {
      const evaluation = await evaluateGates(github, repo, promotion, this.deps.clock.now(), this.deps.images);
      gates = evaluation.results;
      const image = gates.find((gate) => gate.context === imageContext);
      const wait = image && image.state !== 'success' ? imageWaitOf(installationId, repo, pull, promotion.trailers) : undefined;
      if (image) this.imageWaits.set(wait ? waitKey(wait) : pullKey(repo, pull.number), wait);
      log.info({ gates: gates.map((gate) => `${gate.context}=${gate.state}`), written: evaluation.written, recheckAt: evaluation.recheckAt }, 'Gates evaluated');
      // The client is not kept: its installation token expires; the recheck authenticates afresh.
      this.scheduler.schedule(pullKey(repo, pull.number), evaluation.recheckAt, () => {
        void this.enqueue(installationId, undefined, repo, pull, 'evaluate');
      });
    }
    if (!promotion.environment.autoMerge) return;
    const attempt = await mergeWhenReady(github, repo, promotion, gates, this.requiredContexts);
    if (attempt.result === 'merged') log.info({ mergeSha: attempt.sha }, 'Auto-merged promotion pull request');
    else log.info({ reason: attempt.reason }, attempt.result === 'refused' ? 'GitHub refused the auto-merge; retrying on the next event' : 'Not auto-merging yet');
  }
}

/** A failure that may pass by itself: no answer at all, a 5xx, or a rate limit. */
function isPassing(error: unknown): boolean {
  const status = statusOf(error);
  return status === undefined || status >= 500 || status === 429 || (status === 403 && /rate limit/i.test(errorMessage(error)));
}

function pullKey(repo: RepoRef, pullNumber: number): string {
  return `${formatRepo(repo)}#${pullNumber}`;
}

/** Open pull requests from Ladder's promotion or rollback branches (in the repository itself: never a fork's). */
async function openPromotionPulls(github: GitHub, repo: RepoRef): Promise<PromotionPull[]> {
  return (await github.pulls(repo).listOpen())
    .filter((pull) => pull.head.inRepo && parsePromotionBranch(pull.head.ref.replace(/-rollback$/, '')))
    .map((pull) => ({ number: pull.number, headRef: pull.head.ref, headSha: pull.head.sha, baseRef: pull.base.ref }));
}
