import type { Logger } from 'pino';
import type { LeaderElector } from './leader.js';
import type { AgentMetrics } from '../reporting/metrics.js';
import type { DeploymentReport } from '../reporting/deployment-report.js';
import type { BranchSource, SourceSnapshot } from '../source/branch-source.js';
import type { CommitHold } from '../source/image-hold.js';

/** What applying one commit came to, in words fit for a GitHub status and a Slack message. */
export type DeployOutcome = { ok: true; description: string } | { ok: false; stage: 'apply' | 'health' | 'interrupted'; description: string };

/** The Kubernetes side of a deploy: apply (dry-run, SSA, inventory, prune), wait for health, hand the result to drift detection. */
export interface Deployer {
  /**
   * `progress` says how far the deploy got (a rollout in progress), for the deployment's status; it may be called often.
   * `redeploy`: GitHub already shows this commit deployed (a new leader or a restart applies it again).
   */
  deploy(snapshot: SourceSnapshot, signal: AbortSignal, log: Logger, progress?: (description: string) => void, redeploy?: boolean): Promise<DeployOutcome>;
  /** Leadership gained or lost: drift watches run only on the leader. */
  setActive(active: boolean): Promise<void>;
}

export interface DeploymentReporter {
  /** Whether GitHub already shows a successful deployment of this commit (a new leader then does not report it again). */
  alreadyReported(commit: string): Promise<boolean>;
  /** Opens the deployment: applying, or `waiting` with the reason the commit is held. */
  start(commit: string, waiting?: string): Promise<DeploymentReport>;
}

export interface DeployFailureSink {
  deployFailed(failure: { commit: string; stage: string; description: string }): Promise<void>;
}

export interface AgentLoopOptions {
  source: BranchSource;
  elector: LeaderElector;
  deployer: Deployer;
  reporter: DeploymentReporter;
  alerts?: DeployFailureSink;
  /** Asked before each apply: a held commit is not applied, and its deployment says why (`waitForImage`). */
  hold?: CommitHold;
  metrics: AgentMetrics;
  log: Logger;
  pollMs: number;
  /** A failed commit is tried again after this long (a new commit is applied at once). */
  retryFailedMs: number;
  /** At most one write of a rollout's progress to the deployment status per this many ms. Default 5000. */
  progressIntervalMs?: number;
  now?: () => Date;
}

/**
 * The agent's loop: every poll interval read the branch; when this replica
 * leads and the branch moved (or leadership was just gained), apply the
 * commit, wait for health, report the result to GitHub and give drift
 * detection the new desired state. Followers keep reading the branch so they
 * are ready and warm, but never write to the cluster.
 */
export class AgentLoop {
  private readonly stopping = new AbortController();
  private applied: string | undefined;
  private failed: { commit: string; at: number } | undefined;
  /** The commit held back, the reason its deployment shows, and that deployment. */
  private holding: { commit: string; reason: string; report: DeploymentReport } | undefined;
  private wasLeading = false;
  private wake: (() => void) | undefined;
  /** A poll asked for while the loop was busy (reading the branch, applying): the next sleep is skipped. */
  private pollRequested = false;
  private done: Promise<void> | undefined;
  private crashed: Error | undefined;

  constructor(private readonly options: AgentLoopOptions) {}

  /** Ready once the branch was read (or a commit applied): a follower is as ready as the leader. */
  ready(): boolean {
    return this.options.source.wasRead() || this.applied !== undefined;
  }

  /** Why this replica is not ready (for /readyz), or undefined when it is. */
  notReadyBecause(): string | undefined {
    if (this.ready()) return undefined;
    const failure = this.options.source.lastFailure();
    return failure ? `cannot read the environment branch: ${failure}` : 'no commit applied and the source not read yet';
  }

  start(): Promise<void> {
    this.done ??= this.loop().catch((error: unknown) => {
      // Everything the loop calls handles its own failures; reaching here is a bug. /healthz
      // turns 503 so the kubelet restarts the pod instead of leaving a replica that does nothing.
      this.crashed = error instanceof Error ? error : new Error(String(error));
      this.options.log.fatal({ err: this.crashed }, 'the agent loop stopped');
    });
    return this.done;
  }

  /** False once the loop has died. */
  healthy(): boolean {
    return this.crashed === undefined;
  }

  /** Ends the loop: the apply in progress finishes or is aborted at its next step, then the loop returns. */
  async stop(): Promise<void> {
    this.stopping.abort(new Error('the agent is shutting down'));
    this.wake?.();
    await this.done;
  }

  /** Polls at once instead of waiting for the interval (a push notification, or a test). */
  pollNow(): void {
    if (this.wake) this.wake();
    else this.pollRequested = true;
  }

  private async loop(): Promise<void> {
    const { source, elector, log } = this.options;
    while (!this.stopping.signal.aborted) {
      const leading = elector.isLeader();
      if (leading !== this.wasLeading) await this.leadershipChanged(leading);
      const result = await source.poll();
      if (this.stopping.signal.aborted) break;
      const snapshot = result.snapshot;
      if (leading && elector.isLeader() && snapshot && this.shouldDeploy(snapshot.commit)) {
        await this.deploy(snapshot);
      } else if (result.kind === 'failed' && !snapshot) {
        log.debug('no commit read yet; nothing to apply');
      }
      await this.sleep(this.options.pollMs);
    }
    if (this.wasLeading) await this.options.deployer.setActive(false);
  }

