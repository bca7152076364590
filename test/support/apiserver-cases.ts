/**
 * Objects and what kube-apiserver 1.36.3 answered to a server-side apply dry
 * run of each: `accept`, or the field errors of its 422 (the text after
 * "is invalid: "). test/unit/apiserver-rules.test.ts holds Ladder's rules to
 * these answers; test/integration/apiserver-differential.test.ts asks the
 * real API server again, so a recorded answer cannot go stale.
 */
type Obj = Record<string, unknown>;

export interface ServerCase {
  name: string;
  object: Obj;
  /** `accept`, or the server's field errors joined as it prints them. */
  server: string;
}

const labels = { app: 'shop' };
const container = (extra: Obj = {}): Obj => ({ name: 'app', image: 'registry.example.com/shop:1', ...extra });
const podSpec = (extra: Obj = {}): Obj => ({ containers: [container()], ...extra });
const deployment = (spec: Obj = {}, metadata: Obj = {}): Obj => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'shop', ...metadata },
  spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: podSpec() }, ...spec },
});
const withPod = (extra: Obj): Obj => deployment({ template: { metadata: { labels }, spec: podSpec(extra) } });
const withContainer = (extra: Obj): Obj => withPod({ containers: [container(extra)] });
const service = (spec: Obj): Obj => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'shop' }, spec: { selector: labels, ports: [{ port: 80 }], ...spec } });
const owner = (apiVersion: string, kind: string): Obj => ({ apiVersion, kind, name: 'shop-owner', uid: '6a1c2f3e-8d1b-4c1e-9f0a-2b3c4d5e6f70' });
const cronJob = (spec: Obj): Obj => ({
  apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'report' },
  spec: { schedule: '*/15 * * * *', jobTemplate: { spec: { template: { spec: podSpec({ restartPolicy: 'OnFailure' }) } } }, ...spec },
});

