import type { ResourceInfo } from './types.js';

interface APIResource {
  name: string;
  kind: string;
  namespaced: boolean;
}

interface CachedGroupVersion {
  fetchedAt: number;
  /** Top-level resources by kind; empty when the group version is not served. */
  kinds: Map<string, ResourceInfo>;
}

/** Fetches `/api/v1` or `/apis/<group>/<version>`; resolves undefined when the server does not serve it. */
export type FetchResourceList = (path: string) => Promise<{ resources: APIResource[] } | undefined>;

/**
 * Discovery with a cache per group version. A kind that is not found makes
 * the next lookup fetch again (at most once per `missRefreshMs`), so a CRD
 * applied earlier in the same run is found once the server serves it.
 */
export function createDiscovery(fetchList: FetchResourceList, options: { missRefreshMs?: number } = {}) {
  const missRefreshMs = options.missRefreshMs ?? 500;
  const cache = new Map<string, CachedGroupVersion>();
  const inFlight = new Map<string, Promise<CachedGroupVersion>>();

  const load = (groupVersion: string): Promise<CachedGroupVersion> => {
    const pending = inFlight.get(groupVersion);
    if (pending) return pending;
    const promise = (async () => {
      const [group, version] = splitGroupVersion(groupVersion);
      const list = await fetchList(group ? `/apis/${group}/${version}` : `/api/${version}`);
      const kinds = new Map<string, ResourceInfo>();
      for (const resource of list?.resources ?? []) {
        if (resource.name.includes('/')) continue; // subresources such as deployments/status
        kinds.set(resource.kind, { group, version, kind: resource.kind, plural: resource.name, namespaced: resource.namespaced });
      }
      const entry = { fetchedAt: Date.now(), kinds };
      cache.set(groupVersion, entry);
      return entry;
    })().finally(() => inFlight.delete(groupVersion));
    inFlight.set(groupVersion, promise);
    return promise;
  };

  return {
    async resourceFor(apiVersion: string, kind: string): Promise<ResourceInfo | undefined> {
      let entry = cache.get(apiVersion) ?? (await load(apiVersion));
      let found = entry.kinds.get(kind);
      if (!found && Date.now() - entry.fetchedAt >= missRefreshMs) {
        entry = await load(apiVersion);
        found = entry.kinds.get(kind);
      }
      return found;
    },
    /** Drops what is cached for these group versions (all when none are named): the next lookup reads them again. */
    forget(groupVersions?: Iterable<string>): void {
      if (!groupVersions) return cache.clear();
      for (const groupVersion of groupVersions) cache.delete(groupVersion);
    },
  };
}

export function splitGroupVersion(apiVersion: string): [group: string, version: string] {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? ['', apiVersion] : [apiVersion.slice(0, slash), apiVersion.slice(slash + 1)];
}
