import { kindOf, nameOf, stringAt } from '../object-access.js';
import { resolveNamespaced } from '../scope.js';
import type { PolicyRule } from '../types.js';

/**
 * Cluster-scoped objects are shared by every environment and every team in
 * the cluster: a service's promotion should not change them unless the
 * repository says, in config, that it owns such a kind.
 */
export const clusterScopedResource: PolicyRule = {
  id: 'cluster-scoped-resource',
  severity: 'error',
  summary: 'A resource is cluster-scoped (e.g. ClusterRole, Namespace, CRD) and its kind is not in `validation.allowClusterScoped`.',
  hint: 'Move the resource to the platform repository that manages shared objects, or add its kind to validation.allowClusterScoped in .github/ladder.yml.',
  check({ object }, context, set) {
    const kind = kindOf(object);
    const apiVersion = stringAt(object, 'apiVersion');
    if (!kind || !apiVersion || resolveNamespaced(apiVersion, kind, context, set) !== false) return [];
    if (context.allowClusterScoped?.some((allowed) => allowed.toLowerCase() === kind.toLowerCase())) return [];
    const name = nameOf(object);
    return [
      {
        path: ['kind'],
        message: `${kind}${name ? ` "${name}"` : ''} is cluster-scoped, so it affects every namespace, and ${kind} is not in validation.allowClusterScoped`,
      },
    ];
  },
};
