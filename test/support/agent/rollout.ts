import type { KubeClient, KubeObject } from '../../../src/adapters/kube/client.js';
import { markRolledOut } from '../../bed/kube/rollout.js';

/**
 * Plays the Deployment controller for one Deployment in a long-running test:
 * whenever its generation moves past the observed one (the agent applied a
 * new spec), marks the rollout finished with the test bed's markRolledOut.
 * Returns a stop function.
 */
export function markRolledOutWhenApplied(client: KubeClient, namespace: string, name: string, everyMs = 150): () => void {
  const ref = { apiVersion: 'apps/v1', kind: 'Deployment', namespace, name };
  const path = `/apis/apps/v1/namespaces/${namespace}/deployments/${name}`;
  let stopped = false;
  const tick = async () => {
    if (stopped) return;
    try {
      const live = await client.request<KubeObject & { status?: { observedGeneration?: number } }>('GET', path);
      if ((live.status?.observedGeneration ?? 0) < (live.metadata?.generation ?? 0)) await markRolledOut(client, ref);
    } catch {
      // Not created yet, or changed under us: the next tick sees it.
    }
    if (!stopped) setTimeout(() => void tick(), everyMs);
  };
  void tick();
  return () => {
    stopped = true;
  };
}
