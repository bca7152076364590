import { formatKeyPath } from '../../../errors.js';
import { fieldsAt, isFields, listAt, stringAt } from '../object-access.js';
import { findPodSpec } from '../pod-specs.js';
import type { PolicyRule, RuleViolation } from '../types.js';

/**
 * A hostPath volume reads or writes the node's file system: it can leak other
 * pods' data, plant files on the node, or reach the container runtime socket,
 * and it ties the pod to whatever the node happens to hold.
 */
export const hostPath: PolicyRule = {
  id: 'host-path',
  severity: 'error',
  summary: 'A pod mounts a `hostPath` volume (a directory or file of the node).',
  hint: 'Use an emptyDir, a ConfigMap/Secret, or a PersistentVolumeClaim instead of a hostPath volume.',
  check({ object }) {
    const pod = findPodSpec(object);
    if (!pod) return [];
    const violations: RuleViolation[] = [];
    listAt(pod.spec, 'volumes').forEach((volume, index) => {
      const source = fieldsAt(volume, 'hostPath');
      if (!isFields(volume) || !source) return;
      const path = [...pod.path, 'volumes', index, 'hostPath'];
      const name = stringAt(volume, 'name') ?? `#${index}`;
      const hostDirectory = stringAt(source, 'path');
      violations.push({
        path,
        message: `volume "${name}" (${formatKeyPath(path)}) mounts ${hostDirectory ? `${hostDirectory} from the node` : 'a path of the node'}`,
      });
    });
    return violations;
  },
};
