import type { KubeObject } from '../../../adapters/kube/client.js';
import { awaitingController, conditionOf, healthy, numberAt, type HealthStatus } from './types.js';

/** Rolled out when the controller saw the spec and every replica is updated, ready and available. */
export function deploymentHealth(object: KubeObject): HealthStatus {
  const waiting = awaitingController(object);
  if (waiting) return waiting;
  const progressing = conditionOf(object, 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') {
    return { state: 'failed', reason: `progress deadline exceeded${progressing.message ? `: ${progressing.message}` : ''}` };
  }
  const spec = (object.spec ?? {}) as { replicas?: number };
  const status = (object.status ?? {}) as Record<string, unknown>;
  const want = numberAt(spec.replicas, 1);
  const updated = numberAt(status.updatedReplicas);
  const total = numberAt(status.replicas);
  const ready = numberAt(status.readyReplicas);
  const available = numberAt(status.availableReplicas);
  const failing = failingCondition(object);
  const progress = `${updated}/${want} updated, ${ready}/${want} ready, ${available}/${want} available${failing ? `; ${failing}` : ''}`;
  if (updated < want) return { state: 'progressing', reason: `${updated} of ${want} replicas updated`, progress };
  if (total > updated) return { state: 'progressing', reason: `${total - updated} old replicas pending termination`, progress };
  if (ready < want) return { state: 'progressing', reason: `${ready} of ${want} replicas ready`, progress };
  if (available < want) return { state: 'progressing', reason: `${available} of ${want} replicas available`, progress };
  return healthy;
}

/** The message of a condition saying what keeps the rollout back: ReplicaFailure, or Progressing false. */
function failingCondition(object: KubeObject): string | undefined {
  const replicaFailure = conditionOf(object, 'ReplicaFailure');
  if (replicaFailure?.status === 'True') return replicaFailure.message ?? replicaFailure.reason;
  const progressing = conditionOf(object, 'Progressing');
  if (progressing?.status === 'False') return progressing.message ?? progressing.reason;
  return undefined;
}
