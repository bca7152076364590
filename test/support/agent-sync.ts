// Builders shared by the agent sync tests (apply, prune, health): manifest
// files as the agent receives them from the environment branch.
import { readFileSync } from 'node:fs';
import { readTemplates } from '../../src/adapters/fs/templates.js';
import type { KubeClient, KubeObject } from '../../src/adapters/kube/client.js';
import { KubeApiError } from '../../src/adapters/kube/client.js';
import { renderEnvironment } from '../../src/core/render/render.js';
import type { ManifestFile } from '../../src/agent/sync/index.js';
import { exampleConfig, sha } from '../fixtures/templates/render-input.js';

export const commitA = 'a'.repeat(40);
export const commitB = 'b'.repeat(40);
export const commitC = 'c'.repeat(40);

/** What the default templates render for the example service's `environment`, placed in `namespace`. */
export async function renderedService(namespace: string, environment = 'prd'): Promise<ManifestFile[]> {
  const config = exampleConfig();
  const env = config.environments.find((e) => e.name === environment)!;
  env.namespace = namespace;
  const files = renderEnvironment({ config, environment, sha, templates: await readTemplates() });
  return files.map((file) => ({ path: `checkout/${file.path}`, content: file.content }));
}

/** A ConfigMap manifest file as JSON text (JSON is YAML). */
export function configMapFile(namespace: string, name: string, data: Record<string, string> = { key: 'value' }, path = `${name}.yaml`): ManifestFile {
  return { path, content: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data }, null, 2) };
}

/** A fixture from test/fixtures/manifests/valid, with every `namespace:` set to `namespace`. */
export function fixtureFile(name: string, namespace: string): ManifestFile {
  const content = readFileSync(new URL(`../fixtures/manifests/valid/${name}`, import.meta.url), 'utf8');
  return { path: name, content: content.replace(/^(\s*namespace:\s*)\S+/gm, `$1${namespace}`) };
}

/** The live object at `path`, or undefined when it does not exist. */
export async function readObject(client: KubeClient, path: string): Promise<KubeObject | undefined> {
  try {
    return await client.request<KubeObject>('GET', path);
  } catch (error) {
    if (error instanceof KubeApiError && error.status === 404) return undefined;
    throw error;
  }
}
