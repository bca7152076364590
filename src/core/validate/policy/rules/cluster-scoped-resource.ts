import { kindOf, nameOf, stringAt } from '../object-access.js';
import { resolveNamespaced } from '../scope.js';
import type { PolicyRule, RuleViolation } from '../types.js';

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
    const name = nameOf(object);
    if (context.clusterScopedGrant) return grantViolations(kind, name, context.clusterScopedGrant);
    if (context.allowClusterScoped?.some((allowed) => allowed.toLowerCase() === kind.toLowerCase())) return [];
    return [
      {
        path: ['kind'],
        message: `${kind}${name ? ` "${name}"` : ''} is cluster-scoped, so it affects every namespace, and ${kind} is not in validation.allowClusterScoped`,
      },
    ];
  },
};

/** With a grant from `.ladder/services.yml`, both the kind and the name must be granted. */
function grantViolations(kind: string, name: string | undefined, grant: readonly { kind: string; names: readonly string[] }[]): RuleViolation[] {
  const entry = grant.find((granted) => granted.kind.toLowerCase() === kind.toLowerCase());
  if (entry && name !== undefined && entry.names.includes(name)) return [];
  const what = `${kind}${name ? ` "${name}"` : ''} is cluster-scoped, so it affects every namespace`;
  if (!entry) return [{ path: ['kind'], message: `${what}, and the manifest repository grants this environment no ${kind} (clusterScoped in .ladder/services.yml)` }];
  return [
    {
      path: ['metadata', 'name'],
      message: `${what}, and the manifest repository grants this environment only ${entry.names.map((n) => `"${n}"`).join(', ')} of kind ${kind}`,
      hint: `Add the name to the ${kind} entry of clusterScoped for this environment in .ladder/services.yml, if the platform team agrees.`,
    },
  ];
}
