import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sharedClusterFindingsOf } from '../../src/app/promotion/shared-cluster.js';
import { LadderInputError } from '../../src/core/errors.js';
import type { RenderedFile } from '../../src/core/render/render.js';
import type { EffectiveConfig } from '../../src/core/services/effective.js';

const crd: RenderedFile = { path: 'customresourcedefinition-widgets.example.com.yaml', content: '', apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name: 'widgets.example.com' };
const map: RenderedFile = { path: 'configmap-settings.yaml', content: '', apiVersion: 'v1', kind: 'ConfigMap', name: 'settings' };
const isNamespaced = (_apiVersion: string, kind: string) => kind !== 'CustomResourceDefinition';
const crdGrant = [{ kind: 'CustomResourceDefinition', names: ['widgets.example.com'] }];

// Only what the check reads of an effective config: the folder and each environment's grant.
function config(environments: Array<{ name: string; cluster?: string; owns?: boolean }>): EffectiveConfig {
  return {
    manifests: { path: 'widgets' },
    environments: environments.map(({ name, cluster, owns }) => ({ name, grant: { clusterScoped: owns ? crdGrant : [], ...(cluster ? { cluster } : {}) } })),
  } as unknown as EffectiveConfig;
}

async function findings(environments: Parameters<typeof config>[0], environment: string, renders: Record<string, readonly RenderedFile[] | Error>) {
  const rendered: string[] = [];
  const found = await sharedClusterFindingsOf({
    config: config(environments),
    environment,
    files: renders[environment] as RenderedFile[],
    manifestRepo: 'shop/widgets-manifests',
    isNamespaced,
    renderOther: async (other) => {
      rendered.push(other);
      const render = renders[other]!;
      if (render instanceof Error) throw render;
      return render;
    },
  });
  return { found, rendered };
}

test("a promotion reports its own copy only, at its file, and renders only the environments of its cluster", async () => {
  const shared = [{ name: 'dev', cluster: 'nonprod', owns: true }, { name: 'stg', cluster: 'nonprod' }, { name: 'prd' }];
  const stg = await findings(shared, 'stg', { dev: [crd, map], stg: [crd, map], prd: [crd] });
  assert.deepEqual(stg.rendered, ['dev'], 'prd has a cluster of its own: not rendered');
  assert.deepEqual(stg.found.map((f) => `${f.file}:${f.line} ${f.rule}: ${f.hint}`), [
    'widgets/customresourcedefinition-widgets.example.com.yaml:1 shared-cluster-scoped: Render CustomResourceDefinition widgets.example.com for dev only, and leave it out of stg.',
  ]);
  assert.match(stg.found[0]!.message, /dev owns it in cluster nonprod \(granted in shop\/widgets-manifests: \.ladder\/services\.yml\)/);
  assert.deepEqual((await findings(shared, 'dev', { dev: [crd], stg: [crd] })).found, [], 'the owner passes; the copy is stg\'s to drop');
});

test('nothing is rendered for an environment of its own cluster, or one rendering nothing cluster-scoped; another environment that fails to render is left to its own promotion', async () => {
  const alone = await findings([{ name: 'dev' }, { name: 'stg' }], 'dev', { dev: [crd], stg: [crd] });
  assert.deepEqual([alone.found, alone.rendered], [[], []]);
  const plain = await findings([{ name: 'dev', cluster: 'x' }, { name: 'stg', cluster: 'x' }], 'dev', { dev: [map], stg: [crd] });
  assert.deepEqual([plain.found, plain.rendered], [[], []]);
  const broken = await findings([{ name: 'dev', cluster: 'x' }, { name: 'stg', cluster: 'x' }], 'dev', { dev: [crd], stg: new LadderInputError('bad template', { file: 't.hbs' }) });
  assert.deepEqual([broken.found, broken.rendered], [[], ['stg']]);
  await assert.rejects(findings([{ name: 'dev', cluster: 'x' }, { name: 'stg', cluster: 'x' }], 'dev', { dev: [crd], stg: new Error('worker died') }), /worker died/);
});
