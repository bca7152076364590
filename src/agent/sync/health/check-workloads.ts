import type { KubeClient, ObjectRef } from '../../../adapters/kube/client.js';
import { healthCheckFor } from './checks.js';
import { waitForHealth } from './wait.js';

/**
 * Waits for the commit's workloads (Deployments, StatefulSets, DaemonSets,
 * Jobs, PVCs) to become healthy and says in one line what is not. Kinds
 * without a health check were just applied, so they exist: they are not
 * read again, which keeps a 5,000-ConfigMap commit from costing 5,000 GETs.
 */
export async function checkHealth(kube: KubeClient, refs: ObjectRef[], options: { timeoutMs: number; signal?: AbortSignal; pollMs?: number }): Promise<{ ok: boolean; description: string }> {
  const workloads = refs.filter((ref) => healthCheckFor(ref.apiVersion, ref.kind) !== undefined);
  if (workloads.length === 0) return { ok: true, description: '' };
  const outcome = await waitForHealth(kube, workloads, { timeoutMs: options.timeoutMs, signal: options.signal, pollMs: options.pollMs ?? 1000 });
  if (outcome.healthy) return { ok: true, description: `${workloads.length} workload(s) healthy` };
  return { ok: false, description: outcome.timedOut ? `Health timeout: ${outcome.message}` : `Unhealthy: ${outcome.message}` };
}
