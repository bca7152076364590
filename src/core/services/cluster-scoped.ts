import type { ClusterScopedGrant, ServicesFile } from './schema.js';
import { servicesFilePath } from './schema.js';

/** Why a cluster-scoped object may not be applied to an environment; undefined when it may. */
export type ClusterScopedCheck = (kind: string, name: string) => string | undefined;

/**
 * What an agent may apply of cluster-scoped objects (issue #11, item 4): the
 * kinds and names `.ladder/services.yml` grants the environment (any service
 * of the repository), narrowed by the agent's own `clusterScoped` when it
 * has one. The agent's config can only narrow: what it lists beyond the
 * grant is still refused. Without a grants file, nothing cluster-scoped is
 * granted.
 */
export function clusterScopedCheck(services: ServicesFile | undefined, environment: string, narrowing?: readonly ClusterScopedGrant[]): ClusterScopedCheck {
  const granted = new Map<string, Set<string>>();
  for (const service of Object.values(services?.services ?? {})) {
    for (const grant of service.environments[environment]?.clusterScoped ?? []) {
      const names = granted.get(grant.kind) ?? new Set<string>();
      grant.names.forEach((name) => names.add(name));
      granted.set(grant.kind, names);
    }
  }
  return (kind, name) => {
    if (!granted.get(kind)?.has(name)) {
      return services
        ? `${kind} ${name} is not granted to ${environment}: add it under clusterScoped: of the environment in ${servicesFilePath} (kind ${kind}, names [${name}])`
        : `${kind} ${name} is cluster-scoped, and the repository has no ${servicesFilePath} to grant it`;
    }
    if (narrowing && !narrowing.some((entry) => entry.kind === kind && entry.names.includes(name))) {
      return `${kind} ${name} is granted to ${environment}, but not in this agent's clusterScoped, which narrows the grant`;
    }
    return undefined;
  };
}
