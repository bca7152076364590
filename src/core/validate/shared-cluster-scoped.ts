import type { Finding } from '../findings.js';

/**
 * Two environments in one cluster (one namespace each, say `dev` and `stg`)
 * both rendering the same cluster-scoped object (a shared CRD, a
 * ClusterRole) would have two agents apply it, each with its own version,
 * and prune it when it leaves either's branch. One environment must own it.
 *
 * Pure: the caller renders the environments, keeps their cluster-scoped
 * objects (the scope resolver says which), and says which environments share
 * a cluster and which own which objects — the `clusterScoped` grants of the
 * manifest repository's `.ladder/services.yml`.
 */

export interface ClusterScopedObject {
  kind: string;
  name: string;
  /** Where the object was rendered: the rendered file and the position of its document. */
  file: string;
  line: number;
  column: number;
}

export interface SharedClusterInput {
  /** Each environment's rendered cluster-scoped objects. */
  renders: ReadonlyArray<{ environment: string; objects: readonly ClusterScopedObject[] }>;
  /** Environment → the cluster its agent applies to. An environment missing here has a cluster of its own. */
  clusters: ReadonlyMap<string, string>;
  /** `Kind/name` → the environments granted that object (`clusterScoped` of each environment). */
  grants: ReadonlyMap<string, readonly string[]>;
  /** The file the grants come from, named in the fix. */
  grantsFile: string;
}

export const sharedClusterScopedRule = 'shared-cluster-scoped';

export function sharedClusterScopedFindings(input: SharedClusterInput): Finding[] {
  // cluster → `Kind/name` → the environments rendering it there, with where.
  const byCluster = new Map<string, Map<string, Array<{ environment: string; object: ClusterScopedObject }>>>();
  for (const { environment, objects } of input.renders) {
    const cluster = input.clusters.get(environment);
    if (cluster === undefined) continue;
    const shared = byCluster.get(cluster) ?? new Map();
    byCluster.set(cluster, shared);
    for (const object of objects) {
      const key = `${object.kind}/${object.name}`;
      const renders = shared.get(key) ?? [];
      // Two documents of one environment naming the same object are the schema's duplicate check, not this one.
      if (!renders.some((render: { environment: string }) => render.environment === environment)) renders.push({ environment, object });
      shared.set(key, renders);
    }
  }

  const findings: Finding[] = [];
  for (const [cluster, objects] of byCluster) {
    for (const [key, renders] of objects) {
      if (renders.length < 2) continue;
      const environments = renders.map((render) => render.environment);
      const owners = (input.grants.get(key) ?? []).filter((environment) => environments.includes(environment));
      const [kind, name] = [renders[0]!.object.kind, renders[0]!.object.name];
      const both = list(environments);
      for (const { environment, object } of renders) {
        if (owners.length === 1 && owners[0] === environment) continue;
        const at = { file: object.file, line: object.line, column: object.column, kind, name, rule: sharedClusterScopedRule, severity: 'error' as const };
        if (owners.length === 1) {
          findings.push({
            ...at,
            message: `${kind} ${name} is cluster-scoped and ${owners[0]} owns it in cluster ${cluster} (granted in ${input.grantsFile}), but ${environment}, in the same cluster, renders it too: both agents would apply it, and prune it when it leaves either branch`,
            hint: `Render ${kind} ${name} for ${owners[0]} only, and leave it out of ${environment}.`,
          });
        } else {
          const why = owners.length === 0 ? 'and no environment owns it' : `and ${input.grantsFile} grants it to ${list(owners)}: an object in one cluster has one owner`;
          findings.push({
            ...at,
            message: `${kind} ${name} is cluster-scoped and rendered by ${both}, which share cluster ${cluster}, ${why}`,
            hint: `Make one environment own it: list ${kind} ${name} under clusterScoped of that environment alone in ${input.grantsFile}, and render it for that environment only.`,
          });
        }
      }
    }
  }
  return findings;
}

function list(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/**
 * The cluster-scoped objects of one environment's render: each rendered file
 * holds one resource, from its first line. `fileOf` names the file as the
 * findings should (its folder on the environment branch, or where it was
 * written). A kind the schemas do not know (`isNamespaced` undefined) is left
 * to the schema check.
 */
export function clusterScopedObjects(
  files: ReadonlyArray<{ path: string; apiVersion: string; kind: string; name: string }>,
  isNamespaced: (apiVersion: string, kind: string) => boolean | undefined,
  fileOf: (path: string) => string,
): ClusterScopedObject[] {
  return files.filter((file) => isNamespaced(file.apiVersion, file.kind) === false).map((file) => ({ kind: file.kind, name: file.name, file: fileOf(file.path), line: 1, column: 1 }));
}
