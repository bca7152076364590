// applyCommit against the real API server: a realistic service, CRDs with
// their custom resources in one commit, idempotent re-apply, and sets the
// server refuses, which must change nothing.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { test } from 'node:test';
import { createKubeClient, type KubeClient, type KubeObject } from '../../src/adapters/kube/client.js';
import { applyCommit, readInventoryState, type ApplyOptions } from '../../src/agent/sync/index.js';
import type { ControlPlane } from '../bed/kube/control-plane.js';
import { useControlPlane } from '../support/control-plane.js';
import { commitA, commitB, configMapFile, fixtureFile, readObject, renderedService } from '../support/agent-sync.js';
import { eventually } from '../support/agent/log.js';

let cluster: ControlPlane;
let client: KubeClient;
useControlPlane((plane) => ({ cluster, client } = plane));

const optionsFor = (namespace: string, more: Partial<ApplyOptions> = {}): ApplyOptions => ({ inventory: { namespace, name: 'prd' }, ...more });

test('applies what the default templates render, marked with the inventory, and records it', async () => {
  const namespace = await cluster.newNamespace('apply');
  const files = await renderedService(namespace);
  const outcome = await applyCommit(client, { commit: commitA, files }, optionsFor(namespace));
  assert.equal(outcome.status, 'applied', outcome.message);
  assert.ok(outcome.objects.length >= 5);
  assert.deepEqual(new Set(outcome.objects.map((o) => o.action)), new Set(['created']));
  const deployment = await client.request<KubeObject>('GET', `/apis/apps/v1/namespaces/${namespace}/deployments/checkout`);
  assert.equal(deployment.metadata?.annotations?.['ladder.dev/inventory'], outcome.inventory.id);
  assert.equal(deployment.metadata?.labels?.['applyset.kubernetes.io/part-of'], outcome.inventory.id);
  assert.match(deployment.metadata?.annotations?.['ladder.dev/source'] ?? '', /^checkout\/.*deployment/);
  assert.ok(deployment.metadata?.managedFields?.some((f) => f.manager === 'ladder' && f.operation === 'Apply'));
  const inventory = await readInventoryState(client, { namespace, name: 'prd' });
  assert.equal(inventory.commit, commitA);
  assert.deepEqual(inventory.members.map((m) => m.kind).sort(), outcome.objects.map((o) => o.ref.kind).sort());
  const parent = await client.request<KubeObject>('GET', `/api/v1/namespaces/${namespace}/configmaps/ladder-inventory-prd`);
  assert.equal(parent.metadata?.labels?.['applyset.kubernetes.io/id'], outcome.inventory.id);
  assert.match(outcome.inventory.id, /^applyset-[A-Za-z0-9_-]{43}-v1$/);
});

test('re-applying the same commit writes nothing', async () => {
  const namespace = await cluster.newNamespace('reapply');
  const files = await renderedService(namespace);
  const first = await applyCommit(client, { commit: commitA, files }, optionsFor(namespace));
  assert.equal(first.status, 'applied', first.message);
  const versions = async () => Promise.all(first.desired.map(async (o) => (await client.request<KubeObject>('GET', o.path)).metadata?.resourceVersion));
  const before = await versions();
  const inventoryBefore = (await client.request<KubeObject>('GET', `/api/v1/namespaces/${namespace}/configmaps/ladder-inventory-prd`)).metadata?.resourceVersion;

  const second = await applyCommit(client, { commit: commitA, files }, optionsFor(namespace));
  assert.equal(second.status, 'applied', second.message);
  assert.equal(second.writes, 0);
  assert.deepEqual(new Set(second.objects.map((o) => o.action)), new Set(['unchanged']));
  assert.deepEqual(await versions(), before);
  // Both answers are what the server holds: the snapshot drift detection compares against.
  assert.deepEqual(first.objects.map((o) => o.applied?.metadata?.resourceVersion), before);
  assert.deepEqual(second.objects.map((o) => o.applied?.metadata?.resourceVersion), before);
  assert.ok(second.objects.every((o) => o.applied?.metadata?.managedFields?.some((f) => f.manager === 'ladder' && f.operation === 'Apply')));
  assert.equal((await client.request<KubeObject>('GET', `/api/v1/namespaces/${namespace}/configmaps/ladder-inventory-prd`)).metadata?.resourceVersion, inventoryBefore);
  // A dry-run per object, one labelled list per kind, and the inventory read: no more.
  const kinds = new Set(second.objects.map((o) => o.ref.kind)).size;
  assert.equal(second.requests, second.objects.length + kinds + 1, `${second.requests} requests for ${second.objects.length} objects of ${kinds} kinds`);

  // A new commit with the same content: objects untouched, only the inventory's commit moves.
  const third = await applyCommit(client, { commit: commitB, files }, optionsFor(namespace));
  assert.equal(third.writes, 1);
  assert.deepEqual(await versions(), before);
  assert.equal((await readInventoryState(client, { namespace, name: 'prd' })).commit, commitB);
});

