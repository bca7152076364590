import type { KubeObject } from '../manifests/document.js';

/**
 * What Ladder knows about where Kubernetes objects live, for rendering (which
 * objects get the environment's namespace) and policy (namespace-mismatch,
 * cluster-scoped-resource). The schema validator's answer, taken from the
 * chosen release's OpenAPI, comes first wherever a caller has it; this is the
 * fallback when it does not.
 */

/** The API group of an `apiVersion`: `apps/v1` → `apps`, `v1` → `` (the core group). */
export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

// Built-in cluster-scoped kinds by API group: the ones a service repository
// might plausibly ship.
const builtInClusterScoped: Readonly<Record<string, readonly string[]>> = {
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
  'policy': ['PodSecurityPolicy'],
  'resource.k8s.io': ['DeviceClass', 'ResourceSlice'],
};

export function isBuiltInClusterScoped(group: string, kind: string): boolean {
  return builtInClusterScoped[group]?.includes(kind) ?? false;
}

/**
 * The scope each CustomResourceDefinition in a set declares, keyed by
 * `crdScopeKey(group, kind)`: `true` for Namespaced, `false` for Cluster. The
 * first CRD for a kind wins; one with another scope value says nothing.
 */
export function crdScopesOf(objects: Iterable<KubeObject>): Map<string, boolean> {
  const scopes = new Map<string, boolean>();
  for (const object of objects) {
    if (object.kind !== 'CustomResourceDefinition' || typeof object.apiVersion !== 'string' || groupOf(object.apiVersion) !== 'apiextensions.k8s.io') continue;
    const spec = object.spec as { group?: unknown; scope?: unknown; names?: { kind?: unknown } } | undefined;
    if (typeof spec?.group !== 'string' || typeof spec.names?.kind !== 'string') continue;
    if (spec.scope !== 'Cluster' && spec.scope !== 'Namespaced') continue;
    const key = crdScopeKey(spec.group, spec.names.kind);
    if (!scopes.has(key)) scopes.set(key, spec.scope === 'Namespaced');
  }
  return scopes;
}

export function crdScopeKey(group: string, kind: string): string {
  return `${group}\u0000${kind}`;
}

/**
 * API groups the API server itself serves: their objects' server-side
 * behaviour changes only with its version. Any other group is served by a CRD
 * (whose generation then counts) or by an aggregated API server (whose
 * behaviour Ladder cannot fingerprint, so its objects always take the full path).
 */
const BUILT_IN_GROUPS = new Set([
  '', 'apps', 'batch', 'autoscaling', 'policy', 'networking.k8s.io', 'rbac.authorization.k8s.io', 'storage.k8s.io',
  'coordination.k8s.io', 'discovery.k8s.io', 'scheduling.k8s.io', 'node.k8s.io', 'admissionregistration.k8s.io',
  'apiextensions.k8s.io', 'certificates.k8s.io', 'flowcontrol.apiserver.k8s.io', 'events.k8s.io', 'resource.k8s.io',
  'apiregistration.k8s.io', 'storagemigration.k8s.io', 'internal.apiserver.k8s.io',
]);

/** Whether the API server itself serves this group (its resources change only with its version). */
export function isBuiltInGroup(group: string): boolean {
  return BUILT_IN_GROUPS.has(group);
}
