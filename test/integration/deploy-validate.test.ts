// Issue 13, item 2: every overlay of deploy/ renders with kustomize, passes
// `ladder validate`, and is wired together: what refers to something (a
// Service's selector, a probe's port, a volume's ConfigMap, a RoleBinding's
// role and subject, an agent config's namespaces) finds it in the same output.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../src/adapters/kube/client.js';
import { parseAgentConfig } from '../../src/agent/wiring/config.js';
import { buildOverlay, deployDir, parseObjects } from '../support/deploy/overlays.js';
import { runLadder } from '../unit/cli-run.js';

const version = (JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

interface PodSpec {
  serviceAccountName?: string;
  containers: Array<{ image: string; ports?: Array<{ name: string }>; readinessProbe?: Probe; livenessProbe?: Probe; startupProbe?: Probe }>;
  volumes?: Array<{ configMap?: { name: string }; secret?: { secretName: string } }>;
}
interface Probe {
  httpGet: { path: string; port: string };
}
type Labels = Record<string, string>;

const overlays = {
  app: () => buildOverlay('overlays/app'),
  agent: () => buildOverlay('overlays/agent'),
  'agent with the cluster-scoped component': async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ladder-overlay-'));
    // As a platform repository would use it: its own overlay on top of Ladder's.
    const from = (path: string) => relative(dir, join(deployDir, path));
    await writeFile(join(dir, 'kustomization.yaml'), `resources: [${from('overlays/agent')}]\ncomponents: [${from('components/cluster-scoped')}]\n`);
    return buildOverlay(dir);
  },
  environments: () => buildOverlay('overlays/environments'),
};

const matches = (selector: Labels, labels: Labels | undefined) => Object.entries(selector).every(([key, value]) => labels?.[key] === value);
const find = (objects: KubeObject[], kind: string, name: string, namespace?: string) =>
  objects.find((o) => o.kind === kind && o.metadata?.name === name && (namespace === undefined || o.metadata?.namespace === namespace));

