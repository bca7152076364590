import type { KubeClient, KubeObject, ObjectRef, ResourceInfo } from '../../adapters/kube/client.js';

export const fieldManager = 'ladder';

/**
 * Server-side apply of the desired object as Ladder, forced: what Ladder's
 * apply does, so the answer is the same snapshot (Ladder's field set, with
 * the server's defaults and normalisation). `dryRun` stores nothing; it gives
 * the snapshot when the caller did not keep the answer of the real apply.
 */
export function applyAsLadder(
  client: KubeClient,
  ref: ObjectRef,
  info: ResourceInfo,
  desired: KubeObject,
  options: { dryRun?: boolean; manager?: string } = {},
): Promise<KubeObject> {
  return client.request<KubeObject>('PATCH', client.pathFor(ref, info), {
    query: { fieldManager: options.manager ?? fieldManager, force: true, dryRun: options.dryRun ? 'All' : undefined },
    body: desired,
    contentType: 'application/apply-patch+yaml',
  });
}

/** The live object, or undefined when it does not exist. */
export async function readLive(client: KubeClient, ref: ObjectRef, info: ResourceInfo): Promise<KubeObject | undefined> {
  try {
    return await client.request<KubeObject>('GET', client.pathFor(ref, info));
  } catch (error) {
    if ((error as { status?: number }).status === 404) return undefined;
    throw error;
  }
}
