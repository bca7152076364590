import { daemonSet, deployment, replicaSet, statefulSet } from './apps.js';
import { horizontalPodAutoscaler, hpaV1AsV2 } from './autoscaling.js';
import { cronJob, job } from './batch.js';
import { configMap, namespace, persistentVolumeClaim, replicationController, secret, serviceAccount } from './core.js';
import type { Obj } from '../access.js';
import type { KindRules } from './kind.js';
import { ingress, ingressClass, networkPolicy } from './networking.js';
import { podDisruptionBudget, priorityClass } from './policy.js';
import { limitRange, resourceQuota } from './quota.js';
import { clusterRole, clusterRoleBinding, role, roleBinding } from './rbac.js';
import { service } from './service.js';

/**
 * autoscaling/v1 objects are converted to the internal (v2) shape before the
 * API server validates them; errors on the metric it synthesises point back
 * at targetCPUUtilizationPercentage.
 */
const horizontalPodAutoscalerV1: KindRules = {
  reshapes: true,
  prepare(object, context) {
    const converted = hpaV1AsV2(object);
    for (const key of Object.keys(object)) delete object[key];
    Object.assign(object, converted);
    horizontalPodAutoscaler.prepare(object, context);
  },
  validate(object, context) {
    return horizontalPodAutoscaler.validate(object, context).map((error) => {
      const at = error.at ?? error.path;
      return at[0] === 'spec' && at[1] === 'metrics' ? { ...error, at: ['spec', 'targetCPUUtilizationPercentage'] } : error;
    });
  },
};

/** Kinds whose registry strategy sets `metadata.generation` to 1 in PrepareForCreate, before validation sees it. */
function startsAtGenerationOne(rules: KindRules): KindRules {
  const copyOwn = rules.copy;
  return {
    ...rules,
    // What the kind copies, and the metadata this writes into.
    copy: copyOwn && ((object) => {
      const copy = copyOwn(object);
      const metadata = copy['metadata'];
      if (typeof metadata === 'object' && metadata !== null && !Array.isArray(metadata)) copy['metadata'] = { ...metadata };
      return copy;
    }),
    prepare(object, context) {
      rules.prepare(object, context);
      const metadata = (object['metadata'] ??= {}) as Obj;
      if (typeof metadata === 'object' && metadata !== null && !Array.isArray(metadata)) metadata['generation'] = 1;
    },
  };
}

/** The kinds in scope, by `apiVersion/kind` as manifests write them (the versions the API server serves). */
export const kindRules: Readonly<Record<string, KindRules>> = {
  'apps/v1/Deployment': startsAtGenerationOne(deployment),
  'apps/v1/StatefulSet': startsAtGenerationOne(statefulSet),
  'apps/v1/DaemonSet': startsAtGenerationOne(daemonSet),
  'apps/v1/ReplicaSet': startsAtGenerationOne(replicaSet),
  'v1/ReplicationController': startsAtGenerationOne(replicationController),
  'batch/v1/Job': startsAtGenerationOne(job),
  'batch/v1/CronJob': startsAtGenerationOne(cronJob),
  'v1/Service': service,
  'v1/ConfigMap': configMap,
  'v1/Secret': secret,
  'v1/ServiceAccount': serviceAccount,
  'v1/PersistentVolumeClaim': persistentVolumeClaim,
  'v1/Namespace': namespace,
  'v1/ResourceQuota': resourceQuota,
  'v1/LimitRange': limitRange,
  'networking.k8s.io/v1/Ingress': startsAtGenerationOne(ingress),
  'networking.k8s.io/v1/IngressClass': startsAtGenerationOne(ingressClass),
  'networking.k8s.io/v1/NetworkPolicy': startsAtGenerationOne(networkPolicy),
  'autoscaling/v2/HorizontalPodAutoscaler': horizontalPodAutoscaler,
  'autoscaling/v1/HorizontalPodAutoscaler': horizontalPodAutoscalerV1,
  'policy/v1/PodDisruptionBudget': startsAtGenerationOne(podDisruptionBudget),
  'rbac.authorization.k8s.io/v1/Role': role,
  'rbac.authorization.k8s.io/v1/ClusterRole': clusterRole,
  'rbac.authorization.k8s.io/v1/RoleBinding': roleBinding,
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': clusterRoleBinding,
  'scheduling.k8s.io/v1/PriorityClass': startsAtGenerationOne(priorityClass),
};
