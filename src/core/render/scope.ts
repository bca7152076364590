import type { KubeObject } from '../manifests/document.js';

// Built-in kinds that live outside namespaces, as `group/Kind` (core group: `Kind`).
const clusterScopedKinds = new Set([
  'Namespace',
  'Node',
  'PersistentVolume',
  'ComponentStatus',
  'admissionregistration.k8s.io/MutatingWebhookConfiguration',
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicy',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding',
  'admissionregistration.k8s.io/MutatingAdmissionPolicy',
  'admissionregistration.k8s.io/MutatingAdmissionPolicyBinding',
  'apiextensions.k8s.io/CustomResourceDefinition',
  'apiregistration.k8s.io/APIService',
  'certificates.k8s.io/CertificateSigningRequest',
  'certificates.k8s.io/ClusterTrustBundle',
  'flowcontrol.apiserver.k8s.io/FlowSchema',
  'flowcontrol.apiserver.k8s.io/PriorityLevelConfiguration',
  'networking.k8s.io/IngressClass',
  'networking.k8s.io/IPAddress',
  'networking.k8s.io/ServiceCIDR',
  'node.k8s.io/RuntimeClass',
  'policy/PodSecurityPolicy',
  'rbac.authorization.k8s.io/ClusterRole',
  'rbac.authorization.k8s.io/ClusterRoleBinding',
  'resource.k8s.io/DeviceClass',
  'resource.k8s.io/ResourceSlice',
  'scheduling.k8s.io/PriorityClass',
  'storage.k8s.io/CSIDriver',
  'storage.k8s.io/CSINode',
  'storage.k8s.io/StorageClass',
  'storage.k8s.io/VolumeAttachment',
  'storage.k8s.io/VolumeAttributesClass',
]);

export type ScopeLookup = (apiVersion: string, kind: string) => boolean | undefined;

/**
 * Decides whether a kind is namespaced: custom kinds from a
 * CustomResourceDefinition in the same set, then the caller's lookup, then the
 * table of built-in kinds above; any other kind is taken as namespaced (as most
 * custom resources are).
 */
export function namespacedPredicate(objects: readonly KubeObject[], lookup?: ScopeLookup): (object: KubeObject) => boolean {
  const fromCrds = new Map<string, boolean>();
  for (const object of objects) {
    if (groupKind(object) !== 'apiextensions.k8s.io/CustomResourceDefinition') continue;
    const spec = object['spec'] as { group?: unknown; scope?: unknown; names?: { kind?: unknown } } | undefined;
    if (typeof spec?.group === 'string' && typeof spec.names?.kind === 'string') {
      fromCrds.set(`${spec.group}/${spec.names.kind}`, spec.scope !== 'Cluster');
    }
  }
  return (object) =>
    fromCrds.get(groupKind(object)) ??
    lookup?.(String(object['apiVersion']), String(object['kind'])) ??
    !clusterScopedKinds.has(groupKind(object));
}

function groupKind(object: KubeObject): string {
  const apiVersion = String(object['apiVersion']);
  const slash = apiVersion.indexOf('/');
  const kind = String(object['kind']);
  return slash === -1 ? kind : `${apiVersion.slice(0, slash)}/${kind}`;
}
