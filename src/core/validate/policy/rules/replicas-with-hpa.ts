import { fieldsAt, kindOf, nameOf, stringAt } from '../object-access.js';
import { namespaceOf } from '../manifest-set.js';
import type { PolicyRule } from '../types.js';

/**
 * With an HPA, the replica count belongs to the autoscaler. A manifest that
 * also sets `spec.replicas` resets the scale to that number on every apply —
 * a deploy at peak load would scale a service down — and counts as drift
 * whenever the HPA acts.
 */
export const replicasWithHpa: PolicyRule = {
  id: 'replicas-with-hpa',
  severity: 'error',
  summary: 'A workload sets `spec.replicas` although a HorizontalPodAutoscaler in the same set scales it.',
  hint: 'Remove `spec.replicas` and set the range with the HPA\'s `minReplicas` and `maxReplicas`.',
  check({ object }, context, set) {
    const spec = fieldsAt(object, 'spec');
    if (!spec || !('replicas' in spec) || spec.replicas === null) return [];
    const kind = kindOf(object);
    const name = nameOf(object);
    const apiVersion = stringAt(object, 'apiVersion');
    if (!kind || !name || !apiVersion) return [];
    const hpa = set.autoscalerOf({ apiVersion, kind, name, namespace: namespaceOf(object, context) });
    if (!hpa) return [];
    return [
      {
        path: ['spec', 'replicas'],
        message: `${kind} "${name}" sets spec.replicas, but HorizontalPodAutoscaler "${nameOf(hpa.object) ?? '?'}" scales it`,
      },
    ];
  },
};
