import type { KubeObject } from '../../../adapters/kube/client.js';
import { awaitingController, healthy, numberAt, type HealthStatus } from './types.js';

/** Rolled out when every replica is ready and runs the update revision (only the partition's share for a partitioned update). */
export function statefulSetHealth(object: KubeObject): HealthStatus {
  const waiting = awaitingController(object);
  if (waiting) return waiting;
  const spec = (object.spec ?? {}) as { replicas?: number; updateStrategy?: { type?: string; rollingUpdate?: { partition?: number } } };
  const status = (object.status ?? {}) as Record<string, unknown>;
  const want = numberAt(spec.replicas, 1);
  const ready = numberAt(status.readyReplicas);
  if (ready < want) return { state: 'progressing', reason: `${ready} of ${want} replicas ready` };
  if (spec.updateStrategy?.type === 'OnDelete') return healthy; // pods change only when someone deletes them
  const partition = numberAt(spec.updateStrategy?.rollingUpdate?.partition);
  if (partition > 0) {
    const updated = numberAt(status.updatedReplicas);
    return updated < want - partition ? { state: 'progressing', reason: `${updated} of ${want - partition} replicas updated (partition ${partition})` } : healthy;
  }
  if (status.updateRevision !== status.currentRevision) {
    return { state: 'progressing', reason: `rolling out revision ${String(status.updateRevision)} (${numberAt(status.updatedReplicas)} of ${want} updated)` };
  }
  return healthy;
}