test('a CRD and its custom resources in one commit', async () => {
  const namespace = await cluster.newNamespace('crd');
  const files = [fixtureFile('backup-schedule.yaml', namespace), fixtureFile('crd-backup-schedule.yaml', namespace)];
  const outcome = await applyCommit(client, { commit: commitA, files }, optionsFor(namespace));
  assert.equal(outcome.status, 'applied', outcome.message);
  assert.deepEqual(outcome.objects.map((o) => `${o.ref.kind} ${o.action}`).sort(), [
    'BackupSchedule created', 'BackupStore created', 'CustomResourceDefinition created', 'CustomResourceDefinition created',
  ]);
  const schedule = await client.request<KubeObject>('GET', `/apis/ops.example.com/v1/namespaces/${namespace}/backupschedules/orders-db`);
  assert.equal((schedule.spec as { port: unknown }).port, 'postgres');
  const crd = await client.request<KubeObject>('GET', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/backupschedules.ops.example.com');
  assert.match(JSON.stringify(crd.spec), /"x-kubernetes-int-or-string":true/);
  const again = await applyCommit(client, { commit: commitA, files }, optionsFor(namespace));
  assert.equal(again.writes, 0, again.message);
  // The corpus test below applies these CRDs again under its own inventory, and Ladder never takes
  // over a CRD another inventory made (agent-cluster-scoped-takeover.test.ts): removed here, as an
  // administrator would, so that test starts from a cluster without them.
  const crds = outcome.objects.filter((o) => o.ref.kind === 'CustomResourceDefinition').map((o) => `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${o.ref.name}`);
  await Promise.all(crds.map((path) => client.request('DELETE', path)));
  for (const path of crds) {
    const deadline = Date.now() + 30_000;
    while ((await readObject(client, path)) !== undefined) {
      assert.ok(Date.now() < deadline, `${path} still there after 30 s`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
});

test('a Namespace and what lives in it, in one commit', async () => {
  const agentNamespace = await cluster.newNamespace('agent');
  const target = `fresh-${agentNamespace}`;
  const files = [configMapFile(target, 'settings'), { path: 'namespace.yaml', content: `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${target}\n` }];
  const outcome = await applyCommit(client, { commit: commitA, files }, optionsFor(agentNamespace));
  assert.equal(outcome.status, 'applied', outcome.message);
  assert.ok(await readObject(client, `/api/v1/namespaces/${target}/configmaps/settings`));
});

test('an invalid set changes nothing, and the failure names the resource and the server message', async () => {
  const namespace = await cluster.newNamespace('invalid');
  const badDeployment = {
    path: 'deployment.yaml',
    content: [
      'apiVersion: apps/v1', 'kind: Deployment', 'metadata:', '  name: broken', `  namespace: ${namespace}`, 'spec:',
      '  selector: { matchLabels: { app: broken } }', '  template:', '    metadata: { labels: { app: other } }',
      '    spec: { containers: [{ name: web, image: nginx }] }', '',
    ].join('\n'),
  };
  const outcome = await applyCommit(client, { commit: commitA, files: [configMapFile(namespace, 'settings'), badDeployment] }, optionsFor(namespace));
  assert.equal(outcome.status, 'invalid');
  assert.equal(outcome.problems.length, 1);
  assert.equal(outcome.problems[0]!.file, 'deployment.yaml');
  assert.equal(outcome.problems[0]!.ref?.name, 'broken');
  assert.match(outcome.message, /deployment\.yaml:1 Deployment .*\/broken: Deployment.apps "broken" is invalid: .*`selector` does not match template `labels`/);
  assert.equal(outcome.writes, 0);
  assert.equal(await readObject(client, `/api/v1/namespaces/${namespace}/configmaps/settings`), undefined);
  assert.equal(await readObject(client, `/api/v1/namespaces/${namespace}/configmaps/ladder-inventory-prd`), undefined);
});

test('bad YAML and unknown kinds are refused before anything is sent', async () => {
  const namespace = await cluster.newNamespace('yaml');
  const broken = { path: 'apps/broken.yaml', content: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata: [unclosed\n' };
  const outcome = await applyCommit(client, { commit: commitA, files: [configMapFile(namespace, 'settings'), broken] }, optionsFor(namespace));
  assert.equal(outcome.status, 'invalid');
  assert.match(outcome.message, /^invalid manifests: apps\/broken\.yaml:\d+/);
  assert.equal(outcome.requests, 0);

  const unknown = { path: 'gadget.yaml', content: `apiVersion: gadgets.example.com/v1\nkind: Gadget\nmetadata:\n  name: g\n  namespace: ${namespace}\n` };
  const refused = await applyCommit(client, { commit: commitA, files: [configMapFile(namespace, 'settings'), unknown] }, optionsFor(namespace));
  assert.equal(refused.status, 'invalid');
  assert.match(refused.message, /gadget\.yaml:1 Gadget .*\/g: the API server does not serve kind Gadget in gadgets\.example\.com\/v1/);
  assert.equal(await readObject(client, `/api/v1/namespaces/${namespace}/configmaps/settings`), undefined);
});

test('a conflict with another field manager is reported, and forced only when configured', async () => {
  const namespace = await cluster.newNamespace('conflict');
  const files = [configMapFile(namespace, 'settings', { mode: 'git' }), configMapFile(namespace, 'other', { a: '1' })];
  assert.equal((await applyCommit(client, { commit: commitA, files }, optionsFor(namespace))).status, 'applied');
  const path = `/api/v1/namespaces/${namespace}/configmaps/settings`;
  await client.request('PATCH', path, { body: { data: { mode: 'hand' } }, contentType: 'application/merge-patch+json', query: { fieldManager: 'kubectl-edit' } });

  const changed = [configMapFile(namespace, 'settings', { mode: 'git2' }), configMapFile(namespace, 'other', { a: '2' })];
  const outcome = await applyCommit(client, { commit: commitB, files: changed }, optionsFor(namespace));
  assert.equal(outcome.status, 'failed');
  const settings = outcome.objects.find((o) => o.ref.name === 'settings')!;
  assert.equal(settings.action, 'conflict');
  assert.deepEqual(settings.conflicts, [{ manager: 'kubectl-edit', field: '.data.mode' }]);
  assert.match(outcome.message, /settings: conflict with kubectl-edit on \.data\.mode/);
  assert.equal(outcome.objects.find((o) => o.ref.name === 'other')!.action, 'configured');
  assert.deepEqual((await client.request<KubeObject>('GET', path)).data, { mode: 'hand' });
  assert.equal((await readInventoryState(client, { namespace, name: 'prd' })).commit, commitA, 'a failed commit is not recorded as applied');

  const forced = await applyCommit(client, { commit: commitB, files: changed }, optionsFor(namespace, { forceConflicts: true }));
  assert.equal(forced.status, 'applied', forced.message);
  assert.deepEqual((await client.request<KubeObject>('GET', path)).data, { mode: 'git2' });
});

test('re-applying a deployed commit (a new leader): a conflict on an object unchanged since is drift, left alone; one changed in Git still fails', async () => {
  const namespace = await cluster.newNamespace('redeploy');
  const files = [configMapFile(namespace, 'settings', { mode: 'git' }), configMapFile(namespace, 'other', { a: '1' })];
  assert.equal((await applyCommit(client, { commit: commitA, files }, optionsFor(namespace))).status, 'applied');
  const path = `/api/v1/namespaces/${namespace}/configmaps/settings`;
  await client.request('PATCH', path, { body: { data: { mode: 'hand' } }, contentType: 'application/merge-patch+json', query: { fieldManager: 'kubectl-edit' } });

  const again = await applyCommit(client, { commit: commitA, files }, optionsFor(namespace, { redeploy: true }));
  assert.equal(again.status, 'applied', again.message);
  const settings = again.objects.find((o) => o.ref.name === 'settings')!;
  assert.equal(settings.action, 'drifted');
  assert.deepEqual(settings.conflicts, [{ manager: 'kubectl-edit', field: '.data.mode' }]);
  assert.equal(settings.appliedText, undefined, 'no answer: it was not applied');
  assert.match(again.message, /1 drifted since the last deploy left to drift detection/);
  assert.deepEqual((await client.request<KubeObject>('GET', path)).data, { mode: 'hand' }, 'not forced');

  // Without `redeploy` (a new commit), the same conflict fails the apply, as before.
  assert.equal((await applyCommit(client, { commit: commitB, files }, optionsFor(namespace))).status, 'failed');
  // A re-apply whose object changed in Git is not drift: its conflict fails the apply.
  const changed = [configMapFile(namespace, 'settings', { mode: 'git2' }), configMapFile(namespace, 'other', { a: '1' })];
  const refused = await applyCommit(client, { commit: commitB, files: changed }, optionsFor(namespace, { redeploy: true }));
  assert.equal(refused.status, 'failed');
  assert.equal(refused.objects.find((o) => o.ref.name === 'settings')!.action, 'conflict');
});

test('a custom resource of a CRD the commit creates is checked once the CRD is served; refused, it stops the rest', async () => {
  const namespace = await cluster.newNamespace('deferred');
  const crd = {
    path: 'crd.yaml',
    content: JSON.stringify({
      apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'gizmos.deferred.example.com' },
      spec: {
        group: 'deferred.example.com', scope: 'Namespaced', names: { kind: 'Gizmo', plural: 'gizmos' },
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', required: ['size'], properties: { size: { type: 'integer' } } } } } } }],
      },
    }),
  };
  const gizmo = { path: 'gizmo.yaml', content: `apiVersion: deferred.example.com/v1\nkind: Gizmo\nmetadata:\n  name: g1\n  namespace: ${namespace}\nspec:\n  colour: red\n` };
  const outcome = await applyCommit(client, { commit: commitA, files: [crd, gizmo, configMapFile(namespace, 'settings')] }, optionsFor(namespace));
  assert.equal(outcome.status, 'failed');
  assert.match(outcome.message, /only the commit's Namespaces and CRDs were applied\): gizmo\.yaml:1 Gizmo .*\/g1: .*\.spec\.colour: field not declared in schema/);
  assert.ok(await readObject(client, '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/gizmos.deferred.example.com'));
  assert.equal(await readObject(client, `/api/v1/namespaces/${namespace}/configmaps/settings`), undefined);

  const fixed = { ...gizmo, content: gizmo.content.replace('colour: red', 'size: 3') };
  const retried = await applyCommit(client, { commit: commitA, files: [crd, fixed, configMapFile(namespace, 'settings')] }, optionsFor(namespace));
  assert.equal(retried.status, 'applied', retried.message);
  assert.deepEqual(retried.objects.map((o) => `${o.ref.kind} ${o.action}`), ['CustomResourceDefinition unchanged', 'Gizmo created', 'ConfigMap created']);
});

test('a CRD deleted after an apply: its kind is refused cleanly by the next one, and a CRD created again with another plural and scope is applied where it now lives', async () => {
  const namespace = await cluster.newNamespace('stale-crd');
  const crdPath = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
  const crdFile = (plural: string, scope: 'Namespaced' | 'Cluster') => ({
    path: 'crd.yaml',
    content: JSON.stringify({
      apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: `${plural}.stale.example.com` },
      spec: {
        group: 'stale.example.com', scope, names: { kind: 'Widget', plural },
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } } } } }],
      },
    }),
  });
  const widget = (metadata: string) => ({ path: 'widget.yaml', content: `apiVersion: stale.example.com/v1\nkind: Widget\nmetadata:\n  name: w1\n${metadata}spec:\n  size: 3\n` });
  const options = optionsFor(namespace, { prune: false });
  const first = await applyCommit(client, { commit: commitA, files: [crdFile('widgets', 'Namespaced'), widget(`  namespace: ${namespace}\n`)] }, options);
  assert.equal(first.status, 'applied', first.message);

  await client.request('DELETE', `${crdPath}/widgets.stale.example.com`);
  const served = async () => (await client.request('GET', '/apis/stale.example.com/v1').then(() => true, () => false));
  await eventually(async () => !(await served()) || undefined, 'the deleted CRD to be no longer served', 30_000);
  const refused = await applyCommit(client, { commit: commitB, files: [widget(`  namespace: ${namespace}\n`)] }, options);
  assert.equal(refused.status, 'invalid');
  assert.match(refused.message, /widget\.yaml:1 Widget .*\/w1: the API server does not serve kind Widget in stale\.example\.com\/v1/);

  // The same kind again, cluster-scoped under another plural: a stale mapping would send it to .../namespaces/<ns>/widgets.
  await client.request('POST', crdPath, { body: JSON.parse(crdFile('gadgetwidgets', 'Cluster').content) });
  await eventually(async () => (await served()) || undefined, 'the new CRD to be served', 30_000);
  await eventually(async () => (await client.request('GET', '/apis/stale.example.com/v1/gadgetwidgets').then(() => true, () => false)) || undefined, 'the new resource to be served', 30_000);
  const again = await applyCommit(client, { commit: commitB, files: [widget('')] }, options);
  assert.equal(again.status, 'applied', again.message);
  assert.ok(await readObject(client, '/apis/stale.example.com/v1/gadgetwidgets/w1'));
  await client.request('DELETE', `${crdPath}/gadgetwidgets.stale.example.com`);
});

