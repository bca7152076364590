import { fieldsAt, stringAt } from '../object-access.js';
import { describeContainer, findPodSpec, listContainers } from '../pod-specs.js';
import type { KeyPath, PolicyRule, RuleViolation } from '../types.js';

/**
 * Root in a container is root on the node once anything breaks out (a kernel
 * bug, a mounted socket). A container counts as non-root when the effective
 * `runAsNonRoot` is true (container setting, else pod setting), or when the
 * effective `runAsUser` is a non-zero uid, which the kubelet enforces just as
 * strictly. Windows pods use `windowsOptions` instead and are skipped.
 */
export const runAsRoot: PolicyRule = {
  id: 'run-as-root',
  severity: 'error',
  summary: 'A container may run as root: no `runAsNonRoot: true` (pod or container) and no non-zero `runAsUser`, or `runAsUser: 0`.',
  hint: 'Set `securityContext.runAsNonRoot: true` (pod or container) and build the image with a non-root `USER`.',
  check({ object }) {
    const pod = findPodSpec(object);
    if (!pod || stringAt(fieldsAt(pod.spec, 'os'), 'name') === 'windows') return [];
    const podContext = fieldsAt(pod.spec, 'securityContext');
    const podContextPath = [...pod.path, 'securityContext'];
    const violations: RuleViolation[] = [];
    for (const location of listContainers(pod)) {
      const containerContext = fieldsAt(location.container, 'securityContext');
      const containerContextPath = [...location.path, 'securityContext'];
      const user = effective('runAsUser', containerContext, containerContextPath, podContext, podContextPath);
      const nonRoot = effective('runAsNonRoot', containerContext, containerContextPath, podContext, podContextPath);
      const who = describeContainer(location);
      if (user?.value === 0) {
        violations.push({ path: user.path, message: `${who} runs as root: ${user.owner} sets runAsUser: 0` });
        continue;
      }
      if (nonRoot?.value === true) continue;
      if (typeof user?.value === 'number' && user.value > 0) continue;
      violations.push(
        nonRoot
          ? { path: nonRoot.path, message: `${who} may run as root: ${nonRoot.owner} sets runAsNonRoot: ${String(nonRoot.value)}` }
          : {
              path: [...containerContextPath, 'runAsNonRoot'],
              message: `${who} may run as root: neither it nor the pod sets securityContext.runAsNonRoot: true or a non-zero runAsUser`,
            },
      );
    }
    return violations;
  },
};

interface Setting {
  value: unknown;
  path: KeyPath;
  /** For messages: whose securityContext the value comes from. */
  owner: 'its securityContext' | 'the pod securityContext';
}

/** The container's setting overrides the pod's, as in the kubelet. */
function effective(
  key: string,
  containerContext: Record<string, unknown> | undefined,
  containerPath: KeyPath,
  podContext: Record<string, unknown> | undefined,
  podPath: KeyPath,
): Setting | undefined {
  const own = containerContext?.[key];
  if (own !== undefined && own !== null) return { value: own, path: [...containerPath, key], owner: 'its securityContext' };
  const inherited = podContext?.[key];
  if (inherited !== undefined && inherited !== null) return { value: inherited, path: [...podPath, key], owner: 'the pod securityContext' };
  return undefined;
}
