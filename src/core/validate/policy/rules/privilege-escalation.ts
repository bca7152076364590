import { fieldsAt } from '../object-access.js';
import { describeContainer, findPodSpec, listContainers } from '../pod-specs.js';
import type { PolicyRule, RuleViolation } from '../types.js';

/**
 * Unless set to false, a process can gain more privileges than its parent
 * (setuid binaries, file capabilities). Kubernetes defaults it to true, so
 * only an explicit false counts, as in the Pod Security "restricted" profile.
 */
export const privilegeEscalation: PolicyRule = {
  id: 'privilege-escalation',
  severity: 'error',
  summary: 'A container does not set `securityContext.allowPrivilegeEscalation: false`.',
  hint: 'Set `securityContext.allowPrivilegeEscalation: false` on the container.',
  check({ object }) {
    const pod = findPodSpec(object);
    if (!pod) return [];
    const violations: RuleViolation[] = [];
    for (const location of listContainers(pod)) {
      const value = fieldsAt(location.container, 'securityContext')?.allowPrivilegeEscalation;
      if (value === false) continue;
      violations.push({
        path: [...location.path, 'securityContext', 'allowPrivilegeEscalation'],
        message:
          value === true
            ? `${describeContainer(location)} sets securityContext.allowPrivilegeEscalation: true`
            : `${describeContainer(location)} does not set securityContext.allowPrivilegeEscalation: false (Kubernetes allows escalation by default)`,
      });
    }
    return violations;
  },
};
