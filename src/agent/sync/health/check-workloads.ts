import type { KubeClient, ObjectRef } from '../../../adapters/kube/client.js';
import { healthCheckFor } from './checks.js';
import { waitForHealth, type ObjectHealth } from './wait.js';

/**
 * Waits for the commit's workloads (Deployments, StatefulSets, DaemonSets,
 * Jobs, PVCs) to become healthy and says in one line what is not. Kinds
 * without a health check were just applied, so they exist: they are not
 * read again, which keeps a 5,000-ConfigMap commit from costing 5,000 GETs.
 */
export async function checkHealth(
  kube: KubeClient,
  refs: ObjectRef[],
  options: { timeoutMs: number; signal?: AbortSignal; pollMs?: number; onProgress?: (description: string) => void },
): Promise<{ ok: boolean; description: string }> {
  const workloads = refs.filter((ref) => healthCheckFor(ref.apiVersion, ref.kind) !== undefined);
  if (workloads.length === 0) return { ok: true, description: '' };
  const onProgress = options.onProgress;
  const outcome = await waitForHealth(kube, workloads, {
    timeoutMs: options.timeoutMs, signal: options.signal, pollMs: options.pollMs ?? 1000,
    ...(onProgress ? { onProgress: (objects: readonly ObjectHealth[]) => onProgress(describeProgress(objects)) } : {}),
  });
  if (outcome.healthy) return { ok: true, description: `${workloads.length} workload(s) healthy` };
  return { ok: false, description: outcome.timedOut ? `Health timeout: ${outcome.message}` : `Unhealthy: ${outcome.message}` };
}

/**
 * A rollout in progress in one line for the deployment status (GitHub keeps
 * 140 characters): how many workloads are done, then each one that is not and
 * how far it got: `Rolling out (1/3 done): Deployment checkout 1/3 updated,
 * 0/3 ready, 0/3 available; Job migrate job running`.
 */
export function describeProgress(objects: readonly ObjectHealth[]): string {
  const waiting = objects.filter((o) => o.state !== 'healthy');
  const parts = waiting.map((o) => `${o.ref.kind} ${o.ref.name} ${o.progress ?? o.reason ?? o.state}`);
  return `Rolling out (${objects.length - waiting.length}/${objects.length} done): ${parts.join('; ')}`;
}
