import type { Logger } from 'pino';
import type { Target } from './target.js';

export interface EvaluationQueueOptions {
  /** Targets judged at once; the rest wait their turn. */
  concurrency: number;
  judge(target: Target): Promise<void>;
  /** The target now standing for this one's object (setDesired may have replaced it), if any. */
  current(target: Target): Target | undefined;
  /** Marks a target for judging again (debounced). */
  markDirty(target: Target): void;
  running(): boolean;
  log?: Pick<Logger, 'warn'> | undefined;
}

/**
 * Judges due targets at most `concurrency` at a time, so judging a whole
 * commit does not start thousands of evaluations at once. A target whose
 * events arrive while it is judged is judged again afterwards; one that
 * setDesired replaced meanwhile hands what was reported to its successor.
 * Every promise started here is tracked, so stop and tests can wait for them.
 */
export class EvaluationQueue {
  private readonly waiting = new Set<Target>();
  private evaluating = 0;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly options: EvaluationQueueOptions) {}

  /** Judges the target now when a slot is free, else when one frees up; once more after, if it changed meanwhile. */
  queueEvaluation(target: Target): void {
    if (target.evaluating) {
      target.changedWhileEvaluating = true;
      return;
    }
    if (this.evaluating >= this.options.concurrency) {
      this.waiting.add(target);
      return;
    }
    this.evaluating++;
    target.evaluating = true;
    this.track(
      this.options.judge(target).finally(() => {
        this.evaluating--;
        target.evaluating = false;
        const current = this.options.current(target);
        if (current && current !== target) {
          // setDesired replaced the target meanwhile: keep what this evaluation reported, judge the new one.
          current.incident ??= target.incident;
          current.signature ??= target.signature;
          this.options.markDirty(current);
        } else if (target.changedWhileEvaluating) {
          target.changedWhileEvaluating = false;
          this.options.markDirty(target);
        }
        this.startWaiting();
      }),
    );
  }

  /** Drops waiting targets that `keep` refuses (replaced by setDesired). */
  forget(keep: (target: Target) => boolean): void {
    for (const target of this.waiting) if (!keep(target)) this.waiting.delete(target);
  }

  /** Drops every waiting target (the watcher stops). */
  clear(): void {
    for (const target of this.waiting) target.firstDirtyAt = target.dueAt = undefined;
    this.waiting.clear();
  }

  /** Runs `promise` as the watcher's work: a failure is logged, never thrown, and `settled` waits for it. */
  track(promise: Promise<void>): void {
    const guarded = promise.catch((error: unknown) => this.options.log?.warn({ error: (error as Error).message }, 'drift: evaluation failed'));
    this.inFlight.add(guarded);
    void guarded.finally(() => this.inFlight.delete(guarded));
  }

  /** Resolves when nothing started here is in flight. */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private startWaiting(): void {
    for (const target of this.waiting) {
      if (this.evaluating >= this.options.concurrency) return;
      this.waiting.delete(target);
      if (this.options.running() && this.options.current(target) === target) this.queueEvaluation(target);
    }
  }
}
