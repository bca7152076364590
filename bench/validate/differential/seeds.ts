/**
 * Realistic manifests the differential generator mutates, one or more per kind
 * in scope. Every seed is accepted by kube-apiserver as it stands (the
 * differential test checks that first), and together they hold most fields the
 * API server's validation looks at, so mutations have something to change.
 */
type Obj = Record<string, unknown>;

const labels = { 'app.kubernetes.io/name': 'shop', 'app.kubernetes.io/instance': 'shop-dev' };

function container(name: string, extra: Obj = {}): Obj {
  return {
    name,
    image: 'registry.example.com/shop/api:1.4.2',
    imagePullPolicy: 'IfNotPresent',
    command: ['/bin/api'],
    args: ['--port=8080'],
    workingDir: '/app',
    ports: [
      { name: 'http', containerPort: 8080, protocol: 'TCP' },
      { name: 'metrics', containerPort: 9090 },
    ],
    env: [
      { name: 'LOG_LEVEL', value: 'info' },
      { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      { name: 'POD_LABEL', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: "metadata.labels['app.kubernetes.io/name']" } } },
      { name: 'CPU_LIMIT', valueFrom: { resourceFieldRef: { resource: 'limits.cpu', divisor: '1m' } } },
      { name: 'FEATURE', valueFrom: { configMapKeyRef: { name: 'shop-config', key: 'feature.flag', optional: true } } },
      { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'shop-db', key: 'password' } } },
    ],
    envFrom: [{ configMapRef: { name: 'shop-config' } }, { prefix: 'DB_', secretRef: { name: 'shop-db', optional: true } }],
    resources: { requests: { cpu: '100m', memory: '128Mi', 'ephemeral-storage': '1Gi' }, limits: { cpu: '500m', memory: '256Mi' } },
    resizePolicy: [{ resourceName: 'cpu', restartPolicy: 'NotRequired' }],
    volumeMounts: [
      { name: 'config', mountPath: '/etc/shop', readOnly: true },
      { name: 'tmp', mountPath: '/tmp' },
      { name: 'data', mountPath: '/var/lib/shop', subPath: 'api' },
      { name: 'projected', mountPath: '/var/run/projected', readOnly: true, recursiveReadOnly: 'IfPossible' },
      { name: 'podinfo', mountPath: '/etc/podinfo', mountPropagation: 'None' },
    ],
    livenessProbe: { httpGet: { path: '/healthz', port: 'http', scheme: 'HTTP', httpHeaders: [{ name: 'X-Probe', value: 'live' }] }, initialDelaySeconds: 5, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3, successThreshold: 1, terminationGracePeriodSeconds: 20 },
    readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 5 },
    startupProbe: { exec: { command: ['/bin/ready'] }, failureThreshold: 30, periodSeconds: 2 },
    lifecycle: { preStop: { sleep: { seconds: 5 } }, postStart: { exec: { command: ['/bin/warm'] } } },
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'FallbackToLogsOnError',
    securityContext: {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      runAsUser: 1000,
      runAsGroup: 1000,
      capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] },
      seccompProfile: { type: 'RuntimeDefault' },
    },
    ...extra,
  };
}