test('an agent bound to one namespace: an object elsewhere is refused by name, and nothing is applied', async () => {
  const home = await cluster.newNamespace('home');
  const elsewhere = await cluster.newNamespace('elsewhere');
  await client.request('POST', `/apis/rbac.authorization.k8s.io/v1/namespaces/${home}/rolebindings`, {
    body: { metadata: { name: 'agent-admin' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'admin' }, subjects: [{ kind: 'ServiceAccount', name: 'ladder-agent', namespace: home }] },
  });
  const agent = createKubeClient(await cluster.kubeConfigForServiceAccount(home, 'ladder-agent'));
  try {
    const files = [configMapFile(home, 'mine'), configMapFile(elsewhere, 'theirs')];
    const refused = await applyCommit(agent, { commit: commitA, files }, optionsFor(home));
    assert.equal(refused.status, 'invalid');
    assert.match(refused.message, new RegExp(`theirs\\.yaml:1 ConfigMap ${elsewhere}/theirs: .*forbidden.*system:serviceaccount:${home}:ladder-agent`));
    assert.equal(await readObject(client, `/api/v1/namespaces/${home}/configmaps/mine`), undefined);

    const allowed = await applyCommit(agent, { commit: commitA, files: [configMapFile(home, 'mine')] }, optionsFor(home));
    assert.equal(allowed.status, 'applied', allowed.message);
  } finally {
    agent.close();
  }
});

test('every valid fixture — Secrets with stringData, Jobs, StatefulSets, CRDs — re-applies without a write', async () => {
  const namespace = await cluster.newNamespace('corpus');
  const names = readdirSync(new URL('../fixtures/manifests/valid/', import.meta.url)).sort();
  const files = names.map((name) => fixtureFile(name, namespace));
  // A client of its own: the shared one's discovery still remembers the fixture CRDs the test above removed.
  const agent = createKubeClient(cluster.kubeConfig);
  try {
    const first = await applyCommit(agent, { commit: commitA, files }, optionsFor(namespace));
    assert.equal(first.status, 'applied', first.message);
    assert.ok(first.objects.length >= 20, `${first.objects.length} objects`);
    const second = await applyCommit(agent, { commit: commitA, files }, optionsFor(namespace));
    assert.deepEqual(second.objects.filter((o) => o.action !== 'unchanged').map((o) => `${o.ref.kind} ${o.ref.name} ${o.action}`), []);
    assert.equal(second.writes, 0);
  } finally {
    agent.close();
  }
});
