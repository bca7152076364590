import type { KubeClient, ObjectRef } from '../adapters/kube/client.js';

/**
 * Waits for the commit's workloads to become healthy and says in one line
 * what is not. Placeholder until src/agent/sync's waitForHealth lands:
 * health is not checked yet.
 */
export async function checkHealth(_kube: KubeClient, _refs: ObjectRef[], _options: { timeoutMs: number; signal?: AbortSignal }): Promise<{ ok: boolean; description: string }> {
  return { ok: true, description: '' };
}