/** A pod spec using most of what the API server validates. */
export function podSpec(restartPolicy = 'Always'): Obj {
  return {
    restartPolicy,
    serviceAccountName: 'shop',
    automountServiceAccountToken: false,
    terminationGracePeriodSeconds: 30,
    dnsPolicy: 'ClusterFirst',
    dnsConfig: { nameservers: ['10.0.0.10'], searches: ['svc.cluster.local'], options: [{ name: 'ndots', value: '2' }] },
    hostAliases: [{ ip: '10.1.2.3', hostnames: ['db.internal'] }],
    nodeSelector: { 'kubernetes.io/os': 'linux' },
    priorityClassName: 'shop-high',
    preemptionPolicy: 'PreemptLowerPriority',
    enableServiceLinks: false,
    hostname: 'shop',
    subdomain: 'shop-headless',
    imagePullSecrets: [{ name: 'registry' }],
    readinessGates: [{ conditionType: 'example.com/ready' }],
    schedulingGates: [{ name: 'example.com/quota' }],
    securityContext: {
      runAsNonRoot: true,
      runAsUser: 1000,
      fsGroup: 2000,
      fsGroupChangePolicy: 'OnRootMismatch',
      supplementalGroups: [3000],
      sysctls: [{ name: 'net.ipv4.ip_local_port_range', value: '1024 65000' }],
      seccompProfile: { type: 'RuntimeDefault' },
    },
    affinity: {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/arch', operator: 'In', values: ['amd64', 'arm64'] }] }] },
        preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 50, preference: { matchExpressions: [{ key: 'node.example.com/tier', operator: 'Exists' }], matchFields: [{ key: 'metadata.name', operator: 'NotIn', values: ['node-1'] }] } }],
      },
      podAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, podAffinityTerm: { labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'cache' } }, topologyKey: 'kubernetes.io/hostname', namespaces: ['cache'] } }],
      },
      podAntiAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'In', values: ['shop'] }] }, topologyKey: 'kubernetes.io/hostname', matchLabelKeys: ['pod-template-hash'] }],
      },
    },
    tolerations: [
      { key: 'dedicated', operator: 'Equal', value: 'shop', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    ],
    topologySpreadConstraints: [
      { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', minDomains: 2, labelSelector: { matchLabels: labels }, matchLabelKeys: ['pod-template-hash'], nodeAffinityPolicy: 'Honor', nodeTaintsPolicy: 'Ignore' },
    ],
    initContainers: [
      { name: 'migrate', image: 'registry.example.com/shop/migrate:1.4.2', command: ['/bin/migrate'], resources: { requests: { cpu: '50m', memory: '64Mi' } }, volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }] },
      { name: 'proxy', image: 'registry.example.com/proxy:2.0', restartPolicy: 'Always', ports: [{ containerPort: 15001 }], readinessProbe: { grpc: { port: 15021 } }, resources: { requests: { cpu: '10m', memory: '32Mi' } } },
    ],
    containers: [container('api')],
    volumes: [
      { name: 'config', configMap: { name: 'shop-config', defaultMode: 0o440, items: [{ key: 'app.yaml', path: 'app.yaml', mode: 0o400 }] } },
      { name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } },
      { name: 'data', persistentVolumeClaim: { claimName: 'shop-data', readOnly: false } },
      { name: 'tls', secret: { secretName: 'shop-tls', items: [{ key: 'tls.crt', path: 'tls.crt' }] } },
      {
        name: 'projected',
        projected: {
          defaultMode: 0o444,
          sources: [
            { serviceAccountToken: { audience: 'vault', expirationSeconds: 3600, path: 'token' } },
            { configMap: { name: 'shop-ca', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
            { downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } },
          ],
        },
      },
      { name: 'podinfo', downwardAPI: { items: [{ path: 'name', fieldRef: { fieldPath: 'metadata.name' } }, { path: 'cpu', resourceFieldRef: { containerName: 'api', resource: 'requests.cpu', divisor: '1m' } }] } },
      { name: 'host', hostPath: { path: '/var/log/shop', type: 'DirectoryOrCreate' } },
      { name: 'csi', csi: { driver: 'secrets-store.csi.k8s.io', readOnly: true, volumeAttributes: { secretProviderClass: 'shop' }, nodePublishSecretRef: { name: 'csi-creds' } } },
      { name: 'scratch', ephemeral: { volumeClaimTemplate: { metadata: { labels }, spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'fast', resources: { requests: { storage: '1Gi' } } } } } },
      { name: 'shared', nfs: { server: 'nfs.example.com', path: '/exports/shop' } },
      { name: 'model', image: { reference: 'registry.example.com/shop/model:1', pullPolicy: 'IfNotPresent' } },
    ],
  };
}

