import type { KubeObject } from '../../../adapters/kube/client.js';
import { conditionOf, healthy, numberAt, type HealthStatus } from './types.js';

/** Healthy once Complete; failed once Failed (final: a Job does not recover). */
export function jobHealth(object: KubeObject): HealthStatus {
  const failed = conditionOf(object, 'Failed');
  if (failed?.status === 'True') return { state: 'failed', reason: `job failed: ${failed.reason ?? 'Failed'}${failed.message ? ` (${failed.message})` : ''}` };
  if (conditionOf(object, 'Complete')?.status === 'True') return healthy;
  const status = (object.status ?? {}) as Record<string, unknown>;
  const completions = numberAt((object.spec as { completions?: number } | undefined)?.completions, 1);
  return { state: 'progressing', reason: `${numberAt(status.succeeded)} of ${completions} completions, ${numberAt(status.active)} active` };
}
