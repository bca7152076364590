// No false drift: realistic manifests (the default templates rendered by
// src/core/render, and the valid manifest corpus) applied to the real
// kube-apiserver, then everything that is NOT drift happens to them — the
// server's defaults and normalisation, an HPA scaling a Deployment whose
// manifest leaves replicas out, controllers adding annotations, finalizers and
// status, a mutating webhook injecting a sidecar, Ladder re-applying — and the
// watcher must stay quiet. A real edit at the end proves it was listening.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { it } from 'node:test';
import { readTemplates } from '../../src/adapters/fs/templates.js';
import { type KubeClient, type KubeObject } from '../../src/adapters/kube/client.js';
import { DriftWatcher, type DesiredObject } from '../../src/agent/drift/watcher.js';
import { parseManifests } from '../../src/core/manifests/parse.js';
import { renderEnvironment } from '../../src/core/render/render.js';
import type { ControlPlane } from '../bed/kube/control-plane.js';
import { useControlPlane } from '../support/control-plane.js';
import { judged } from '../support/drift-judged.js';
import { applyAll, editLikeKubectl, mergePatch, recordingSink, sleep } from '../fixtures/drift/bed.js';
import { exampleConfig, sha } from '../fixtures/templates/render-input.js';

let cluster: ControlPlane;
let client: KubeClient;
useControlPlane((plane) => ({ cluster, client } = plane));

const corpusDir = new URL('../fixtures/manifests/valid/', import.meta.url);

function renderedTemplates(namespace: string, templates: Awaited<ReturnType<typeof readTemplates>>): KubeObject[] {
  const files = renderEnvironment({ config: exampleConfig(), environment: 'dev', sha, templates });
  return files.flatMap((file) => parseManifests(file.content, file.path).documents.map((d) => inNamespace(d.object as KubeObject, namespace)));
}

function corpus(namespace: string): { crds: KubeObject[]; objects: KubeObject[] } {
  const all = readdirSync(corpusDir)
    .sort()
    .flatMap((name) => parseManifests(readFileSync(new URL(name, corpusDir)), name).documents.map((d) => d.object as KubeObject));
  const crds = all.filter((o) => o.kind === 'CustomResourceDefinition');
  const objects = all.filter((o) => o.kind !== 'CustomResourceDefinition' && o.kind !== 'Namespace').map((o) => inNamespace(o, namespace));
  return { crds, objects };
}

function inNamespace(object: KubeObject, namespace: string): KubeObject {
  if (!object.metadata?.namespace) return object;
  return { ...object, metadata: { ...object.metadata, namespace } };
}

async function served(apiVersion: string, kind: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await client.resourceFor(apiVersion, kind)) return;
    await sleep(200);
  }
  throw new Error(`${apiVersion} ${kind} never served`);
}

const pathOf = (namespace: string, plural: string, name: string, group = 'apps/v1') =>
  `${group === 'v1' ? '/api/v1' : `/apis/${group}`}/namespaces/${namespace}/${plural}/${name}`;

