import { fieldsAt, kindOf, nameOf, stringAt } from '../object-access.js';
import { resolveNamespaced } from '../scope.js';
import type { PolicyRule } from '../types.js';

/**
 * An environment owns one namespace. An object elsewhere would reach into
 * another environment or team (or fail on the agent's namespaced RBAC
 * half-way through an apply). Objects without a namespace are fine: the agent
 * applies them into the environment's namespace.
 */
export const namespaceMismatch: PolicyRule = {
  id: 'namespace-mismatch',
  severity: 'error',
  summary: "A resource's `metadata.namespace` is not the environment's namespace.",
  hint: "Remove metadata.namespace (Ladder applies into the environment's namespace) or set it to the environment's namespace.",
  check({ object }, context, set) {
    const expected = context.namespace;
    const actual = stringAt(fieldsAt(object, 'metadata'), 'namespace');
    if (expected === undefined || actual === undefined || actual === expected) return [];
    const kind = kindOf(object);
    const apiVersion = stringAt(object, 'apiVersion');
    // Cluster-scoped objects have no namespace; the API server ignores the field, and cluster-scoped-resource covers them.
    if (kind && apiVersion && resolveNamespaced(apiVersion, kind, context, set) === false) return [];
    const name = nameOf(object);
    return [
      {
        path: ['metadata', 'namespace'],
        message: `${kind ?? 'resource'}${name ? ` "${name}"` : ''} is in namespace "${actual}", but this environment deploys to "${expected}"`,
      },
    ];
  },
};