/** Volume sources people rarely write, each valid, so their fields can be mutated too. */
export function legacyVolumes(): Obj[] {
  return [
    { name: 'gce', gcePersistentDisk: { pdName: 'disk-1', fsType: 'ext4', partition: 1 } },
    { name: 'ebs', awsElasticBlockStore: { volumeID: 'vol-1', partition: 0 } },
    { name: 'git', gitRepo: { repository: 'https://example.com/repo.git', directory: 'repo' } },
    { name: 'iscsi', iscsi: { targetPortal: '10.0.0.1:3260', iqn: 'iqn.2001-04.com.example:storage', lun: 0, initiatorName: 'iqn.1996-04.de.suse:01:19b0a7', chapAuthSession: true, secretRef: { name: 'chap' } } },
    { name: 'gluster', glusterfs: { endpoints: 'glusterfs', path: 'vol' } },
    { name: 'flocker', flocker: { datasetName: 'data' } },
    { name: 'rbd', rbd: { monitors: ['10.0.0.2:6789'], image: 'img' } },
    { name: 'cinder', cinder: { volumeID: 'abc', secretRef: { name: 'cinder' } } },
    { name: 'cephfs', cephfs: { monitors: ['10.0.0.3:6789'] } },
    { name: 'quobyte', quobyte: { registry: 'registry:7861', volume: 'vol', tenant: 'tenant' } },
    { name: 'fc', fc: { targetWWNs: ['500a0982991b8dc5'], lun: 2 } },
    { name: 'flex', flexVolume: { driver: 'example.com/flex', options: { size: '1' } } },
    { name: 'azurefile', azureFile: { secretName: 'azure', shareName: 'share' } },
    { name: 'vsphere', vsphereVolume: { volumePath: '[ds] vol.vmdk' } },
    { name: 'photon', photonPersistentDisk: { pdID: 'pd' } },
    { name: 'portworx', portworxVolume: { volumeID: 'pxvol' } },
    { name: 'azuredisk', azureDisk: { diskName: 'disk', diskURI: '/subscriptions/s/resourcegroups/g/providers/microsoft.compute/disks/d', kind: 'Managed', cachingMode: 'ReadOnly' } },
    { name: 'storageos', storageos: { volumeName: 'vol', volumeNamespace: 'ns', secretRef: { name: 'sos' } } },
    { name: 'scaleio', scaleIO: { gateway: 'https://gw', system: 'sys', volumeName: 'vol', secretRef: { name: 'sio' } } },
    { name: 'devices', persistentVolumeClaim: { claimName: 'block' } },
  ];
}

function template(spec: Obj): Obj {
  return { metadata: { labels: { ...labels, tier: 'backend' }, annotations: { 'example.com/revision': '7', 'controller.kubernetes.io/pod-deletion-cost': '10' } }, spec };
}

const meta = (name: string, extra: Obj = {}): Obj => ({ name, labels: { ...labels, 'app.kubernetes.io/managed-by': 'ladder' }, annotations: { 'example.com/owner': 'team-shop' }, ...extra });

function legacyPod(): Obj {
  const spec = podSpec();
  const api = (spec['containers'] as Obj[])[0]!;
  api['volumeMounts'] = [{ name: 'gce', mountPath: '/gce' }];
  api['volumeDevices'] = [{ name: 'devices', devicePath: '/dev/xvda' }];
  spec['volumes'] = [...legacyVolumes(), { name: 'tmp', emptyDir: {} }]; // the init container mounts tmp
  return spec;
}

export interface Seed {
  name: string;
  object: Obj;
}

