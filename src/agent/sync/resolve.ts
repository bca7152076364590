import type { KubeClient, ObjectRef, ResourceInfo } from '../../adapters/kube/client.js';
import { groupOf, isBuiltInGroup } from '../../core/kubernetes/scope.js';
import { formatLocation } from '../../core/errors.js';
import { contentHash, type ApplyPolicy } from '../apply/server-side-apply.js';
import { ADOPT_ANNOTATION, PART_OF_LABEL } from '../apply/marks.js';
import { objectKey, type ParsedObject, type SetProblem } from './desired.js';

/**
 * An object of the commit with its resource known: ready to dry-run and apply. It is held as its JSON
 * (`body`), not as the parsed object, which took as much memory again for the whole apply (13 MB at
 * 20,000 ConfigMaps); what is read from it later is read here, once.
 */
export interface DesiredObject extends Omit<ParsedObject, 'object'> {
  resource: ResourceInfo;
  /** Its API path, e.g. `/apis/apps/v1/namespaces/shop/deployments/web`. */
  path: string;
  /** A custom resource whose CRD is in the same set and not served yet: checked once the CRD is established. */
  awaitsCrd: boolean;
  /** The object as JSON, serialised once: the body of its dry-run and of its apply. */
  body: string;
  /** Its content hash (path, body, apply policy): what the inventory records once it is applied. */
  hash: string;
  /** Its inventory label (the sync stamps it): the watch drift detection sees it with. */
  partOf: string | undefined;
  /** Annotated `ladder.dev/adopt: "true"`: a cluster-scoped object Ladder may take over (takeover-guard.ts). */
  adopt: boolean;
}

/**
 * Finds each object's resource through discovery (or, for a custom resource
 * whose CRD comes in the same commit, from that CRD), fills in the default
 * namespace for namespaced objects that name none, drops a namespace given
 * to a cluster-scoped object, and refuses the same object twice.
 */
export async function resolveObjects(
  client: KubeClient,
  parsed: readonly ParsedObject[],
  defaultNamespace: string | undefined,
  policy: ApplyPolicy = { forceConflicts: false },
): Promise<{ objects: DesiredObject[]; problems: SetProblem[] }> {
  const crds = crdResourcesIn(parsed);
  // Kinds of CRDs and aggregated APIs come and go between syncs (a CRD deleted, or created again with another
  // plural or scope): their discovery is read afresh once per sync, never taken from an earlier one.
  client.forgetDiscovery(new Set(parsed.map((item) => item.ref.apiVersion).filter((apiVersion) => !isBuiltInGroup(groupOf(apiVersion)))));
  const problems: SetProblem[] = [];
  const objects: DesiredObject[] = [];
  const seen = new Map<string, ParsedObject>();
  for (const item of parsed) {
    const served = await client.resourceFor(item.ref.apiVersion, item.ref.kind);
    const resource = served ?? crds.get(`${item.ref.apiVersion}\u0000${item.ref.kind}`);
    if (!resource) {
      problems.push({ file: item.file, line: item.line, ref: item.ref, message: `the API server does not serve kind ${item.ref.kind} in ${item.ref.apiVersion}, and no CustomResourceDefinition in this commit defines it` });
      continue;
    }
    const ref: ObjectRef = { ...item.ref };
    let object = item.object;
    if (resource.namespaced && !ref.namespace) {
      if (!defaultNamespace) {
        problems.push({ file: item.file, line: item.line, ref, message: 'a namespaced object needs metadata.namespace (and the agent has no default namespace)' });
        continue;
      }
      ref.namespace = defaultNamespace;
      object = { ...object, metadata: { ...object.metadata, namespace: defaultNamespace } };
    } else if (!resource.namespaced && ref.namespace) {
      delete ref.namespace;
      const { namespace: _dropped, ...metadata } = object.metadata ?? {};
      object = { ...object, metadata };
    }
    const key = objectKey(ref);
    const earlier = seen.get(key);
    if (earlier) {
      problems.push({ file: item.file, line: item.line, ref, message: `the same object is also defined at ${formatLocation({ file: earlier.file, line: earlier.line })}` });
      continue;
    }
    seen.set(key, item);
    const target = { path: client.pathFor(ref, resource), body: JSON.stringify(object) };
    objects.push({
      ref, file: item.file, line: item.line, resource, ...target, awaitsCrd: !served, hash: contentHash(target, policy),
      partOf: object.metadata?.labels?.[PART_OF_LABEL], adopt: object.metadata?.annotations?.[ADOPT_ANNOTATION] === 'true',
    });
  }
  return { objects, problems };
}

/** Resources that CRDs in the set will serve, keyed by `apiVersion \0 kind` (one per served version). */
function crdResourcesIn(parsed: readonly ParsedObject[]): Map<string, ResourceInfo> {
  const resources = new Map<string, ResourceInfo>();
  for (const { object } of parsed) {
    if (object.kind !== 'CustomResourceDefinition' || groupOf(String(object.apiVersion)) !== 'apiextensions.k8s.io') continue;
    const spec = object.spec as { group?: string; scope?: string; names?: { kind?: string; plural?: string }; versions?: { name?: string; served?: boolean }[] } | undefined;
    if (!spec?.group || !spec.names?.kind || !spec.names.plural) continue;
    for (const version of spec.versions ?? []) {
      if (!version.served || !version.name) continue;
      const info: ResourceInfo = { group: spec.group, version: version.name, kind: spec.names.kind, plural: spec.names.plural, namespaced: spec.scope !== 'Cluster' };
      resources.set(`${spec.group}/${version.name}\u0000${spec.names.kind}`, info);
    }
  }
  return resources;
}
