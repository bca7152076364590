import { fieldsAt } from '../object-access.js';
import { describeContainer, findPodSpec, listContainers } from '../pod-specs.js';
import type { KeyPath, PolicyRule, RuleViolation } from '../types.js';

interface Requirement {
  /** How the message names it, after its field. */
  label: string;
  /** Where it is set; the first path is where the finding points when it is missing. */
  satisfiedBy: readonly KeyPath[];
}

/**
 * What every container must declare, and why:
 * - a CPU request and a memory request: the scheduler places pods by requests,
 *   and without them the pod is BestEffort, first to be evicted under pressure;
 * - a memory limit: memory cannot be throttled, so a leak without a limit grows
 *   until the node runs out and the kernel kills other pods' processes too.
 * A CPU limit is not required: CPU is throttled, not exhausted, and limits add
 * latency through CFS throttling while the request already guarantees a share.
 * A limit without a request counts as the request, because Kubernetes copies it.
 */
const requirements: readonly Requirement[] = [
  { label: 'CPU request', satisfiedBy: [['requests', 'cpu'], ['limits', 'cpu']] },
  { label: 'memory request', satisfiedBy: [['requests', 'memory'], ['limits', 'memory']] },
  { label: 'memory limit', satisfiedBy: [['limits', 'memory']] },
];

export const missingResources: PolicyRule = {
  id: 'missing-resources',
  severity: 'error',
  summary: 'A container lacks a CPU request, a memory request or a memory limit.',
  hint: 'Set `resources.requests.cpu`, `resources.requests.memory` and `resources.limits.memory` on every container and init container.',
  check({ object }) {
    const pod = findPodSpec(object);
    if (!pod) return [];
    // Pod-level resources (Kubernetes 1.32+) cover all containers of the pod.
    const podResources = fieldsAt(pod.spec, 'resources');
    const violations: RuleViolation[] = [];
    for (const location of listContainers(pod)) {
      // The API refuses resources on ephemeral (debug) containers.
      if (location.role === 'ephemeral container') continue;
      const resources = fieldsAt(location.container, 'resources');
      const missing = requirements.filter(({ satisfiedBy }) => !satisfiedBy.some((path) => isSet(resources, path) || isSet(podResources, path)));
      if (missing.length === 0) continue;
      violations.push({
        path: [...location.path, 'resources', ...missing[0]!.satisfiedBy[0]!],
        message: `${describeContainer(location)} lacks ${joinWords(missing.map(describeRequirement))}`,
      });
    }
    return violations;
  },
};

function isSet(resources: Record<string, unknown> | undefined, [group, name]: KeyPath): boolean {
  const value = fieldsAt(resources, String(group))?.[String(name)];
  return value !== undefined && value !== null && value !== '';
}

function describeRequirement({ label, satisfiedBy }: Requirement): string {
  return `resources.${satisfiedBy[0]!.join('.')} (${label})`;
}

function joinWords(words: readonly string[]): string {
  return words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)!}`;
}
