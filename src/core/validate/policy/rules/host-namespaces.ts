import { formatKeyPath } from '../../../errors.js';
import { findPodSpec } from '../pod-specs.js';
import type { PolicyRule, RuleViolation } from '../types.js';

/** What each host namespace exposes, for the message. */
const sharedNamespaces: readonly [string, string][] = [
  ['hostNetwork', "the node's network (every interface and port, and services bound to localhost)"],
  ['hostPID', "the node's processes (it can see and signal them)"],
  ['hostIPC', "the node's shared memory and IPC"],
];

/** Sharing a host namespace removes the isolation between the pod and the node. */
export const hostNamespaces: PolicyRule = {
  id: 'host-namespaces',
  severity: 'error',
  summary: 'A pod shares a host namespace (`hostNetwork`, `hostPID` or `hostIPC`).',
  hint: 'Remove the host namespace setting; expose ports through a Service instead of hostNetwork.',
  check({ object }) {
    const pod = findPodSpec(object);
    if (!pod) return [];
    const violations: RuleViolation[] = [];
    for (const [key, exposes] of sharedNamespaces) {
      if (pod.spec[key] !== true) continue;
      const path = [...pod.path, key];
      violations.push({ path, message: `${formatKeyPath(path)} is true: the pod shares ${exposes}` });
    }
    return violations;
  },
};
