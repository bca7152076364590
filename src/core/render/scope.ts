import { crdScopeKey, crdScopesOf, groupOf, isBuiltInClusterScoped } from '../kubernetes/scope.js';
import type { KubeObject } from '../manifests/document.js';

export type ScopeLookup = (apiVersion: string, kind: string) => boolean | undefined;

/**
 * Decides whether a kind is namespaced: custom kinds from a
 * CustomResourceDefinition in the same set, then the caller's lookup, then the
 * built-in cluster-scoped kinds; any other kind is taken as namespaced (as most
 * custom resources are).
 */
export function namespacedPredicate(objects: readonly KubeObject[], lookup?: ScopeLookup): (object: KubeObject) => boolean {
  const fromCrds = crdScopesOf(objects);
  return (object) => {
    const apiVersion = String(object['apiVersion']);
    const kind = String(object['kind']);
    const group = groupOf(apiVersion);
    return fromCrds.get(crdScopeKey(group, kind)) ?? lookup?.(apiVersion, kind) ?? !isBuiltInClusterScoped(group, kind);
  };
}
