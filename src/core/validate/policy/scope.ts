import type { ManifestSet } from './manifest-set.js';
import { groupOf, isBuiltInClusterScoped } from '../../kubernetes/scope.js';
import type { PolicyContext } from './types.js';

/**
 * Whether a kind is namespaced: the schema validator's answer first, then a
 * CustomResourceDefinition for it in the same manifest set, then the built-in
 * list. `undefined` when nobody knows; callers treat that as namespaced, since
 * an unknown kind is the schema validator's finding, not ours.
 */
export function resolveNamespaced(
  apiVersion: string,
  kind: string,
  context: PolicyContext,
  set: ManifestSet,
): boolean | undefined {
  const fromSchema = context.isNamespaced?.(apiVersion, kind);
  if (fromSchema !== undefined) return fromSchema;
  const group = groupOf(apiVersion);
  const fromCrd = set.crdScope(group, kind);
  if (fromCrd !== undefined) return fromCrd;
  if (isBuiltInClusterScoped(group, kind)) return false;
  return undefined;
}
