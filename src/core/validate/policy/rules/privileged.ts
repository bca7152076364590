import { fieldsAt } from '../object-access.js';
import { describeContainer, findPodSpec, listContainers } from '../pod-specs.js';
import type { PolicyRule, RuleViolation } from '../types.js';

/** A privileged container has every capability and all host devices: root on the node. */
export const privileged: PolicyRule = {
  id: 'privileged',
  severity: 'error',
  summary: 'A container runs privileged (`securityContext.privileged: true`).',
  hint: 'Remove `privileged: true`; add only the specific capabilities the container needs under `securityContext.capabilities.add`.',
  check({ object }) {
    const pod = findPodSpec(object);
    if (!pod) return [];
    const violations: RuleViolation[] = [];
    for (const location of listContainers(pod)) {
      if (fieldsAt(location.container, 'securityContext')?.privileged !== true) continue;
      violations.push({
        path: [...location.path, 'securityContext', 'privileged'],
        message: `${describeContainer(location)} sets securityContext.privileged: true, which gives it full access to the node`,
      });
    }
    return violations;
  },
};
