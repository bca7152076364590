// Field validation per request (issue 16): every dry-run asks for `fieldValidation=Strict`; the apply
// that follows it with the very same body of a built-in kind asks for `Ignore` (nothing is left to
// find, and the server spares its strict second parse); a custom resource, whose CRD the same commit
// may change in between, is applied `Strict` again.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeClient } from '../../src/adapters/kube/client.js';
import { applyCommit } from '../../src/agent/sync/index.js';
import type { ControlPlane } from '../bed/kube/control-plane.js';
import { useControlPlane } from '../support/control-plane.js';
import { commitA, configMapFile } from '../support/agent-sync.js';

let cluster: ControlPlane;
let client: KubeClient;
useControlPlane((plane) => ({ cluster, client } = plane));

/** The client, recording the query of every PATCH it sends. */
function recording(inner: KubeClient): { client: KubeClient; patches: { path: string; dryRun: boolean; fieldValidation: unknown }[] } {
  const patches: { path: string; dryRun: boolean; fieldValidation: unknown }[] = [];
  const requestText: KubeClient['requestText'] = (method, path, options) => {
    if (method === 'PATCH') patches.push({ path, dryRun: options?.query?.dryRun === 'All', fieldValidation: options?.query?.fieldValidation });
    return inner.requestText(method, path, options);
  };
  return { client: { ...inner, requestText }, patches };
}

test('dry-runs are Strict; the apply of a built-in kind after its dry-run is Ignore, of a custom resource Strict', async () => {
  const namespace = await cluster.newNamespace('validation');
  const crd = {
    path: 'crd.yaml',
    content: JSON.stringify({
      apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'knobs.validation.example.com' },
      spec: {
        group: 'validation.example.com', scope: 'Namespaced', names: { kind: 'Knob', plural: 'knobs' },
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { turn: { type: 'integer' } } } } } } }],
      },
    }),
  };
  const knob = { path: 'knob.yaml', content: `apiVersion: validation.example.com/v1\nkind: Knob\nmetadata:\n  name: k\n  namespace: ${namespace}\nspec:\n  turn: 3\n` };
  const { client: watched, patches } = recording(client);
  const outcome = await applyCommit(watched, { commit: commitA, files: [crd, knob, configMapFile(namespace, 'settings')] }, { inventory: { namespace, name: 'dev' } });
  assert.equal(outcome.status, 'applied', outcome.message);
  const of = (fragment: string) => patches.filter((p) => p.path.includes(fragment)).map((p) => `${p.dryRun ? 'dry-run' : 'apply'} ${String(p.fieldValidation)}`);
  assert.deepEqual(of('/configmaps/settings'), ['dry-run Strict', 'apply Ignore']);
  assert.deepEqual(of('/knobs/k'), ['dry-run Strict', 'apply Strict']);
  assert.deepEqual(of('/customresourcedefinitions/'), ['dry-run Strict', 'apply Ignore']);
});
