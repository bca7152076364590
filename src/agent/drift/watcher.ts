import type { Logger } from 'pino';
import { systemClock, type Clock } from '../../adapters/clock/clock.js';
import type { KubeClient, KubeObject, ObjectRef } from '../../adapters/kube/client.js';
import type { AlertSink } from '../../core/alerts/types.js';
import { appliedBetween } from '../../core/drift/index.js';
import { resolveIncident } from '../../core/drift/incident.js';
import { readLive } from '../apply/live.js';
import { mapLimit } from '../apply/parallel.js';
import { buildTarget, type DesiredObject } from './build-target.js';
import { Debouncer } from './debounce.js';
import { EvaluationQueue } from './evaluation-queue.js';
import { evaluateTarget, type EvaluationContext } from './evaluate.js';
import { identityOfLive, identityOfObject, keep, managedFieldsOnly, unpack, type Target, type WatchSpec } from './target.js';
import { Watches, type WatchEvent } from './watches.js';
import type { ListPage } from './watch-group.js';

export type { DesiredObject } from './build-target.js';

export interface DriftWatcherOptions {
  client: KubeClient;
  sink: AlertSink;
  environment: string;
  selfHeal?: boolean;
  /** Take fields other managers own when healing or taking a snapshot, as the sync does with `apply.forceConflicts` (default false). */
  forceConflicts?: boolean;
  /**
   * Asked before each self-heal: false while this replica does not hold the
   * Lease, so a replica that lost it never writes over the new leader's apply.
   */
  mayHeal?: () => boolean;
  clock?: Clock;
  log?: Pick<Logger, 'info' | 'warn' | 'debug'>;
  /** Quiet time a burst of events needs before it is judged (default 300 ms)… */
  debounceMs?: number;
  /** …but never longer than this after its first event (default 1,500 ms), so a report takes under 2 s. */
  maxDelayMs?: number;
  /** Snapshots read at once by setDesired when dry-runs are needed (default 8). */
  concurrency?: number;
  /** Objects judged at once (default 16); the rest wait their turn, so judging a whole commit does not start thousands at once. */
  evaluationConcurrency?: number;
  /** Least time between two self-heals of one object (default 5 s), so Ladder does not fight a controller at full speed. */
  healIntervalMs?: number;
}

/**
 * Watches the objects of the applied commit and reports drift: a managed
 * field whose live value differs from what Ladder applied, or an object gone.
 * One watch per resource and namespace (the inventory label selects the
 * members), so idle API traffic does not grow with the number of objects.
 */
export class DriftWatcher {
  private targets = new Map<string, Target>();
  /** The keys listed so far by each watch whose list is still coming, a page at a time. */
  private readonly listing = new Map<string, Set<string>>();
  private readonly watches: Watches;
  /** Targets waiting for their burst of events to settle before they are judged. */
  private readonly dirty: Debouncer<Target>;
  /** Due targets, judged a few at a time. */
  private readonly evaluations: EvaluationQueue;
  private readonly clock: Clock;
  private readonly context: EvaluationContext;
  private running = false;
  private desiring: Promise<void> = Promise.resolve();

  constructor(private readonly options: DriftWatcherOptions) {
    this.clock = options.clock ?? systemClock;
    this.watches = new Watches(options.client, { onEvent: (type, object, source) => this.onEvent(type, object, source), onListed: (key, objects, page) => this.onListed(key, objects, page) }, options.log);
    this.evaluations = new EvaluationQueue({
      concurrency: options.evaluationConcurrency ?? 16,
      judge: (target) => evaluateTarget(target, this.context),
      current: (target) => this.targets.get(target.key),
      markDirty: (target) => this.markDirty(target),
      running: () => this.running,
      log: options.log,
    });
    this.dirty = new Debouncer(this.clock, (target) => this.evaluations.queueEvaluation(target));
    this.context = {
      client: options.client,
      sink: options.sink,
      environment: options.environment,
      selfHeal: options.selfHeal ?? false,
      policy: { forceConflicts: options.forceConflicts ?? false },
      mayHeal: options.mayHeal ?? (() => true),
      healIntervalMs: options.healIntervalMs ?? 5000,
      clock: this.clock,
      log: options.log,
      watchStray: (target) => this.watches.watchStray(target),
      retryLater: (target, ms) => this.markDirty(target, ms),
    };
  }