  private async leadershipChanged(leading: boolean): Promise<void> {
    this.wasLeading = leading;
    this.options.metrics.isLeader = leading ? 1 : 0;
    // A new leader re-applies the current commit: server-side apply makes it a no-op when
    // nothing changed, and it gives drift detection its desired state.
    this.applied = undefined;
    this.failed = undefined;
    this.holding = undefined;
    await this.options.deployer.setActive(leading);
  }

  private shouldDeploy(commit: string): boolean {
    if (commit === this.applied) return false;
    if (this.failed?.commit === commit) return Date.now() - this.failed.at >= this.options.retryFailedMs;
    return true;
  }

  private async deploy(snapshot: SourceSnapshot): Promise<void> {
    const { deployer, reporter, metrics, alerts } = this.options;
    const { commit } = snapshot;
    const log = this.options.log.child({ commit, files: snapshot.files.length });
    // Work stops when the agent stops or loses the Lease, whichever comes first.
    const leadership = this.options.elector.leadershipSignal();
    const signal = leadership ? AbortSignal.any([this.stopping.signal, leadership]) : this.stopping.signal;
    let report: DeploymentReport | undefined;
    if (this.options.hold) {
      const verdict = await this.options.hold.check(commit).catch((error: unknown) => ({ apply: false as const, reason: `Not applied: cannot read the ladder/image status (${(error as Error).message})` }));
      if (!verdict.apply) return this.hold(commit, verdict.reason, log);
    }
    const held = this.holding?.commit === commit ? this.holding.report : undefined;
    this.holding = undefined;
    try {
      const quiet = !held && this.applied === undefined && (await reporter.alreadyReported(commit).catch(() => false));
      if (held) await (report = held).applying();
      else if (!quiet) report = await reporter.start(commit);
      log.info('applying manifest commit');
      const started = Date.now();
      let outcome: DeployOutcome;
      const progress = report ? progressReporter(report, log, this.options.progressIntervalMs ?? 5000) : undefined;
      try {
        outcome = await deployer.deploy(snapshot, signal, log, progress?.say, quiet);
      } catch (error) {
        outcome = signal.aborted
          ? { ok: false, stage: 'interrupted', description: `Interrupted: ${(signal.reason as Error)?.message ?? 'stopped'}; the next leader applies it again` }
          : { ok: false, stage: 'apply', description: `Apply failed: ${(error as Error).message}` };
      }
      // Nothing more in progress once the outcome is known, and the outcome never overtaken by a progress write.
      await progress?.end();
      if (outcome.ok) {
        this.applied = commit;
        this.failed = undefined;
        metrics.recordApplied(commit, this.options.now?.() ?? new Date());
        log.info({ ms: Date.now() - started }, outcome.description);
        await report?.succeeded(outcome.description);
      } else {
        this.failed = { commit, at: Date.now() };
        metrics.applyFailuresTotal++;
        log.error({ stage: outcome.stage }, outcome.description);
        await report?.failed(outcome.description);
        if (outcome.stage !== 'interrupted') await alerts?.deployFailed({ commit, stage: outcome.stage, description: outcome.description }).catch((error: unknown) => log.error({ err: error }, 'could not send the deploy failure alert'));
      }
    } catch (error) {
      // Reporting failed (GitHub down between poll and report): try the commit again later.
      this.failed = { commit, at: Date.now() };
      log.error({ err: error }, 'could not report the deployment to GitHub');
    }
  }

  /**
   * Leaves a commit unapplied and says why on its GitHub deployment (`queued`),
   * once per reason: each poll asks again, and the deployment changes only
   * when the answer does. A GitHub failure here is logged; the next poll retries.
   */
  private async hold(commit: string, reason: string, log: Logger): Promise<void> {
    const current = this.holding?.commit === commit ? this.holding : undefined;
    if (current?.reason === reason) return;
    log.warn({ reason }, 'holding the manifest commit');
    try {
      const report = current ? current.report : await this.options.reporter.start(commit, reason);
      if (current) await report.waiting(reason);
      this.holding = { commit, reason, report };
    } catch (error) {
      log.error({ err: error }, 'could not report the held deployment to GitHub');
    }
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopping.signal.aborted) return Promise.resolve();
    // Leadership gained while the branch was being read would otherwise wait a whole interval to apply.
    if (this.pollRequested) {
      this.pollRequested = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = undefined;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
    });
  }
}

/**
 * The rollout's progress on the deployment's status: the latest description,
 * at most one write per `intervalMs` (a rollout changes state often), the
 * first one `intervalMs` after the deploy began, none after `end()`, which
 * waits for the write in flight.
 */
function progressReporter(report: DeploymentReport, log: Logger, intervalMs: number): { say(description: string): void; end(): Promise<void> } {
  let latest: string | undefined;
  let sent: string | undefined;
  // The first progress comes an interval after "Applying": a rollout that is quick says nothing more.
  let lastAt = Date.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let inFlight: Promise<void> | undefined;
  let ended = false;
  const send = () => {
    timer = undefined;
    if (ended || inFlight || latest === undefined || latest === sent) return;
    const description = latest;
    sent = description;
    lastAt = Date.now();
    inFlight = report
      .progress(description)
      .catch((error: unknown) => log.warn({ err: error }, 'could not report the rollout progress to GitHub'))
      .finally(() => {
        inFlight = undefined;
        schedule();
      });
  };
  const schedule = () => {
    if (ended || timer || inFlight || latest === sent) return;
    timer = setTimeout(send, Math.max(0, lastAt + intervalMs - Date.now()));
  };
  return {
    say(description) {
      latest = description;
      schedule();
    },
    async end() {
      ended = true;
      if (timer) clearTimeout(timer);
      await inFlight;
    },
  };
}
