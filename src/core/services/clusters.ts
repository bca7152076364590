import type { ServicesFile } from './schema.js';
import type { EffectiveConfig } from './effective.js';

/**
 * Which environments share a cluster, and who owns which cluster-scoped
 * object, as `.ladder/services.yml` says (the input of
 * `sharedClusterScopedFindings`). An environment without `cluster:` has a
 * cluster of its own and is left out of the map.
 */
export function clustersOf(services: ServicesFile): Map<string, string> {
  const clusters = new Map<string, string>();
  for (const service of Object.values(services.services)) {
    for (const [environment, grant] of Object.entries(service.environments)) {
      // The semantic check makes every service name the same cluster for an environment.
      if (grant.cluster !== undefined && !clusters.has(environment)) clusters.set(environment, grant.cluster);
    }
  }
  return clusters;
}

/** The other environments in `environment`'s cluster, in the order the file lists them; none when it has a cluster of its own. */
export function environmentsSharingCluster(services: ServicesFile, environment: string): string[] {
  const clusters = clustersOf(services);
  const cluster = clusters.get(environment);
  if (cluster === undefined) return [];
  return [...clusters].filter(([other, name]) => other !== environment && name === cluster).map(([other]) => other);
}

/** `Kind/name` → the environments whose `clusterScoped` grants it (any service of the repository, as the agent reads it). */
export function clusterScopedOwners(services: ServicesFile): Map<string, string[]> {
  const owners = new Map<string, string[]>();
  for (const service of Object.values(services.services)) {
    for (const [environment, grant] of Object.entries(service.environments)) {
      for (const { kind, names } of grant.clusterScoped) {
        for (const name of names) {
          const key = `${kind}/${name}`;
          const list = owners.get(key) ?? [];
          if (!list.includes(environment)) list.push(environment);
          owners.set(key, list);
        }
      }
    }
  }
  return owners;
}

/** The other environments of a service in `environment`'s cluster, as its effective config says (each grant's `cluster`). */
export function serviceEnvironmentsSharingCluster(config: EffectiveConfig, environment: string): string[] {
  const cluster = config.environments.find((candidate) => candidate.name === environment)?.grant.cluster;
  if (cluster === undefined) return [];
  return config.environments.filter((other) => other.name !== environment && other.grant.cluster === cluster).map((other) => other.name);
}

/** The shared-cluster check's clusters and owners for one service's environments, from its effective config. */
export function serviceClusterInput(config: EffectiveConfig): { clusters: Map<string, string>; grants: Map<string, string[]> } {
  const clusters = new Map<string, string>();
  const grants = new Map<string, string[]>();
  for (const { name, grant } of config.environments) {
    if (grant.cluster !== undefined) clusters.set(name, grant.cluster);
    for (const { kind, names } of grant.clusterScoped) {
      for (const object of names) grants.set(`${kind}/${object}`, [...(grants.get(`${kind}/${object}`) ?? []), name]);
    }
  }
  return { clusters, grants };
}
