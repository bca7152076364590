import type { KubeObject } from '../../../adapters/kube/client.js';

/** `failed` is final (a failed Job, a Deployment past its progress deadline): waiting longer will not help. */
export type HealthState = 'healthy' | 'progressing' | 'failed';

export interface HealthStatus {
  state: HealthState;
  /** Why it is not healthy yet, in words a deployment status can show. */
  reason?: string;
  /** How far a rollout got (replicas updated, ready and available; the failing condition's message). */
  progress?: string;
}

/** Judges one kind from its live object, as its controller reports it in `status`. */
export type HealthCheck = (object: KubeObject) => HealthStatus;

export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

export function conditionOf(object: KubeObject, type: string): Condition | undefined {
  const conditions = (object.status as { conditions?: Condition[] } | undefined)?.conditions ?? [];
  return conditions.find((c) => c.type === type);
}

/** Progressing until the controller has seen the latest spec: until then its status says nothing about it. */
export function awaitingController(object: KubeObject): HealthStatus | undefined {
  const generation = object.metadata?.generation ?? 0;
  const observed = (object.status as { observedGeneration?: number } | undefined)?.observedGeneration ?? 0;
  return observed < generation ? { state: 'progressing', reason: `controller has not observed generation ${generation} yet` } : undefined;
}

export const healthy: HealthStatus = { state: 'healthy' };

export function numberAt(value: unknown, fallback = 0): number {
  return typeof value === 'number' ? value : fallback;
}