export const serverCases: ServerCase[] = [
  // The eight mistakes.
  { name: 'CronJob schedule with four fields', object: cronJob({ schedule: '*/5 * * *' }), server: 'spec.schedule: Invalid value: "*/5 * * *": expected exactly 5 fields, found 4: [*/5 * * *]' },
  { name: 'selector that does not match the template labels', object: deployment({ selector: { matchLabels: { app: 'orders' } } }), server: 'spec.template.metadata.labels: Invalid value: {"app":"shop"}: `selector` does not match template `labels`' },
  { name: 'name with upper-case letters', object: deployment({}, { name: 'Shop' }), server: 'metadata.name: Invalid value: "Shop": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, \'-\' or \'.\', and must start and end with an alphanumeric character (e.g. \'example.com\', regex used for validation is \'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\')' },
  { name: 'label value with a space', object: deployment({}, { labels: { team: 'shop floor' } }), server: 'metadata.labels: Invalid value: "shop floor": a valid label must be an empty string or consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character (e.g. \'MyValue\',  or \'my_value\',  or \'12345\', regex used for validation is \'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?\')' },
  { name: 'Service port 70000', object: service({ ports: [{ port: 70000 }] }), server: 'spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive, spec.ports[0].targetPort: Invalid value: 70000: must be between 1 and 65535, inclusive' },
  { name: 'replicas -1', object: deployment({ replicas: -1 }), server: 'spec.replicas: Invalid value: -1: must be greater than or equal to 0' },
  { name: 'two containers with one name', object: withPod({ containers: [container(), container({ image: 'registry.example.com/sidecar:1' })] }), server: '(apply) .spec.template.spec.containers: duplicate entries for key [name="app"]' },
  { name: 'CPU request above the limit', object: withContainer({ resources: { requests: { cpu: '2' }, limits: { cpu: '1' } } }), server: 'spec.template.spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1' },

  // Numbers, formats and cross-field rules of pod templates.
  { name: 'probe with periodSeconds 0', object: withContainer({ livenessProbe: { httpGet: { port: 8080 }, periodSeconds: 0 } }), server: 'accept' },
  { name: 'probe with negative timeout', object: withContainer({ readinessProbe: { tcpSocket: { port: 8080 }, timeoutSeconds: -1 } }), server: 'spec.template.spec.containers[0].readinessProbe.timeoutSeconds: Invalid value: -1: must be greater than or equal to 0' },
  { name: 'probe with two handlers', object: withContainer({ livenessProbe: { httpGet: { port: 8080 }, tcpSocket: { port: 8080 } } }), server: 'spec.template.spec.containers[0].livenessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type' },
  { name: 'port name too long', object: withContainer({ ports: [{ containerPort: 8080, name: 'http-metrics-port' }] }), server: 'spec.template.spec.containers[0].ports[0].name: Invalid value: "http-metrics-port": must be no more than 15 characters' },
  { name: 'volume mount of no volume', object: withContainer({ volumeMounts: [{ name: 'data', mountPath: '/data' }] }), server: 'spec.template.spec.containers[0].volumeMounts[0].name: Not found: "data"' },
  { name: 'env var with a bad name is only a warning', object: withContainer({ env: [{ name: 'MY VAR', value: '1' }] }), server: 'accept' },
  { name: 'memory limit with a bad suffix', object: withContainer({ resources: { limits: { memory: '512MB' } } }), server: '(decode) quantities must match the regular expression \'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$\'' },
  { name: 'restartPolicy Never in a Deployment', object: withPod({ restartPolicy: 'Never' }), server: 'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"' },
  { name: 'runAsUser negative', object: withPod({ securityContext: { runAsUser: -1 } }), server: 'spec.template.spec.securityContext.runAsUser: Invalid value: -1: must be between 0 and 2147483647, inclusive' },
  { name: 'toleration Exists with a value', object: withPod({ tolerations: [{ key: 'k', operator: 'Exists', value: 'v' }] }), server: 'spec.template.spec.tolerations[0].operator: Invalid value: "v": value must be empty when `operator` is \'Exists\'' },
  { name: 'maxSurge and maxUnavailable both zero', object: deployment({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 0 } } }), server: 'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0' },
  { name: 'maxUnavailable above 100 %', object: deployment({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '120%' } } }), server: 'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "120%": must not be greater than 100%' },
  { name: 'pod overhead of an extended resource', object: withPod({ overhead: { 'example.com/gpu': '1' } }), server: 'accept' },
  { name: 'pod overhead of a bad resource name', object: withPod({ overhead: { 'gpu': '1' } }), server: 'spec.template.spec.overhead.limits[gpu]: Invalid value: "gpu": must be a standard resource type or fully qualified, spec.template.spec.overhead.limits[gpu]: Invalid value: "gpu": must be a standard resource for containers' },
  { name: 'empty selector', object: deployment({ selector: {} }), server: 'spec.selector: Invalid value: {}: empty selector is invalid for deployment' },
  // Owner references: the API version is read by apimachinery's ParseGroupVersion (found by the full differential run).
  { name: 'owner reference with an apps/v1 owner', object: deployment({}, { ownerReferences: [owner('apps/v1', 'ReplicaSet')] }), server: 'accept' },
  { name: 'owner reference whose apiVersion has two slashes', object: deployment({}, { ownerReferences: [owner('a/b/c', 'ReplicaSet')] }), server: 'metadata.ownerReferences.apiVersion: Invalid value: "a/b/c": version must not be empty' },
  { name: 'owner reference whose apiVersion is an absolute path', object: deployment({}, { ownerReferences: [owner('/absolute/path', 'ReplicaSet')] }), server: 'metadata.ownerReferences.apiVersion: Invalid value: "/absolute/path": version must not be empty' },
  { name: 'owner reference with an empty group before the version', object: deployment({}, { ownerReferences: [owner('/v1', 'ConfigMap')] }), server: 'accept' },

  // Other kinds.
  { name: 'Service nodePort on a ClusterIP Service', object: service({ ports: [{ port: 80, nodePort: 30080 }] }), server: 'spec.ports[0].nodePort: Forbidden: may not be used when `type` is \'ClusterIP\'' },
  { name: 'Service with two ports of one number', object: service({ ports: [{ port: 80, name: 'a' }, { port: 80, name: 'b' }] }), server: '(apply) .spec.ports: duplicate entries for key [port=80,protocol="TCP"]' },
  { name: 'Service ports without names', object: service({ ports: [{ port: 80 }, { port: 81 }] }), server: 'spec.ports[0].name: Required value, spec.ports[1].name: Required value' },
  { name: 'headless Service with a nodePort type', object: service({ type: 'NodePort', clusterIP: 'None' }), server: 'spec.clusterIPs[0]: Invalid value: "None": may not be set to \'None\' for NodePort services' },
  { name: 'ConfigMap key with a slash', object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg' }, data: { 'app/config': 'x' } }, server: 'data[app/config]: Invalid value: "app/config": a valid config key must consist of alphanumeric characters, \'-\', \'_\' or \'.\' (e.g. \'key.name\',  or \'KEY_NAME\',  or \'key-name\', regex used for validation is \'[-._a-zA-Z0-9]+\')' },
  { name: 'TLS Secret without tls.key', object: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'tls' }, type: 'kubernetes.io/tls', data: { 'tls.crt': 'Y2VydA==' } }, server: 'data[tls.key]: Required value' },
  { name: 'HPA with minReplicas above maxReplicas', object: { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'shop' }, spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'shop' }, minReplicas: 5, maxReplicas: 3 } }, server: 'spec.maxReplicas: Invalid value: 3: must be greater than or equal to `minReplicas`' },
  { name: 'PDB with minAvailable and maxUnavailable', object: { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'shop' }, spec: { minAvailable: 1, maxUnavailable: 1, selector: { matchLabels: labels } } }, server: 'spec: Invalid value: {"MinAvailable":1,"Selector":{"matchLabels":{"app":"shop"}},"MaxUnavailable":1,"UnhealthyPodEvictionPolicy":null}: minAvailable and maxUnavailable cannot be both set' },
  { name: 'Ingress path not starting with a slash', object: { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'shop' }, spec: { rules: [{ host: 'shop.example.com', http: { paths: [{ path: 'api', pathType: 'Prefix', backend: { service: { name: 'shop', port: { number: 80 } } } }] } }] } }, server: 'spec.rules[0].http.paths[0].path: Invalid value: "api": must be an absolute path' },
  { name: 'Ingress host that is an IP', object: { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'shop' }, spec: { rules: [{ host: '10.0.0.1' }] } }, server: 'spec.rules[0].host: Invalid value: "10.0.0.1": must be a DNS name, not an IP address' },
  { name: 'NetworkPolicy port range end below its start', object: { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'shop' }, spec: { podSelector: {}, ingress: [{ ports: [{ port: 8000, endPort: 7000 }] }] } }, server: 'spec.ingress[0].ports[0].endPort: Invalid value: 8000: must be greater than or equal to `port`' },
  { name: 'NetworkPolicy ipBlock except outside its CIDR', object: { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'shop' }, spec: { podSelector: {}, egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/16', except: ['192.168.0.0/24'] } }] }] } }, server: 'spec.egress[0].to[0].ipBlock.except[0]: Invalid value: "192.168.0.0/24": must be a strict subset of `cidr`' },
  { name: 'PVC without a storage request', object: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: {} } }, server: 'spec.resources[storage]: Required value' },
  { name: 'PVC with an unknown access mode', object: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteSometimes'], resources: { requests: { storage: '1Gi' } } } }, server: 'spec.accessModes: Unsupported value: "ReadWriteSometimes": supported values: "ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"' },
  { name: 'ResourceQuota with a negative quota', object: { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'quota' }, spec: { hard: { pods: '-1' } } }, server: 'spec.hard[pods]: Invalid value: "-1": must be greater than or equal to 0' },
  { name: 'LimitRange default above max', object: { apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'limits' }, spec: { limits: [{ type: 'Container', max: { cpu: '1' }, default: { cpu: '2' } }] } }, server: 'spec.limits[0].defaultRequest[cpu]: Invalid value: "2": default request value 2 is greater than max value 1, spec.limits[0].default[cpu]: Invalid value: "1": default value 2 is greater than max value 1' },
  { name: 'Role rule without verbs', object: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'reader' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: [] }] }, server: 'rules[0].verbs: Required value: verbs must contain at least one value' },
  { name: 'RoleBinding to an unknown kind of role', object: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'read' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'reader' }, subjects: [{ kind: 'ServiceAccount', name: 'shop' }] }, server: 'roleRef.kind: Unsupported value: "Group": supported values: "Role", "ClusterRole"' },
  { name: 'PriorityClass with a system value', object: { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'urgent' }, value: 2000000000 }, server: 'value: Forbidden: maximum allowed value of a user defined priority is 1000000000' },
  { name: 'Namespace with a dot in its name', object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop.dev' } }, server: 'metadata.name: Invalid value: "shop.dev": must not contain dots' },
  { name: 'Job with completions below the succeeded count', object: { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'migrate' }, spec: { completionMode: 'Indexed', completions: 2, successPolicy: { rules: [{ succeededCount: 3 }] }, template: { spec: podSpec({ restartPolicy: 'Never' }) } } }, server: 'spec.successPolicy.rules[0].succeededCount: Invalid value: 3: must be less than or equal to 2 (the number of specified completions)' },
  { name: 'CronJob with an unknown time zone', object: cronJob({ timeZone: 'Mars/Olympus' }), server: 'spec.timeZone: Invalid value: "Mars/Olympus": unknown time zone Mars/Olympus' },
  { name: 'StatefulSet without a pod management policy is fine', object: { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db' }, spec: { serviceName: 'db', selector: { matchLabels: labels }, template: { metadata: { labels }, spec: podSpec() } } }, server: 'accept' },
  { name: 'DaemonSet with OnDelete and rollingUpdate', object: { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent' }, spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: podSpec() }, updateStrategy: { type: 'OnDelete', rollingUpdate: { maxUnavailable: 1 } } } }, server: 'accept' },
  { name: 'metadata.uid copied from a live object', object: deployment({}, { uid: '2f7c2a52-0b9e-4a36-9d6a-3b4d0f0c8a11' }), server: '(apply) uid mismatch: the provided object specified uid 2f7c2a52-0b9e-4a36-9d6a-3b4d0f0c8a11, and no existing object was found' },
];

/**
 * The API server's answer in the form `serverCases` records: the field errors
 * of a 422; `(apply) …` for what server-side apply refused before validation;
 * `(decode) …` for what it could not decode.
 */
export function recordedAnswer(status: number, message: string): string {
  if (status === 422) {
    const errors = message.slice(message.indexOf(' is invalid: ') + ' is invalid: '.length);
    return errors.startsWith('[') && errors.endsWith(']') ? errors.slice(1, -1) : errors;
  }
  if (status === 400 && message.includes(' cannot be handled as a ')) return `(decode) ${message.replace(/^.* cannot be handled as a [A-Za-z]+: /, '')}`;
  if (status === 500 && message.includes('unable to convert unstructured object to ')) return `(decode) ${message.replace(/^.*unable to convert unstructured object to [^:]*: /, '')}`;
  if (status === 500 && message.startsWith('failed to create typed patch object')) return `(apply) ${message.replace(/^failed to create typed patch object \([^)]*\): /, '')}`;
  if (status === 409) return `(apply) ${message.replace(/^Operation cannot be fulfilled on [^"]*"[^"]*": /, '')}`;
  return `(${status}) ${message}`;
}
