import type { KubeClient, KubeObject } from '../../../src/adapters/kube/client.js';

/**
 * Plays the Deployment controller for one Deployment (the test bed has no
 * controllers): whenever its generation moves past the observed one, writes
 * a finished rollout into the status subresource. Returns a stop function.
 */
export function markRolledOutWhenApplied(client: KubeClient, namespace: string, name: string, everyMs = 150): () => void {
  const path = `/apis/apps/v1/namespaces/${namespace}/deployments/${name}`;
  let stopped = false;
  const tick = async () => {
    if (stopped) return;
    try {
      const live = await client.request<KubeObject & { spec: { replicas?: number }; status?: { observedGeneration?: number } }>('GET', path);
      const generation = live.metadata?.generation ?? 0;
      if ((live.status?.observedGeneration ?? 0) < generation) {
        const replicas = live.spec.replicas ?? 1;
        await client.request('PATCH', `${path}/status`, {
          body: { status: { observedGeneration: generation, replicas, updatedReplicas: replicas, readyReplicas: replicas, availableReplicas: replicas, conditions: [{ type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' }, { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' }] } },
          contentType: 'application/merge-patch+json',
        });
      }
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
