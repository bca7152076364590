import type { KubeObject } from '../../../adapters/kube/client.js';
import { awaitingController, healthy, numberAt, type HealthStatus } from './types.js';

/** Rolled out when every node that should run a pod runs an updated, available one. */
export function daemonSetHealth(object: KubeObject): HealthStatus {
  const waiting = awaitingController(object);
  if (waiting) return waiting;
  const status = (object.status ?? {}) as Record<string, unknown>;
  const desired = numberAt(status.desiredNumberScheduled);
  const updated = numberAt(status.updatedNumberScheduled);
  const available = numberAt(status.numberAvailable);
  if ((object.spec as { updateStrategy?: { type?: string } } | undefined)?.updateStrategy?.type !== 'OnDelete' && updated < desired) {
    return { state: 'progressing', reason: `${updated} of ${desired} nodes updated` };
  }
  if (available < desired) return { state: 'progressing', reason: `${available} of ${desired} nodes available` };
  return healthy;
}