describe("deploy/'s overlays", () => {
  for (const [name, build] of Object.entries(overlays)) {
    describe(name, () => {
      it('passes `ladder validate`: schemas and policy, with only the cluster-scoped objects an installation owns reported', async () => {
        const yaml = await build();
        const result = await runLadder(['validate', '-', '--format', 'json'], { stdin: yaml });
        const { findings } = JSON.parse(result.stdout) as { findings: Array<{ rule: string; kind: string; name: string }> };
        const objects = parseObjects(yaml);
        const clusterScoped = objects.filter((o) => ['Namespace', 'ClusterRole', 'ClusterRoleBinding'].includes(o.kind!)).map((o) => `${o.kind}/${o.metadata!.name}`);
        assert.ok(clusterScoped.length > 0);
        assert.deepEqual(findings.map((f) => `${f.rule} ${f.kind}/${f.name}`).sort(), clusterScoped.map((ref) => `cluster-scoped-resource ${ref}`).sort());
        assert.equal(result.code, 1, 'the cluster-scoped findings are errors for a service, so exit 1');
      });

      it('is wired together: selectors, ports, probes, volumes, service accounts, roles and agent configs all resolve', async () => {
        const objects = parseObjects(await build());
        const deployments = objects.filter((o) => o.kind === 'Deployment');
        assert.ok(deployments.length > 0);
        for (const deployment of deployments) {
          const where = `${deployment.metadata!.namespace}/${deployment.metadata!.name}`;
          const ns = deployment.metadata!.namespace!;
          const spec = deployment.spec as { selector: { matchLabels: Labels }; template: { metadata: { labels: Labels }; spec: PodSpec } };
          const pod = spec.template.spec;
          assert.ok(matches(spec.selector.matchLabels, spec.template.metadata.labels), `${where}: selector matches its pods`);
          assert.equal(spec.template.metadata.labels['app.kubernetes.io/version'], version, `${where}: version label is package.json's`);
          assert.ok(find(objects, 'Namespace', ns), `${where}: its Namespace is in the overlay`);
          assert.ok(find(objects, 'ServiceAccount', pod.serviceAccountName!, ns), `${where}: service account ${pod.serviceAccountName}`);
          for (const container of pod.containers) {
            assert.equal(container.image, `ghcr.io/ladder-gitops/ladder:${version}`, `${where}: the image of this release`);
            const ports = (container.ports ?? []).map((p) => p.name);
            for (const probe of [container.startupProbe, container.livenessProbe, container.readinessProbe]) assert.ok(probe && ports.includes(probe.httpGet.port), `${where}: probe port`);
            assert.deepEqual([container.livenessProbe!.httpGet.path, container.readinessProbe!.httpGet.path], ['/healthz', '/readyz']);
          }
          for (const volume of pod.volumes ?? []) {
            if (volume.configMap) assert.ok(find(objects, 'ConfigMap', volume.configMap.name, ns), `${where}: ConfigMap ${volume.configMap.name}`);
          }
          const services = objects.filter((o) => o.kind === 'Service' && o.metadata!.namespace === ns && matches((o.spec as { selector: Labels }).selector, spec.template.metadata.labels));
          assert.equal(services.length, 1, `${where}: one Service selects its pods`);
          for (const port of (services[0]!.spec as { ports: Array<{ targetPort: string }> }).ports) {
            assert.ok(pod.containers.some((c) => (c.ports ?? []).some((p) => p.name === port.targetPort)), `${where}: Service targetPort ${port.targetPort}`);
          }
          const budgets = objects.filter((o) => o.kind === 'PodDisruptionBudget' && o.metadata!.namespace === ns);
          assert.equal(budgets.length, 1, `${where}: one PodDisruptionBudget`);
          assert.ok(matches((budgets[0]!.spec as { selector: { matchLabels: Labels } }).selector.matchLabels, spec.template.metadata.labels));
        }
        for (const binding of objects.filter((o) => o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding')) {
          const roleRef = binding.roleRef as { kind: string; name: string };
          assert.ok(find(objects, roleRef.kind, roleRef.name, roleRef.kind === 'Role' ? binding.metadata!.namespace : undefined), `${binding.kind} ${binding.metadata!.name}: ${roleRef.kind} ${roleRef.name}`);
          for (const subject of binding.subjects as Array<{ name: string; namespace: string }>) {
            assert.ok(find(objects, 'ServiceAccount', subject.name, subject.namespace), `${binding.kind} ${binding.metadata!.name}: subject ${subject.namespace}/${subject.name}`);
          }
        }
        for (const configMap of objects.filter((o) => o.kind === 'ConfigMap')) {
          const agentNs = configMap.metadata!.namespace!;
          const config = parseAgentConfig((configMap.data as Record<string, string>)['agent.yaml']!, `${agentNs}/agent.yaml`, { LADDER_AGENT_NAMESPACE: agentNs });
          for (const target of config.namespaces) {
            const granted = objects.some(
              (o) =>
                o.kind === 'RoleBinding' &&
                o.metadata!.namespace === target &&
                (o.roleRef as { name: string }).name === 'ladder-agent-target' &&
                (o.subjects as Array<{ namespace: string }>).some((s) => s.namespace === agentNs),
            );
            assert.ok(granted, `the ${config.environment} agent (${agentNs}) may write to ${target}`);
          }
        }
      });
    });
  }

  it('gives the registry credentials to the App alone, with the image gate on; every agent waits for the image and gets none', async () => {
    const secretsOf = (objects: KubeObject[]) =>
      objects
        .filter((o) => o.kind === 'Deployment')
        .map((o) => (o as unknown as { spec: { template: { spec: Pick<PodSpec, 'volumes'> & { containers: Array<{ env?: Array<{ valueFrom?: { secretKeyRef?: { name: string } } }> }> } } } }).spec.template.spec)
        .flatMap((pod) => [...(pod.volumes ?? []).map((v) => v.secret?.secretName), ...pod.containers.flatMap((c) => (c.env ?? []).map((e) => e.valueFrom?.secretKeyRef?.name))])
        .filter((name): name is string => name !== undefined);
    const app = parseObjects(await overlays.app());
    assert.ok(secretsOf(app).includes('ladder-app-registry'));
    const env = (app.find((o) => o.kind === 'Deployment') as unknown as { spec: { template: { spec: { containers: Array<{ env: Array<{ name: string; value?: string }> }> } } } }).spec.template.spec.containers[0]!.env;
    assert.equal(env.find((e) => e.name === 'LADDER_IMAGE_GATE')?.value, 'on');
    for (const name of ['agent', 'agent with the cluster-scoped component', 'environments'] as const) {
      const objects = parseObjects(await overlays[name]());
      assert.deepEqual(secretsOf(objects).filter((secret) => /registry|docker/i.test(secret)), [], `${name}: no registry credentials`);
      for (const configMap of objects.filter((o) => o.kind === 'ConfigMap')) {
        assert.equal(parseAgentConfig((configMap.data as Record<string, string>)['agent.yaml']!, 'agent.yaml', {}).waitForImage, true, `${name}: ${configMap.metadata!.namespace} waits for the image`);
      }
    }
  });

  it('runs one agent per environment, each in its own namespace, so applying one never replaces another', async () => {
    const objects = parseObjects(await overlays.environments());
    const agents = objects.filter((o) => o.kind === 'Deployment').map((o) => o.metadata!.namespace);
    assert.deepEqual(agents.sort(), ['ladder-dev', 'ladder-prd', 'ladder-stg']);
    const environments = objects.filter((o) => o.kind === 'ConfigMap').map((o) => `${o.metadata!.namespace}: ${parseAgentConfig((o.data as Record<string, string>)['agent.yaml']!, 'agent.yaml', {}).environment}`);
    assert.deepEqual(environments.sort(), ['ladder-dev: dev', 'ladder-prd: prd', 'ladder-stg: stg']);
  });
});
