import type { KubeObject } from '../../../adapters/kube/client.js';
import { healthy, type HealthStatus } from './types.js';

/** Healthy once Bound; Lost is final (its volume is gone). */
export function persistentVolumeClaimHealth(object: KubeObject): HealthStatus {
  const phase = (object.status as { phase?: string } | undefined)?.phase ?? 'Pending';
  if (phase === 'Bound') return healthy;
  if (phase === 'Lost') return { state: 'failed', reason: 'claim lost its volume' };
  return { state: 'progressing', reason: `claim is ${phase}` };
}
