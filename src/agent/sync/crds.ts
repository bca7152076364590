import type { KubeClient, KubeObject } from '../../adapters/kube/client.js';
import { sleep } from '../../core/time/sleep.js';
import type { DesiredObject } from './resolve.js';

/**
 * Waits until each CRD is Established and discovery serves every version it
 * declares as served, so custom resources of the same commit can be applied.
 * Throws naming the CRDs that are still not ready at the deadline.
 */
export async function waitForCrds(client: KubeClient, crds: readonly DesiredObject[], options: { timeoutMs: number; signal?: AbortSignal }): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let waiting = [...crds];
  while (waiting.length > 0) {
    const still: DesiredObject[] = [];
    for (const crd of waiting) if (!(await isServed(client, crd, options.signal))) still.push(crd);
    waiting = still;
    if (waiting.length === 0) return;
    if (Date.now() > deadline) {
      throw new Error(`CustomResourceDefinition ${waiting.map((crd) => crd.ref.name).join(', ')} not established and served within ${Math.round(options.timeoutMs / 1000)} s`);
    }
    await sleep(200, options.signal);
  }
}

async function isServed(client: KubeClient, crd: DesiredObject, signal?: AbortSignal): Promise<boolean> {
  const live = await client.request<KubeObject>('GET', crd.path, { signal });
  const conditions = ((live.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []);
  if (!conditions.some((c) => c.type === 'Established' && c.status === 'True')) return false;
  const spec = live.spec as { group: string; names: { kind: string }; versions: { name: string; served: boolean }[] };
  for (const version of spec.versions.filter((v) => v.served)) {
    if (!(await client.resourceFor(`${spec.group}/${version.name}`, spec.names.kind))) return false;
  }
  return true;
}