export function seeds(): Seed[] {
  const workloadSpec = (extra: Obj = {}): Obj => ({ selector: { matchLabels: labels }, template: template(podSpec()), ...extra });
  return [
    {
      name: 'deployment',
      object: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta('shop'), spec: workloadSpec({ replicas: 3, minReadySeconds: 5, revisionHistoryLimit: 5, progressDeadlineSeconds: 120, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } } }) },
    },
    {
      name: 'deployment-legacy-volumes',
      object: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta('shop-legacy'), spec: { selector: { matchLabels: labels }, template: template(legacyPod()), strategy: { type: 'Recreate' } } },
    },
    { name: 'replicaset', object: { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: meta('shop'), spec: workloadSpec({ replicas: 2, minReadySeconds: 1 }) } },
    {
      name: 'daemonset',
      object: { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: meta('shop'), spec: workloadSpec({ minReadySeconds: 1, revisionHistoryLimit: 3, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '10%', maxSurge: 0 } } }) },
    },
    {
      name: 'statefulset',
      object: {
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        metadata: meta('shop'),
        spec: {
          ...workloadSpec({ replicas: 3 }),
          serviceName: 'shop-headless',
          podManagementPolicy: 'Parallel',
          updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 1 } },
          persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Retain' },
          ordinals: { start: 1 },
          volumeClaimTemplates: [{ metadata: { name: 'state' }, spec: { accessModes: ['ReadWriteOnce'], volumeMode: 'Filesystem', resources: { requests: { storage: '5Gi' } }, storageClassName: 'fast', selector: { matchLabels: { tier: 'ssd' } } } }],
        },
      },
    },
    {
      name: 'replicationcontroller',
      object: { apiVersion: 'v1', kind: 'ReplicationController', metadata: meta('shop'), spec: { replicas: 2, minReadySeconds: 1, selector: labels, template: template(podSpec()) } },
    },
    {
      name: 'job',
      object: {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: meta('shop-migrate'),
        spec: {
          parallelism: 2, completions: 4, completionMode: 'Indexed', backoffLimitPerIndex: 2, maxFailedIndexes: 2, activeDeadlineSeconds: 600, ttlSecondsAfterFinished: 3600,
          podFailurePolicy: { rules: [{ action: 'FailJob', onExitCodes: { containerName: 'api', operator: 'In', values: [42, 43] } }, { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] }] },
          successPolicy: { rules: [{ succeededIndexes: '0-1,3', succeededCount: 2 }] },
          podReplacementPolicy: 'Failed',
          managedBy: 'example.com/queue',
          template: template(podSpec('Never')),
        },
      },
    },
    {
      name: 'cronjob',
      object: {
        apiVersion: 'batch/v1',
        kind: 'CronJob',
        metadata: meta('shop-report'),
        spec: {
          schedule: '*/15 2-4 * JAN-MAR MON-FRI', timeZone: 'Europe/Berlin', concurrencyPolicy: 'Forbid', startingDeadlineSeconds: 120, successfulJobsHistoryLimit: 2, failedJobsHistoryLimit: 1, suspend: false,
          jobTemplate: { metadata: { labels }, spec: { backoffLimit: 2, activeDeadlineSeconds: 300, template: template(podSpec('OnFailure')) } },
        },
      },
    },
    {
      name: 'service',
      object: {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: meta('shop', { annotations: { 'service.kubernetes.io/topology-mode': 'Auto' } }),
        spec: {
          type: 'LoadBalancer', selector: labels, externalTrafficPolicy: 'Local', internalTrafficPolicy: 'Cluster', sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 600 } },
          loadBalancerSourceRanges: ['10.0.0.0/8'], loadBalancerClass: 'example.com/lb', allocateLoadBalancerNodePorts: true, externalIPs: ['192.0.2.10'], trafficDistribution: 'PreferClose',
          ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP', appProtocol: 'http' }, { name: 'grpc', port: 9090, targetPort: 9090 }],
        },
      },
    },
    { name: 'service-external', object: { apiVersion: 'v1', kind: 'Service', metadata: meta('shop-db'), spec: { type: 'ExternalName', externalName: 'db.example.com' } } },
    { name: 'service-headless', object: { apiVersion: 'v1', kind: 'Service', metadata: meta('shop-headless'), spec: { clusterIP: 'None', clusterIPs: ['None'], selector: labels, ports: [{ name: 'http', port: 80 }], publishNotReadyAddresses: true } } },
    { name: 'configmap', object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('shop-config'), data: { 'app.yaml': 'port: 8080\n', 'feature.flag': 'on' }, binaryData: { 'logo.png': 'iVBORw0KGgo=' } } },
    { name: 'secret', object: { apiVersion: 'v1', kind: 'Secret', metadata: meta('shop-db'), type: 'Opaque', data: { password: 'c2VjcmV0' }, stringData: { user: 'shop' } } },
    { name: 'secret-tls', object: { apiVersion: 'v1', kind: 'Secret', metadata: meta('shop-tls'), type: 'kubernetes.io/tls', data: { 'tls.crt': 'Y2VydA==', 'tls.key': 'a2V5' } } },
    { name: 'secret-docker', object: { apiVersion: 'v1', kind: 'Secret', metadata: meta('registry'), type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': 'eyJhdXRocyI6e319' } } },
    { name: 'secret-sa-token', object: { apiVersion: 'v1', kind: 'Secret', metadata: meta('shop-token', { annotations: { 'kubernetes.io/service-account.name': 'shop' } }), type: 'kubernetes.io/service-account-token' } },
    { name: 'serviceaccount', object: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta('shop'), automountServiceAccountToken: false, imagePullSecrets: [{ name: 'registry' }], secrets: [{ name: 'shop-token' }] } },
    {
      name: 'persistentvolumeclaim',
      object: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: meta('shop-data'), spec: { accessModes: ['ReadWriteOnce'], volumeMode: 'Filesystem', storageClassName: 'fast', resources: { requests: { storage: '10Gi' }, limits: { storage: '20Gi' } }, selector: { matchLabels: { tier: 'ssd' } }, dataSourceRef: { kind: 'PersistentVolumeClaim', name: 'shop-data-old' } } },
    },
    { name: 'namespace', object: { apiVersion: 'v1', kind: 'Namespace', metadata: meta('shop-dev', { finalizers: ['example.com/cleanup'] }), spec: { finalizers: ['kubernetes'] } } },
    {
      name: 'resourcequota',
      object: { apiVersion: 'v1', kind: 'ResourceQuota', metadata: meta('shop'), spec: { hard: { 'requests.cpu': '10', 'limits.memory': '20Gi', pods: '50', 'count/deployments.apps': '10', 'example.com/gpu': '4' }, scopeSelector: { matchExpressions: [{ scopeName: 'PriorityClass', operator: 'In', values: ['shop-high'] }] } } },
    },
    { name: 'resourcequota-scopes', object: { apiVersion: 'v1', kind: 'ResourceQuota', metadata: meta('shop-besteffort'), spec: { hard: { pods: '5' }, scopes: ['BestEffort'] } } },
    {
      name: 'limitrange',
      object: {
        apiVersion: 'v1',
        kind: 'LimitRange',
        metadata: meta('shop'),
        spec: {
          limits: [
            { type: 'Container', max: { cpu: '2', memory: '2Gi' }, min: { cpu: '10m', memory: '16Mi' }, default: { cpu: '500m', memory: '512Mi' }, defaultRequest: { cpu: '100m', memory: '128Mi' }, maxLimitRequestRatio: { cpu: '10' } },
            { type: 'Pod', max: { cpu: '4', memory: '4Gi' } },
            { type: 'PersistentVolumeClaim', min: { storage: '1Gi' }, max: { storage: '100Gi' } },
          ],
        },
      },
    },
    {
      name: 'ingress',
      object: {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        metadata: meta('shop'),
        spec: {
          ingressClassName: 'nginx',
          defaultBackend: { service: { name: 'shop', port: { name: 'http' } } },
          tls: [{ hosts: ['shop.example.com', '*.shop.example.com'], secretName: 'shop-tls' }],
          rules: [
            { host: 'shop.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'shop', port: { number: 80 } } } }, { path: '/api/v1', pathType: 'Exact', backend: { service: { name: 'shop', port: { name: 'http' } } } }] } },
            { host: '*.shop.example.com', http: { paths: [{ pathType: 'ImplementationSpecific', backend: { resource: { apiGroup: 'storage.example.com', kind: 'Bucket', name: 'static' } } }] } },
          ],
        },
      },
    },
    { name: 'ingressclass', object: { apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: meta('nginx'), spec: { controller: 'k8s.io/ingress-nginx', parameters: { apiGroup: 'k8s.example.com', kind: 'IngressParameters', name: 'nginx', scope: 'Namespace', namespace: 'ingress' } } } },
    {
      name: 'networkpolicy',
      object: {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: meta('shop'),
        spec: {
          podSelector: { matchLabels: labels },
          policyTypes: ['Ingress', 'Egress'],
          ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'web' } } }, { podSelector: { matchExpressions: [{ key: 'role', operator: 'In', values: ['frontend'] }] } }, { ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }], ports: [{ protocol: 'TCP', port: 8080 }, { port: 'metrics' }] }],
          egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ protocol: 'UDP', port: 53 }, { port: 32000, endPort: 32768 }] }],
        },
      },
    },
    {
      name: 'horizontalpodautoscaler',
      object: {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: meta('shop'),
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'shop' },
          minReplicas: 2,
          maxReplicas: 10,
          metrics: [
            { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
            { type: 'ContainerResource', containerResource: { name: 'memory', container: 'api', target: { type: 'AverageValue', averageValue: '200Mi' } } },
            { type: 'Pods', pods: { metric: { name: 'queue_depth' }, target: { type: 'AverageValue', averageValue: '10' } } },
            { type: 'Object', object: { describedObject: { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', name: 'shop' }, metric: { name: 'rps' }, target: { type: 'Value', value: '100' } } },
            { type: 'External', external: { metric: { name: 'sqs_messages', selector: { matchLabels: { queue: 'orders' } } }, target: { type: 'AverageValue', averageValue: '30' } } },
          ],
          behavior: { scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] }, scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] } },
        },
      },
    },
    { name: 'poddisruptionbudget', object: { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: meta('shop'), spec: { minAvailable: '50%', selector: { matchLabels: labels }, unhealthyPodEvictionPolicy: 'AlwaysAllow' } } },
    { name: 'role', object: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: meta('shop'), rules: [{ apiGroups: [''], resources: ['configmaps'], resourceNames: ['shop-config'], verbs: ['get', 'watch'] }] } },
    {
      name: 'clusterrole',
      object: {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: meta('shop-reader'),
        rules: [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['list'] }, { nonResourceURLs: ['/metrics'], verbs: ['get'] }],
        aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'rbac.example.com/aggregate-to-shop': 'true' } }] },
      },
    },
    {
      name: 'rolebinding',
      object: {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: meta('shop'),
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'shop' },
        subjects: [{ kind: 'ServiceAccount', name: 'shop' }, { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'jane@example.com' }, { kind: 'Group', name: 'shop-devs' }],
      },
    },
    {
      name: 'clusterrolebinding',
      object: {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: meta('shop-reader'),
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'shop-reader' },
        subjects: [{ kind: 'ServiceAccount', name: 'shop', namespace: 'shop-dev' }, { kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'auditors' }],
      },
    },
    { name: 'priorityclass', object: { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: meta('shop-high'), value: 100000, globalDefault: false, preemptionPolicy: 'Never', description: 'Shop services' } },
  ];
}
