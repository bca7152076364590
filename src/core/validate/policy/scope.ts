import type { ManifestSet } from './manifest-set.js';
import { groupOf } from './object-access.js';
import type { PolicyContext } from './types.js';

/**
 * Built-in cluster-scoped kinds by API group, used when the schema validator
 * gives no answer. Kept to kinds a service repository might plausibly ship;
 * the schema validator's answer (from the OpenAPI of the chosen Kubernetes
 * version) takes precedence.
 */
const builtInClusterScoped: Record<string, readonly string[]> = {
  '': ['Namespace', 'Node', 'PersistentVolume', 'ComponentStatus'],
  'rbac.authorization.k8s.io': ['ClusterRole', 'ClusterRoleBinding'],
  'apiextensions.k8s.io': ['CustomResourceDefinition'],
  'apiregistration.k8s.io': ['APIService'],
  'storage.k8s.io': ['StorageClass', 'CSIDriver', 'CSINode', 'VolumeAttachment', 'VolumeAttributesClass'],
  'scheduling.k8s.io': ['PriorityClass'],
  'node.k8s.io': ['RuntimeClass'],
  'networking.k8s.io': ['IngressClass', 'IPAddress', 'ServiceCIDR'],
  'admissionregistration.k8s.io': [
    'MutatingWebhookConfiguration',
    'ValidatingWebhookConfiguration',
    'ValidatingAdmissionPolicy',
    'ValidatingAdmissionPolicyBinding',
    'MutatingAdmissionPolicy',
    'MutatingAdmissionPolicyBinding',
  ],
  'certificates.k8s.io': ['CertificateSigningRequest', 'ClusterTrustBundle'],
  'flowcontrol.apiserver.k8s.io': ['FlowSchema', 'PriorityLevelConfiguration'],
  'resource.k8s.io': ['DeviceClass', 'ResourceSlice'],
};

/**
 * Whether a kind is namespaced: the schema validator's answer first, then a
 * CustomResourceDefinition for it in the same manifest set, then the built-in
 * list. `undefined` when nobody knows; callers treat that as namespaced, since
 * an unknown kind is the schema validator's finding, not ours.
 */
export function resolveNamespaced(
  apiVersion: string,
  kind: string,
  context: PolicyContext,
  set: ManifestSet,
): boolean | undefined {
  const fromSchema = context.isNamespaced?.(apiVersion, kind);
  if (fromSchema !== undefined) return fromSchema;
  const group = groupOf(apiVersion);
  const fromCrd = set.crdScope(group, kind);
  if (fromCrd !== undefined) return fromCrd;
  if (builtInClusterScoped[group]?.includes(kind)) return false;
  return undefined;
}