it('stays quiet through defaults, HPA scaling, controller annotations, finalizers, status, a sidecar and re-applies', async () => {
  const namespace = await cluster.newNamespace('quiet');
  // The corpus has its own checkout Deployment: another namespace keeps the two apart.
  const corpusNamespace = await cluster.newNamespace('corpus');
  const { crds, objects } = corpus(corpusNamespace);
  for (const crd of crds) await applyAll(client, [crd]);
  await served('ops.example.com/v1', 'BackupSchedule');
  await served('ops.example.com/v1', 'BackupStore');

  const rendered = renderedTemplates(namespace, await readTemplates());
  const deployment = rendered.find((o) => o.kind === 'Deployment')!;
  assert.equal((deployment.spec as Record<string, unknown>).replicas, undefined, 'the default Deployment template leaves replicas to the HPA');
  // The templates' snapshots come from the apply answers; the corpus' from dry-run applies.
  const desired: DesiredObject[] = [...(await applyAll(client, rendered)), ...(await applyAll(client, objects, { withAnswer: false }))];
  assert.ok(desired.length >= 20, `corpus of ${desired.length} objects`);

  const sink = recordingSink();
  const watcher = new DriftWatcher({ client, sink, environment: 'dev' });
  await watcher.setDesired(sha, desired);
  await watcher.start();
  try {
    const name = String(deployment.metadata!.name);
    const deploymentPath = pathOf(namespace, 'deployments', name);
    // The HPA scales the Deployment through the scale subresource.
    await mergePatch(client, `${deploymentPath}/scale`, { spec: { replicas: 4 } }, 'kube-controller-manager');
    // The deployment controller annotates and writes status.
    await mergePatch(client, deploymentPath, { metadata: { annotations: { 'deployment.kubernetes.io/revision': '2' } } }, 'kube-controller-manager');
    await client.request('PATCH', `${deploymentPath}/status`, {
      query: { fieldManager: 'kube-controller-manager' },
      body: { status: { observedGeneration: 2, replicas: 4, readyReplicas: 4, availableReplicas: 4, updatedReplicas: 4 } },
      contentType: 'application/merge-patch+json',
    });
    // A mutating webhook injects a sidecar and changes a field the manifest leaves to the default.
    const injected = await editLikeKubectl(client, deploymentPath, (o) => {
      o.spec.template.metadata.annotations['sidecar.istio.io/status'] = '{"containers":["istio-proxy"]}';
      o.spec.template.spec.containers.push({ name: 'istio-proxy', image: 'istio/proxyv2:1.24' });
      o.spec.template.spec.terminationGracePeriodSeconds = 45;
    }, 'istio-sidecar-injector');
    // The HPA's own status, a load balancer address, a finalizer and a controller's annotation on a ConfigMap.
    const hpaStatus = await client.request<KubeObject>('PATCH', `${pathOf(namespace, 'horizontalpodautoscalers', name, 'autoscaling/v2')}/status`, {
      query: { fieldManager: 'kube-controller-manager' },
      body: { status: { currentReplicas: 4, desiredReplicas: 4 } },
      contentType: 'application/merge-patch+json',
    });
    const loadBalancer = await client.request<KubeObject>('PATCH', `${pathOf(corpusNamespace, 'services', 'checkout-public', 'v1')}/status`, {
      query: { fieldManager: 'cloud-controller-manager' },
      body: { status: { loadBalancer: { ingress: [{ ip: '203.0.113.7' }] } } },
      contentType: 'application/merge-patch+json',
    });
    const finalized = await mergePatch(client, pathOf(corpusNamespace, 'configmaps', 'checkout-config', 'v1'), { metadata: { finalizers: ['example.com/protect'], annotations: { 'reloader.stakater.com/last-seen': 'abc' } } }, 'reloader');
    // Ladder applies the same commit again.
    const again = await applyAll(client, rendered);
    await watcher.setDesired(sha, [...again, ...desired.slice(again.length)]);

    // Every write above has been judged (each object's last one, and the re-apply's answers): anything it would report is reported.
    await judged(watcher, [injected, hpaStatus, loadBalancer, finalized, ...again.map((o) => o.applied!)]);
    assert.deepEqual(sink.events.map((e) => [e.incident.object.kind, e.incident.object.name, e.incident.changes.map((c) => c.path)]), []);
    assert.equal(watcher.driftedCount(), 0);

    // It was listening: a real edit of a field the template sets is reported.
    await editLikeKubectl(client, deploymentPath, (o) => (o.spec.revisionHistoryLimit = 1));
    const { incident } = await sink.waitFor((e) => e.type === 'detected');
    assert.deepEqual(incident.changes.map((c) => [c.path, c.desired, c.live]), [['spec.revisionHistoryLimit', 5, 1]]);
    // And on the corpus, whose snapshots came from dry-run applies.
    await mergePatch(client, pathOf(corpusNamespace, 'configmaps', 'checkout-config', 'v1'), { data: { FEATURE_FLAGS: 'none' } }, 'kubectl-edit');
    const corpusDrift = await sink.waitFor((e) => e.type === 'detected' && e.incident.object.kind === 'ConfigMap');
    assert.deepEqual(corpusDrift.incident.changes.map((c) => [c.path, c.live, c.changedBy?.manager]), [['data.FEATURE_FLAGS', 'none', 'kubectl-edit']]);
  } finally {
    await watcher.stop();
    await mergePatch(client, pathOf(corpusNamespace, 'configmaps', 'checkout-config', 'v1'), { metadata: { finalizers: null } }, 'reloader');
  }
});