  /** Number of objects with an open drift incident (for the metric). */
  driftedCount(): number {
    let count = 0;
    for (const target of this.targets.values()) if (target.incident) count++;
    return count;
  }

  /**
   * The live object as the watch last saw it, when that shows no drift on
   * Ladder's fields from the apply of content `hash`: the watch is listed
   * and open, the version is the one Ladder's apply answered or one judged
   * clean since, and no incident is open. Undefined whenever unsure (the
   * sync then dry-runs the object as usual).
   */
  unchanged(ref: ObjectRef, hash: string): string | undefined {
    if (!this.running) return undefined;
    const target = this.targets.get(identityOfObject(ref.apiVersion, ref.kind, ref.namespace, ref.name));
    if (!target || target.hash !== hash || target.incident || !target.live) return undefined;
    if (target.live !== target.snapshot && target.live !== target.judgedClean) return undefined;
    if (!this.watches.synced(target.watch.key)) return undefined;
    return target.live.text;
  }

  /**
   * The object's version its last finished evaluation judged ('' gone), or the live one while that is
   * the apply's answer (nothing to judge). Tests wait for a write's version: its drift is reported by then.
   */
  judgedVersion(ref: ObjectRef): string | undefined {
    const target = this.targets.get(identityOfObject(ref.apiVersion, ref.kind, ref.namespace, ref.name));
    if (!target) return undefined;
    if (target.live && target.live === target.snapshot && !target.incident) return target.live.resourceVersion;
    return target.judged === null ? '' : target.judged?.resourceVersion;
  }

  /** Replaces the watched set with the objects of `commit`. Incidents of objects no longer in Git resolve as superseded. */
  setDesired(commit: string, objects: DesiredObject[]): Promise<void> {
    // One commit at a time: a later call must not be overtaken by an earlier one still reading snapshots.
    const replaced = this.desiring.then(() => this.replaceDesired(commit, objects));
    this.desiring = replaced.catch(() => undefined);
    return replaced;
  }

  private async replaceDesired(commit: string, objects: DesiredObject[]): Promise<void> {
    const next = new Map<string, Target>();
    const context = { policy: this.context.policy, previousTarget: (key: string) => this.targets.get(key), log: this.options.log, keepDesired: this.context.selfHeal };
    const targets = await mapLimit(objects, this.options.concurrency ?? 8, (object) => buildTarget(this.options.client, commit, object, context));
    // Targets of one watch share its spec (thousands of copies of the same path and selector otherwise).
    const specs = new Map<string, WatchSpec>([...this.targets.values()].map((t) => [t.watch.key, t.watch]));
    for (const target of targets) {
      if (!target) continue;
      const spec = specs.get(target.watch.key);
      if (spec) target.watch = spec;
      else specs.set(target.watch.key, target.watch);
      next.set(target.key, target);
    }
    const previous = this.targets;
    this.targets = next;
    this.forgetStale();
    for (const [key, old] of previous) {
      if (next.has(key) || !old.incident) continue;
      this.evaluations.track(this.options.sink.driftResolved(resolveIncident(old.incident, this.clock.now(), 'superseded')));
    }
    this.watches.follow(new Map([...next.values()].map((target) => [target.watch.key, target.watch])));
    for (const target of next.values()) {
      if (target.live === undefined && this.watches.has(target.watch.key) && this.running) this.readOnce(target);
      else if (needsJudging(target)) this.markDirty(target);
    }
  }

