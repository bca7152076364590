import { collectionPath, isNotFound, KubeApiError, type KubeClient, type KubeList, type KubeObject, type ObjectRef, type ResourceInfo } from '../../adapters/kube/client.js';
import { PART_OF_LABEL } from './marks.js';
import { mapLimit } from './parallel.js';

/** The live object at `path`, or undefined when it does not exist. */
export async function readLive<T extends KubeObject = KubeObject>(client: KubeClient, path: string, signal?: AbortSignal): Promise<T | undefined> {
  try {
    return await client.request<T>('GET', path, { signal });
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** An object about to be applied: what it is, its resource, and its API path. */
export interface Located {
  ref: ObjectRef;
  resource: ResourceInfo;
  path: string;
}

/**
 * The live state of the objects about to be applied, read with one labelled
 * list per resource and namespace instead of one read per object (a commit
 * of 1,000 objects in a few kinds costs a handful of requests). An object
 * without our label — not applied by us yet — is missing from the map, which
 * makes its dry-run count as a change, as it is: the apply adds the label.
 */
export async function readLiveObjects(client: KubeClient, objects: readonly Located[], id: string, options: { concurrency: number; signal?: AbortSignal }): Promise<Map<string, KubeObject>> {
  const collections = new Map<string, Located>();
  for (const o of objects) collections.set(collectionPath(o.resource, o.ref.namespace), o);
  const live = new Map<string, KubeObject>();
  await mapLimit([...collections.entries()], options.concurrency, async ([path, sample]) => {
    let next: string | undefined;
    do {
      let list: KubeList;
      try {
        list = await client.request<KubeList>('GET', path, { query: { labelSelector: `${PART_OF_LABEL}=${id}`, limit: 500, continue: next }, signal: options.signal });
      } catch (error) {
        // Not allowed to list there (RBAC), for one: the dry-run of each object then says what is wrong, naming it.
        if (error instanceof KubeApiError) return;
        throw error;
      }
      for (const item of list.items) {
        // List items come without apiVersion and kind; a single read has them.
        const object: KubeObject = { apiVersion: sample.ref.apiVersion, kind: sample.ref.kind, ...item };
        live.set(`${path}/${encodeURIComponent(String(item.metadata?.name))}`, object);
      }
      next = list.metadata?.continue || undefined;
    } while (next);
  }, options.signal);
  return live;
}
