// Issue #11, item 4, against the real API server: the agent never takes over a
// cluster-scoped object that existed before and that Ladder did not create
// (applying a copy of an existing CRD, then deleting it from Git, would have
// pruned the CRD and every custom resource of its kind), unless the manifest
// adopts it by annotation; and a CRD that left Git is pruned only with its
// own flag, like Namespaces; and a cluster-scoped object is applied only when
// .ladder/services.yml grants it, narrowed by the agent's config.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeClient, KubeObject } from '../../src/adapters/kube/client.js';
import { applyCommit, type ApplyOptions, type ManifestFile } from '../../src/agent/sync/index.js';
import { clusterScopedCheck } from '../../src/core/services/cluster-scoped.js';
import { parseServices } from '../../src/core/services/load.js';
import type { ControlPlane } from '../bed/kube/control-plane.js';
import { useControlPlane } from '../support/control-plane.js';
import { commitA, commitB, commitC, configMapFile, readObject } from '../support/agent-sync.js';

let cluster: ControlPlane;
let client: KubeClient;
useControlPlane((plane) => ({ cluster, client } = plane));

const optionsFor = (namespace: string, more: Partial<ApplyOptions> = {}): ApplyOptions => ({ inventory: { namespace, name: 'dev' }, ...more });
const crdPath = (name: string) => `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`;

function crd(group: string, annotations: Record<string, string> = {}): KubeObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `widgets.${group}`, ...(Object.keys(annotations).length ? { annotations } : {}) },
    spec: {
      group,
      scope: 'Namespaced',
      names: { kind: 'Widget', plural: 'widgets' },
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object' } } } } }],
    },
  };
}
const crdFile = (object: KubeObject): ManifestFile => ({ path: 'crd.yaml', content: JSON.stringify(object) });
const managers = (object: KubeObject | undefined) => (object?.metadata?.managedFields ?? []).map((f) => f.manager);

test("a copy of a CRD someone else created is refused before anything is applied, naming the annotation that adopts it; with it, it is applied", async () => {
  const namespace = await cluster.newNamespace('takeover');
  const group = `${namespace}.example.com`;
  await client.request('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', { body: crd(group), query: { fieldManager: 'kubectl-create' } });

  const started = performance.now();
  const refused = await applyCommit(client, { commit: commitA, files: [crdFile(crd(group)), configMapFile(namespace, 'settings')] }, optionsFor(namespace));
  assert.equal(refused.status, 'invalid');
  assert.match(refused.message, new RegExp(`crd\\.yaml:1 .*CustomResourceDefinition widgets\\.${group.replace(/\./g, '\\.')} already exists and Ladder did not create it: Ladder does not take over a cluster-scoped object .*annotate it in Git with ladder\\.dev/adopt: "true"`));
  assert.ok(performance.now() - started < 5000);
  const untouched = managers(await readObject(client, crdPath(`widgets.${group}`)));
  assert.ok(untouched.includes('kubectl-create') && !untouched.includes('ladder'), `Ladder became no manager of it (${untouched.join(', ')})`);
  assert.equal(await readObject(client, `/api/v1/namespaces/${namespace}/configmaps/settings`), undefined, 'nothing of the commit was applied');

  const adopted = await applyCommit(client, { commit: commitB, files: [crdFile(crd(group, { 'ladder.dev/adopt': 'true' })), configMapFile(namespace, 'settings')] }, optionsFor(namespace));
  assert.equal(adopted.status, 'applied', adopted.message);
  assert.ok(managers(await readObject(client, crdPath(`widgets.${group}`))).includes('ladder'));
});

test('a Namespace an administrator made is not taken over either: refused unless adopted; one Ladder created is applied again', async () => {
  const namespace = await cluster.newNamespace('nstakeover');
  const team = `team-${namespace}`;
  await client.request('POST', '/api/v1/namespaces', { body: { metadata: { name: team, labels: { owner: 'platform' } } }, query: { fieldManager: 'kubectl-create' } });
  const namespaceFile = (name: string, annotations = '') => ({ path: 'ns.yaml', content: `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n${annotations}` });
  const refused = await applyCommit(client, { commit: commitA, files: [namespaceFile(team), configMapFile(namespace, 'settings')] }, optionsFor(namespace));
  assert.equal(refused.status, 'invalid');
  assert.match(refused.message, new RegExp(`ns\\.yaml:1 .*Namespace ${team} already exists and Ladder did not create it: .*with prune\\.namespaces, would delete everything in it.*annotate it in Git with ladder\\.dev/adopt: "true"`));
  assert.ok(!managers(await readObject(client, `/api/v1/namespaces/${team}`)).includes('ladder'), 'Ladder became no manager of it');
  assert.equal(await readObject(client, `/api/v1/namespaces/${namespace}/configmaps/settings`), undefined, 'nothing of the commit was applied');

  const adopted = await applyCommit(client, { commit: commitB, files: [namespaceFile(team, '  annotations: { ladder.dev/adopt: "true" }\n'), configMapFile(namespace, 'settings')] }, optionsFor(namespace));
  assert.equal(adopted.status, 'applied', adopted.message);
  assert.ok(managers(await readObject(client, `/api/v1/namespaces/${team}`)).includes('ladder'));

  const fresh = `fresh-${namespace}`;
  const created = await applyCommit(client, { commit: commitA, files: [namespaceFile(fresh), configMapFile(namespace, 'stg-settings')] }, optionsFor(namespace, { inventory: { namespace, name: 'stg' } }));
  assert.equal(created.status, 'applied', `a new Namespace is Ladder's to create: ${created.message}`);
  const again = await applyCommit(client, { commit: commitB, files: [namespaceFile(fresh), configMapFile(namespace, 'stg-settings')] }, optionsFor(namespace, { inventory: { namespace, name: 'stg' } }));
  assert.equal(again.status, 'applied', `and, created by Ladder, applied again: ${again.message}`);
});

