import { RbacAuthorizationV1Api, type KubeConfig, type V1ClusterRole, type V1LabelSelector, type V1PolicyRule } from '@kubernetes/client-node';

/**
 * Fills in aggregated ClusterRoles (admin, edit, view, ...) once. In a real
 * cluster kube-controller-manager does this continuously; without it those
 * roles have no rules, so binding `view` would grant nothing and RBAC tests
 * would fail in a way no real cluster does. Roles created later by a test are
 * not aggregated.
 */
export async function aggregateClusterRoles(kubeConfig: KubeConfig): Promise<void> {
  const rbac = kubeConfig.makeApiClient(RbacAuthorizationV1Api);
  const roles = (await rbac.listClusterRole()).items;
  // admin aggregates edit, which aggregates view: repeat until nothing changes.
  for (let pass = 0; pass < 5; pass++) {
    let changed = false;
    for (const role of roles) {
      const selectors = role.aggregationRule?.clusterRoleSelectors;
      if (!selectors?.length) continue;
      const rules = collectRules(roles.filter((other) => other !== role && selectors.some((s) => matchesSelector(other.metadata?.labels ?? {}, s))));
      if (JSON.stringify(rules) === JSON.stringify(role.rules ?? [])) continue;
      role.rules = rules;
      const name = role.metadata?.name ?? '';
      Object.assign(role, await rbac.replaceClusterRole({ name, body: role }));
      changed = true;
    }
    if (!changed) return;
  }
}

function collectRules(sources: V1ClusterRole[]): V1PolicyRule[] {
  const seen = new Set<string>();
  const rules: V1PolicyRule[] = [];
  const byName = [...sources].sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
  for (const rule of byName.flatMap((role) => role.rules ?? [])) {
    const key = JSON.stringify(rule);
    if (seen.has(key)) continue;
    seen.add(key);
    rules.push(rule);
  }
  return rules;
}

function matchesSelector(labels: Record<string, string>, selector: V1LabelSelector): boolean {
  const labelsMatch = Object.entries(selector.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
  const expressionsMatch = (selector.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
    switch (operator) {
      case 'In':
        return key in labels && values.includes(labels[key] ?? '');
      case 'NotIn':
        return !(key in labels) || !values.includes(labels[key] ?? '');
      case 'Exists':
        return key in labels;
      case 'DoesNotExist':
        return !(key in labels);
      default:
        return false;
    }
  });
  return labelsMatch && expressionsMatch;
}