  async start(): Promise<void> {
    this.running = true;
    this.watches.start();
    // Judge what is already known (state from before a stop); lists fill in the rest.
    for (const target of this.targets.values()) if (target.live !== undefined && needsJudging(target)) this.markDirty(target);
  }

  async stop(): Promise<void> {
    this.running = false;
    this.dirty.clear();
    this.evaluations.clear();
    await this.watches.stop();
    await this.evaluations.settled();
  }

  /** Resolves when no evaluation, heal or alert is in flight (tests). */
  settled(): Promise<void> {
    return this.evaluations.settled();
  }

  private onEvent(type: WatchEvent, object: KubeObject, source: 'member' | 'stray'): void {
    const key = identityOfLive(object);
    const target = key ? this.targets.get(key) : undefined;
    if (!target) return;
    if (type === 'DELETED') {
      target.previous = managedFieldsOnly(unpack(target.live)) ?? target.previous;
      target.live = null;
    } else {
      this.observe(target, object);
      if (source === 'member') this.watches.stopStray(target.key);
    }
    this.markDirty(target);
  }

  /** A page of a watch's list: its objects are observed now, and only their keys are kept until the last page says what is gone. */
  private onListed(watchKey: string, objects: KubeObject[], page: ListPage): void {
    let seen = this.listing.get(watchKey);
    if (page.first || !seen) this.listing.set(watchKey, (seen = new Set()));
    for (const live of objects) {
      const key = identityOfLive(live);
      if (!key) continue;
      seen.add(key);
      const target = this.targets.get(key);
      if (!target || target.watch.key !== watchKey || live.metadata?.resourceVersion === target.live?.resourceVersion) continue;
      this.observe(target, live);
      this.markDirty(target);
    }
    if (!page.last) return;
    this.listing.delete(watchKey);
    for (const target of this.targets.values()) {
      if (target.watch.key !== watchKey || seen.has(target.key) || target.live === null) continue;
      target.previous = managedFieldsOnly(unpack(target.live));
      target.live = null;
      this.markDirty(target);
    }
  }

  /**
   * A new version of a target. When Ladder itself wrote it (a new commit
   * applied, before setDesired names it), it is the new snapshot, so the
   * commit's own changes are not taken for drift.
   */
  private observe(target: Target, object: KubeObject): void {
    const before = unpack(target.live);
    const kept = keep(object);
    if (appliedBetween(before, object)) target.snapshot = kept;
    target.previous = managedFieldsOnly(before);
    target.live = kept;
  }

  /** A new object in a group that is already watching (its list came before it): read it once. */
  private readOnce(target: Target): void {
    this.evaluations.track(
      readLive(this.options.client, this.options.client.pathFor(target.ref, target.info)).then((live) => {
        if (target.live === undefined) target.live = live ? keep(live) : null;
        this.markDirty(target);
      }),
    );
  }

  /** Judges the target once events have been quiet for debounceMs, at most maxDelayMs after the first. */
  private markDirty(target: Target, delayMs?: number): void {
    if (!this.running || this.targets.get(target.key) !== target) return;
    const timing = { quietMs: this.options.debounceMs ?? 300, maxDelayMs: this.options.maxDelayMs ?? 1500 };
    this.dirty.mark(target, delayMs === undefined ? timing : { ...timing, delayMs });
  }

  /** Drops waiting work of targets that setDesired replaced (their successors are marked on their own). */
  private forgetStale(): void {
    const current = (target: Target) => this.targets.get(target.key) === target;
    this.dirty.forget(current);
    this.evaluations.forget(current);
  }
}

/**
 * The apply's answer is both the snapshot and the live object until the
 * object changes: such a target cannot drift, so it is not judged (and its
 * field set is not parsed) until an event or a list shows another version.
 * An incident carried over from the previous commit is judged, so it resolves.
 */
function needsJudging(target: Target): boolean {
  return target.live !== target.snapshot || target.incident !== undefined;
}
