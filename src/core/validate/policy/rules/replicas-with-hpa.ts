import type { ManifestDocument } from '../../../manifests/document.js';
import { fieldsAt, groupOf, isFields, kindOf, nameOf, stringAt } from '../object-access.js';
import type { PolicyContext, PolicyRule } from '../types.js';

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
  check({ object }, context, all) {
    const spec = fieldsAt(object, 'spec');
    if (!spec || !('replicas' in spec) || spec.replicas === null) return [];
    const kind = kindOf(object);
    const name = nameOf(object);
    const apiVersion = stringAt(object, 'apiVersion');
    if (!kind || !name || !apiVersion) return [];
    const hpa = all.find((doc) => targets(doc, { apiVersion, kind, name, namespace: namespaceOf(object, context) }, context));
    if (!hpa) return [];
    return [
      {
        path: ['spec', 'replicas'],
        message: `${kind} "${name}" sets spec.replicas, but HorizontalPodAutoscaler "${nameOf(hpa.object) ?? '?'}" scales it`,
      },
    ];
  },
};

interface Target {
  apiVersion: string;
  kind: string;
  name: string;
  namespace: string | undefined;
}

function targets({ object }: ManifestDocument, target: Target, context: PolicyContext): boolean {
  if (kindOf(object) !== 'HorizontalPodAutoscaler' || groupOf(stringAt(object, 'apiVersion') ?? '') !== 'autoscaling') return false;
  const ref = fieldsAt(fieldsAt(object, 'spec'), 'scaleTargetRef');
  if (!isFields(ref) || ref.kind !== target.kind || ref.name !== target.name) return false;
  // scaleTargetRef.apiVersion is optional in autoscaling/v1; when given, its group must match.
  const refApiVersion = stringAt(ref, 'apiVersion');
  if (refApiVersion !== undefined && groupOf(refApiVersion) !== groupOf(target.apiVersion)) return false;
  // An HPA only scales objects in its own namespace.
  return namespaceOf(object, context) === target.namespace;
}

/** Objects without a namespace are applied into the environment's namespace. */
function namespaceOf(object: Record<string, unknown>, context: PolicyContext): string | undefined {
  return stringAt(fieldsAt(object, 'metadata'), 'namespace') ?? context.namespace;
}
