/**
 * A deterministic corpus of Kubernetes manifests for the validation benchmark:
 * one resource per file (the layout of a Ladder manifest branch), mixed kinds,
 * and a share of resources broken on purpose in ways both validators can see.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { seededRandom } from '../../test/support/random.js';

/** Manifests are built and broken in place; their shape is the point, not their type. */
type Obj = Record<string, any>;

export interface CorpusEntry {
  file: string;
  kind: string;
  /** The mutation that makes it invalid, or undefined for a resource that must pass. */
  breakage: string | undefined;
}


function podSpec(app: string, rnd: () => number): Obj {
  return {
    serviceAccountName: app,
    securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [{
      name: app,
      image: `registry.example.com/shop/${app}:${Math.floor(rnd() * 1e12).toString(16).padStart(10, '0')}`,
      imagePullPolicy: 'IfNotPresent',
      ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
      env: [{ name: 'LOG_LEVEL', value: 'info' }, { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: `${app}-db`, key: 'password' } } }],
      resources: { requests: { cpu: `${50 + Math.floor(rnd() * 400)}m`, memory: `${64 * (1 + Math.floor(rnd() * 8))}Mi` }, limits: { memory: '1Gi' } },
      readinessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 5 },
      securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
    }],
  };
}

function template(app: string, rnd: () => number): Obj {
  return { metadata: { labels: { 'app.kubernetes.io/name': app } }, spec: podSpec(app, rnd) };
}

