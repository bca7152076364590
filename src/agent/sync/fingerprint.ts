import { KubeApiError, type KubeClient, type KubeObject, type ObjectRef, type ResourceInfo } from '../../adapters/kube/client.js';
import { isBuiltInGroup } from '../../core/kubernetes/scope.js';
import { objectKey } from './desired.js';
import type { InventoryState, ServerFingerprint } from './inventory.js';
import type { DesiredObject } from './resolve.js';

/**
 * What the drift watcher's watch cache knows of the objects Ladder applied.
 * The sync asks it before dry-running an object whose content hash matches
 * the one recorded after its last complete apply.
 */
export interface AppliedStateCache {
  /**
   * The live object's JSON text as the watch last saw it, when it shows no
   * drift on Ladder's fields from the apply of content `hash`; undefined when
   * the cache cannot say so (no watch, not listed yet, a change not judged
   * yet, an open incident, another content).
   */
  unchanged(ref: ObjectRef, hash: string): string | undefined;
}

/** The CRD that serves a resource (`plural.group`), or undefined for a built-in group. */
export function crdNameOf(resource: ResourceInfo): string | undefined {
  return isBuiltInGroup(resource.group) ? undefined : `${resource.plural}.${resource.group}`;
}

/**
 * The API server's version (`/version`'s gitVersion) and the generation of
 * each CRD serving one of `objects`. A CRD that cannot be read (not allowed,
 * not a CRD) is left out, so objects it serves are never taken from the cache.
 */
export async function readServerFingerprint(client: KubeClient, objects: readonly DesiredObject[], signal?: AbortSignal): Promise<ServerFingerprint> {
  const version = await client.request<{ gitVersion?: string }>('GET', '/version', { signal });
  const names = new Set<string>();
  for (const o of objects) {
    const name = crdNameOf(o.resource);
    if (name && !o.awaitsCrd) names.add(name);
  }
  const crds: Record<string, number> = {};
  for (const name of [...names].sort()) {
    try {
      const crd = await client.request<KubeObject>('GET', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${encodeURIComponent(name)}`, { signal });
      if (typeof crd.metadata?.generation === 'number') crds[name] = crd.metadata.generation;
    } catch (error) {
      if (!(error instanceof KubeApiError)) throw error;
    }
  }
  return { version: String(version.gitVersion ?? ''), crds };
}

/**
 * The objects that need neither a dry-run nor an apply, each with the live
 * object the watch cache holds for it: unchanged in Git since their last
 * complete apply (same content hash), on the same API server version and CRD
 * generations, and shown by the watch cache without drift on Ladder's fields.
 */
export function unchangedObjects(
  objects: readonly DesiredObject[],
  previous: InventoryState,
  server: ServerFingerprint,
  cache: AppliedStateCache,
): Map<DesiredObject, string> {
  const unchanged = new Map<DesiredObject, string>();
  const recorded = previous.server;
  if (!recorded || !server.version || recorded.version !== server.version) return unchanged;
  const fromCache = (o: DesiredObject): string | undefined => {
    if (o.awaitsCrd || previous.hashes.get(objectKey(o.ref)) !== o.hash) return undefined;
    return cache.unchanged(o.ref, o.hash);
  };
  // CRDs first: the custom resources of a CRD this commit changes take the full path with it.
  const changingCrds = new Set<string>();
  for (const o of objects) {
    if (o.ref.kind !== 'CustomResourceDefinition' || o.resource.group !== 'apiextensions.k8s.io') continue;
    const live = fromCache(o);
    if (live === undefined) changingCrds.add(o.ref.name);
    else unchanged.set(o, live);
  }
  for (const o of objects) {
    if (o.ref.kind === 'CustomResourceDefinition' && o.resource.group === 'apiextensions.k8s.io') continue;
    const crd = crdNameOf(o.resource);
    if (crd !== undefined && (changingCrds.has(crd) || server.crds[crd] === undefined || recorded.crds[crd] !== server.crds[crd])) continue;
    const live = fromCache(o);
    if (live !== undefined) unchanged.set(o, live);
  }
  return unchanged;
}
