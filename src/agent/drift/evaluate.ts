import type { Logger } from 'pino';
import type { Clock } from '../../core/time/clock.js';
import type { KubeClient, KubeObject } from '../../adapters/kube/client.js';
import { compareWithSnapshot } from '../../core/drift/index.js';
import type { AlertSink, DriftIncident, SelfHealResult } from '../../core/alerts/types.js';
import { isDrift, openIncident, resolveIncident, signatureOf, updateIncident } from '../../core/drift/incident.js';
import { readLive } from '../apply/live.js';
import { PART_OF_LABEL } from '../apply/marks.js';
import { serverSideApplyText, type ApplyPolicy } from '../apply/server-side-apply.js';
import { keep, keepText, managedFieldsOnly, unpack, type Kept, type Target } from './target.js';

export interface EvaluationContext {
  client: KubeClient;
  sink: AlertSink;
  environment: string;
  selfHeal: boolean;
  /** How a heal applies: as the sync does, taking other managers' fields only with `forceConflicts`. */
  policy: ApplyPolicy;
  /** Whether this replica may write now (it leads); a replica that lost the Lease only reports. */
  mayHeal: () => boolean;
  healIntervalMs: number;
  clock: Clock;
  log?: Pick<Logger, 'info' | 'warn' | 'debug'>;
  /** Watch an object by name after it left its group's selection. */
  watchStray(target: Target): void;
  /** Judge the target again after `ms`. */
  retryLater(target: Target, ms: number): void;
}

/**
 * Compares one target's live object with its snapshot and moves its incident
 * along: open on first drift, update when the drift reads differently,
 * resolve when live matches again. With self-heal, re-applies first, so the
 * report already says whether healing worked.
 */
export async function evaluateTarget(target: Target, context: EvaluationContext): Promise<void> {
  if (target.live === undefined) return;
  if (target.live === null) await confirmGone(target, context);
  const judged = target.live;
  await judge(target, judged, context);
  target.judged = judged;
}

async function judge(target: Target, judged: Kept | null, context: EvaluationContext): Promise<void> {
  const now = context.clock.now();
  const snapshot = unpack(target.snapshot);
  const live = judged === target.snapshot ? snapshot : unpack(judged);
  const result = compareWithSnapshot(snapshot, live, { previous: target.previous });
  if (!isDrift(result)) {
    if (judged) target.judgedClean = judged;
    if (!target.incident) return;
    const incident = target.incident;
    const resolution = incident.commit !== target.commit ? 'superseded' : incident.selfHeal?.ok ? 'healed' : 'fixed';
    target.incident = undefined;
    target.signature = undefined;
    context.log?.info({ object: target.key, incident: incident.id, resolution }, 'drift resolved');
    await context.sink.driftResolved(resolveIncident(incident, now, resolution));
    return;
  }
  const signature = signatureOf(result);
  const input = { environment: context.environment, commit: target.commit, object: target.ref, ...(target.file ? { file: target.file } : {}) };
  let incident: DriftIncident | undefined;
  if (!target.incident) incident = openIncident(input, result, now);
  else if (signature !== target.signature) incident = updateIncident(target.incident, result, now, target.commit);
  const heal = context.selfHeal && context.mayHeal() ? await healIfDue(target, live, context) : undefined;
  if (!incident && !heal) return;
  incident ??= { ...target.incident!, observedAt: now, revision: target.incident!.revision + 1 };
  if (heal) incident.selfHeal = heal;
  target.incident = incident;
  target.signature = signature;
  context.log?.info({ object: target.key, incident: incident.id, revision: incident.revision, fields: incident.changes.map((c) => c.path) }, 'drift detected');
  await context.sink.driftDetected(incident);
}

/** A member that left the watch's selection may still exist with another label: look before calling it deleted. */
async function confirmGone(target: Target, context: EvaluationContext): Promise<void> {
  const live = await readLive(context.client, context.client.pathFor(target.ref, target.info));
  if (!live) return;
  target.live = keep(live);
  if (target.partOf && live.metadata?.labels?.[PART_OF_LABEL] !== target.partOf) context.watchStray(target);
}

/**
 * Re-applies the desired object exactly as the sync applies it (one apply
 * path, one policy); at most once per healIntervalMs per object, retried
 * after that. Without `forceConflicts`, a field another manager took (a
 * `kubectl edit`) is a conflict the heal reports rather than takes back.
 */
async function healIfDue(target: Target, live: KubeObject | undefined, context: EvaluationContext): Promise<SelfHealResult | undefined> {
  const now = context.clock.now().getTime();
  const wait = (target.lastHealAt ?? -Infinity) + context.healIntervalMs - now;
  if (wait > 0) {
    context.retryLater(target, wait);
    return undefined;
  }
  target.lastHealAt = now;
  try {
    if (target.desiredText === undefined) throw new Error('the desired object was not kept (self-heal was off when it was handed over)');
    const answer = keepText(await serverSideApplyText(context.client, { path: context.client.pathFor(target.ref, target.info), body: target.desiredText }, context.policy));
    target.snapshot = answer;
    target.previous = managedFieldsOnly(live);
    target.live = answer;
    context.log?.info({ object: target.key }, 'drift healed: re-applied');
    return { ok: true, at: context.clock.now() };
  } catch (error) {
    context.log?.warn({ object: target.key, error: (error as Error).message }, 'drift: self-heal failed');
    return { ok: false, at: context.clock.now(), message: (error as Error).message };
  }
}