test("another environment's CRD is not this agent's to take over", async () => {
  const first = await cluster.newNamespace('first');
  const second = await cluster.newNamespace('second');
  const group = `${first}.example.com`;
  const made = await applyCommit(client, { commit: commitA, files: [crdFile(crd(group))] }, optionsFor(first));
  assert.equal(made.status, 'applied', made.message);
  const again = await applyCommit(client, { commit: commitB, files: [crdFile(crd(group))] }, optionsFor(first));
  assert.equal(again.status, 'applied', 'its own CRD, applied again, is its own');

  const other = await applyCommit(client, { commit: commitA, files: [crdFile(crd(group))] }, optionsFor(second));
  assert.equal(other.status, 'invalid');
  assert.match(other.message, /already exists and Ladder did not create it/);
});

test('a CRD that left Git is kept unless prune.customResourceDefinitions is on, and then pruned', async () => {
  const namespace = await cluster.newNamespace('crdprune');
  const group = `${namespace}.example.com`;
  const name = `widgets.${group}`;
  const start = await applyCommit(client, { commit: commitA, files: [crdFile(crd(group)), configMapFile(namespace, 'anchor')] }, optionsFor(namespace));
  assert.equal(start.status, 'applied', start.message);

  const kept = await applyCommit(client, { commit: commitB, files: [configMapFile(namespace, 'anchor')] }, optionsFor(namespace));
  assert.deepEqual(kept.prune!.pruned, []);
  assert.deepEqual(kept.prune!.skipped.map((s) => `${s.ref.name}: ${s.reason}`), [`${name}: CRDs are not pruned unless prune.customResourceDefinitions is on: deleting one deletes every custom resource of its kind, ours or not`]);
  assert.deepEqual(kept.prune!.retained.map((r) => r.name), [name], 'still listed, so turning the flag on later prunes it');
  assert.equal((await readObject(client, crdPath(name)))?.metadata?.deletionTimestamp, undefined);

  const pruned = await applyCommit(client, { commit: commitC, files: [configMapFile(namespace, 'anchor')] }, optionsFor(namespace, { prune: { customResourceDefinitions: true } }));
  assert.deepEqual(pruned.prune!.pruned.map((r) => `${r.kind} ${r.name}`), [`CustomResourceDefinition ${name}`]);
});

test('a cluster-scoped object is applied only when .ladder/services.yml grants it to the environment and the agent config does not narrow it away', async () => {
  const namespace = await cluster.newNamespace('granted');
  const role = (name: string): ManifestFile => ({ path: `${name}.yaml`, content: `apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: ${name}\nrules: []\n` });
  const reader = `reader-${namespace}`;
  const admin = `admin-${namespace}`;
  const services = parseServices(
    `services:\n  checkout:\n    repository: shop/checkout\n    path: checkout\n    environments:\n      dev:\n        from: { branches: [main] }\n        namespaces: [${namespace}]\n        clusterScoped: [{ kind: ClusterRole, names: [${reader}] }]\n`,
    '.ladder/services.yml',
  );
  let asked = 0;
  const grant = (narrowing?: Parameters<typeof clusterScopedCheck>[2]) => async () => {
    asked++;
    return clusterScopedCheck(services, 'dev', narrowing);
  };

  const plain = await applyCommit(client, { commit: commitA, files: [configMapFile(namespace, 'settings')] }, optionsFor(namespace, { clusterScoped: grant() }));
  assert.equal(plain.status, 'applied', plain.message);
  assert.equal(asked, 0, 'the grant is read only for a commit with cluster-scoped objects');

  const ungranted = await applyCommit(client, { commit: commitB, files: [role(reader), role(admin)] }, optionsFor(namespace, { clusterScoped: grant() }));
  assert.equal(ungranted.status, 'invalid');
  assert.match(ungranted.message, new RegExp(`${admin}\\.yaml:1 .*ClusterRole ${admin} is not granted to dev: add it under clusterScoped: of the environment in \\.ladder/services\\.yml`));
  assert.equal(await readObject(client, `/apis/rbac.authorization.k8s.io/v1/clusterroles/${reader}`), undefined, 'nothing of the commit was applied');

  const narrowed = await applyCommit(client, { commit: commitB, files: [role(reader)] }, optionsFor(namespace, { clusterScoped: grant([{ kind: 'ClusterRole', names: ['something-else'] }]) }));
  assert.equal(narrowed.status, 'invalid');
  assert.match(narrowed.message, new RegExp(`ClusterRole ${reader} is granted to dev, but not in this agent's clusterScoped, which narrows the grant`));

  const widened = await applyCommit(client, { commit: commitB, files: [role(admin)] }, optionsFor(namespace, { clusterScoped: grant([{ kind: 'ClusterRole', names: [admin] }]) }));
  assert.equal(widened.status, 'invalid', "the agent's config cannot widen the grant");

  const granted = await applyCommit(client, { commit: commitC, files: [role(reader)] }, optionsFor(namespace, { clusterScoped: grant() }));
  assert.equal(granted.status, 'applied', granted.message);
  assert.ok(await readObject(client, `/apis/rbac.authorization.k8s.io/v1/clusterroles/${reader}`));
});
