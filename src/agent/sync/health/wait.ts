import { describeRef, type KubeClient, type ObjectRef } from '../../../adapters/kube/client.js';
import { readLive } from '../../apply/live.js';
import { sleep } from '../../../core/time/sleep.js';
import { mapLimit } from '../../apply/parallel.js';
import { healthCheckFor } from './checks.js';
import type { HealthState } from './types.js';

export interface HealthOptions {
  /** Give up after this long; the outcome then names each object that is not healthy and why. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** Time between reads of the objects not healthy yet. Default 2000. */
  pollMs?: number;
  /** Reads in flight at once. Default 8. */
  concurrency?: number;
}

export interface ObjectHealth {
  ref: ObjectRef;
  state: HealthState;
  reason?: string;
}

export interface HealthOutcome {
  healthy: boolean;
  /** True when the deadline passed with objects still progressing. */
  timedOut: boolean;
  objects: ObjectHealth[];
  /** One line: `3 objects healthy`, or each unhealthy object and why. */
  message: string;
}

/**
 * Waits until every Deployment, StatefulSet, DaemonSet, Job and
 * PersistentVolumeClaim among `refs` is healthy; other kinds count as healthy
 * once they exist. Returns early when one fails for good (a failed Job, a
 * Deployment past its progress deadline). An abort through `signal` rejects.
 */
export async function waitForHealth(client: KubeClient, refs: readonly ObjectRef[], options: HealthOptions): Promise<HealthOutcome> {
  const deadline = Date.now() + options.timeoutMs;
  const results = new Map<ObjectRef, ObjectHealth>(refs.map((ref) => [ref, { ref, state: 'progressing', reason: 'not read yet' }]));
  let pending = [...refs];
  for (;;) {
    await mapLimit(pending, options.concurrency ?? 8, async (ref) => results.set(ref, await judge(client, ref, options.signal)), options.signal);
    pending = pending.filter((ref) => results.get(ref)!.state === 'progressing');
    const objects = refs.map((ref) => results.get(ref)!);
    const failed = objects.filter((o) => o.state === 'failed');
    if (failed.length) return { healthy: false, timedOut: false, objects, message: describeUnhealthy('failed', failed) };
    if (pending.length === 0) return { healthy: true, timedOut: false, objects, message: `${refs.length} objects healthy` };
    if (Date.now() >= deadline) {
      const late = objects.filter((o) => o.state !== 'healthy');
      return { healthy: false, timedOut: true, objects, message: describeUnhealthy(`not healthy after ${Math.round(options.timeoutMs / 1000)} s`, late) };
    }
    await sleep(Math.min(options.pollMs ?? 2000, Math.max(0, deadline - Date.now())), options.signal);
  }
}

async function judge(client: KubeClient, ref: ObjectRef, signal?: AbortSignal): Promise<ObjectHealth> {
  const resource = await client.resourceFor(ref.apiVersion, ref.kind);
  if (!resource) return { ref, state: 'progressing', reason: `${ref.apiVersion} ${ref.kind} is not served` };
  const live = await readLive(client, client.pathFor(ref, resource), signal);
  if (!live) return { ref, state: 'progressing', reason: 'not found' };
  const check = healthCheckFor(ref.apiVersion, ref.kind);
  const status = check ? check(live) : { state: 'healthy' as const };
  return status.reason ? { ref, state: status.state, reason: status.reason } : { ref, state: status.state };
}

function describeUnhealthy(prefix: string, objects: readonly ObjectHealth[]): string {
  return `${prefix}: ${objects.map((o) => `${describeRef(o.ref)} (${o.reason ?? o.state})`).join('; ')}`;
}