const builders: Record<string, (app: string, ns: string, rnd: () => number) => Obj> = {
  Deployment: (app, ns, rnd) => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: app, namespace: ns },
    spec: { replicas: 1 + Math.floor(rnd() * 5), selector: { matchLabels: { 'app.kubernetes.io/name': app } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } }, template: template(app, rnd) } }),
  StatefulSet: (app, ns, rnd) => ({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: app, namespace: ns },
    spec: { serviceName: app, replicas: 3, selector: { matchLabels: { 'app.kubernetes.io/name': app } }, template: template(app, rnd),
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } } } }] } }),
  DaemonSet: (app, ns, rnd) => ({ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: app, namespace: ns },
    spec: { selector: { matchLabels: { 'app.kubernetes.io/name': app } }, template: template(app, rnd) } }),
  CronJob: (app, ns, rnd) => {
    const spec = podSpec(app, rnd);
    return { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: app, namespace: ns },
      spec: { schedule: '30 2 * * *', concurrencyPolicy: 'Forbid', jobTemplate: { spec: { backoffLimit: 2, template: { spec: { ...spec, restartPolicy: 'OnFailure' } } } } } };
  },
  Job: (app, ns, rnd) => ({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: app, namespace: ns },
    spec: { backoffLimit: 1, template: { spec: { ...podSpec(app, rnd), restartPolicy: 'Never' } } } }),
  Service: (app, ns) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: app, namespace: ns },
    spec: { type: 'ClusterIP', selector: { 'app.kubernetes.io/name': app }, ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }] } }),
  ConfigMap: (app, ns, rnd) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${app}-config`, namespace: ns },
    data: { 'app.yaml': `timeout: ${Math.floor(rnd() * 30)}s\nretries: 3\n`, FEATURES: 'a,b,c' } }),
  Secret: (app, ns, rnd) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: `${app}-db`, namespace: ns }, type: 'Opaque',
    data: { password: Buffer.from(`pw-${rnd()}`).toString('base64') } }),
  ServiceAccount: (app, ns) => ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: app, namespace: ns }, automountServiceAccountToken: false }),
  HorizontalPodAutoscaler: (app, ns) => ({ apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: app, namespace: ns },
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: app }, minReplicas: 2, maxReplicas: 10,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }] } }),
  PodDisruptionBudget: (app, ns) => ({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: app, namespace: ns },
    spec: { minAvailable: '50%', selector: { matchLabels: { 'app.kubernetes.io/name': app } } } }),
  Ingress: (app, ns) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: app, namespace: ns },
    spec: { ingressClassName: 'nginx', rules: [{ host: `${app}.example.com`, http: { paths: [{ path: '/', pathType: 'Prefix',
      backend: { service: { name: app, port: { name: 'http' } } } }] } }] } }),
  NetworkPolicy: (app, ns) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: app, namespace: ns },
    spec: { podSelector: { matchLabels: { 'app.kubernetes.io/name': app } }, policyTypes: ['Ingress'],
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress' } } }], ports: [{ protocol: 'TCP', port: 8080 }] }] } }),
  Role: (app, ns) => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: app, namespace: ns },
    rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch'] }] }),
  RoleBinding: (app, ns) => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: app, namespace: ns },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: app }, subjects: [{ kind: 'ServiceAccount', name: app, namespace: ns }] }),
};

/** Breakages each validator must catch; each applies to the kinds it names (`*` = any). */
const breakages: { name: string; kinds: string[]; apply(o: Obj): void }[] = [
  { name: 'unknown field', kinds: ['*'], apply: (o) => { o['metadata']['lables'] = { app: 'x' }; } },
  { name: 'wrong type', kinds: ['Deployment', 'StatefulSet'], apply: (o) => { o['spec']['replicas'] = '3'; } },
  { name: 'missing required', kinds: ['Deployment', 'DaemonSet', 'StatefulSet'], apply: (o) => { delete o['spec']['selector']; } },
  { name: 'bad enum', kinds: ['Deployment', 'DaemonSet', 'StatefulSet'], apply: (o) => { o['spec']['template']['spec']['containers'][0]['imagePullPolicy'] = 'Sometimes'; } },
  { name: 'bad enum', kinds: ['Service'], apply: (o) => { o['spec']['type'] = 'Loadbalancer'; } },
  { name: 'int-or-string', kinds: ['Service'], apply: (o) => { o['spec']['ports'][0]['targetPort'] = true; } },
  { name: 'bad quantity', kinds: ['Deployment', 'StatefulSet', 'DaemonSet'], apply: (o) => { o['spec']['template']['spec']['containers'][0]['resources']['limits']['memory'] = '1 GB'; } },
  { name: 'int32 overflow', kinds: ['Deployment'], apply: (o) => { o['spec']['template']['spec']['containers'][0]['ports'][0]['containerPort'] = 99999999999; } },
  { name: 'not base64', kinds: ['Secret'], apply: (o) => { o['data']['password'] = 'plain text!'; } },
  { name: 'unknown field', kinds: ['Role'], apply: (o) => { o['rules'][0]['verb'] = ['get']; } },
];

/** Writes `count` resources into `dir` (one per file); about `invalidShare` of them broken. */
export async function writeCorpus(dir: string, count: number, invalidShare = 0.1, seed = 20250131): Promise<CorpusEntry[]> {
  const rnd = seededRandom(seed);
  const kinds = Object.keys(builders);
  const entries: CorpusEntry[] = [];
  for (let i = 0; i < count; i++) {
    const kind = kinds[i % kinds.length]!;
    const team = `team-${String(Math.floor(i / 150)).padStart(3, '0')}`;
    const object = builders[kind]!(`svc-${String(i).padStart(5, '0')}`, team, rnd);
    let breakage: string | undefined;
    if (rnd() < invalidShare) {
      const candidates = breakages.filter((b) => b.kinds.includes(kind) || b.kinds.includes('*'));
      const chosen = candidates[Math.floor(rnd() * candidates.length)]!;
      chosen.apply(object);
      breakage = chosen.name;
    }
    const file = join(team, `${kind.toLowerCase()}-${String(i).padStart(5, '0')}.yaml`);
    if (i % 150 === 0) await mkdir(join(dir, team), { recursive: true });
    await writeFile(join(dir, file), stringify(object));
    entries.push({ file, kind, breakage });
  }
  return entries;
}
