import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import type { KubeClient, KubeObject } from '../../../src/adapters/kube/client.js';
import { getBinDir } from '../../bed/kube/binaries.js';
import { uniqueNamespaceName } from '../../bed/kube/access.js';

// deploy/'s overlays as a platform engineer applies them: rendered by
// kustomize (built from its Go module by test/bed/build-binaries.sh), then
// applied by an administrator with server-side apply.

const exec = promisify(execFile);
export const deployDir = fileURLToPath(new URL('../../../deploy/', import.meta.url));

export function kustomizeBinary(): string {
  const path = join(getBinDir(), 'kustomize');
  try {
    accessSync(path, constants.X_OK);
  } catch {
    throw new Error(`kustomize not found at ${path}; build it once with: bash test/bed/build-binaries.sh kustomize`);
  }
  return path;
}

/** `kustomize build` of a directory (relative to deploy/, or absolute). */
export async function buildOverlay(dir: string): Promise<string> {
  const { stdout } = await exec(kustomizeBinary(), ['build', dir.startsWith('/') ? dir : join(deployDir, dir)], { maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

export function parseObjects(yamlText: string): KubeObject[] {
  return parseAllDocuments(yamlText)
    .map((document) => document.toJS() as KubeObject | null)
    .filter((object): object is KubeObject => object !== null && typeof object === 'object');
}

/**
 * Gives the overlay's namespaces unique names, and its cluster-wide RBAC
 * objects a suffix, so tests sharing one API server (LADDER_TEST_KUBECONFIG)
 * never meet. Returns the copies and the new name of each namespace.
 */
export function isolate(objects: readonly KubeObject[]): { objects: KubeObject[]; namespace: (original: string) => string } {
  const names = new Map<string, string>();
  const namespace = (original: string) => {
    if (!names.has(original)) names.set(original, uniqueNamespaceName(original));
    return names.get(original)!;
  };
  const suffix = `-${uniqueNamespaceName('x').slice(2)}`;
  const renamedRoles = new Set(objects.filter((o) => o.kind === 'ClusterRole').map((o) => o.metadata!.name!));
  const copies = objects.map((object) => {
    const copy = structuredClone(object);
    const metadata = copy.metadata!;
    if (copy.kind === 'Namespace') metadata.name = namespace(metadata.name!);
    else if (metadata.namespace) metadata.namespace = namespace(metadata.namespace);
    if (copy.kind === 'ClusterRole' || copy.kind === 'ClusterRoleBinding') metadata.name = `${metadata.name}${suffix}`;
    const roleRef = copy.roleRef as { kind: string; name: string } | undefined;
    if (roleRef?.kind === 'ClusterRole' && renamedRoles.has(roleRef.name)) roleRef.name = `${roleRef.name}${suffix}`;
    for (const subject of (copy.subjects as Array<{ namespace?: string }> | undefined) ?? []) {
      if (subject.namespace) subject.namespace = namespace(subject.namespace);
    }
    return copy;
  });
  return { objects: copies, namespace };
}

/** Server-side apply as an administrator, as `kubectl apply --server-side` does: Namespaces first. */
export async function applyAsAdmin(admin: KubeClient, objects: readonly KubeObject[]): Promise<void> {
  const ordered = [...objects.filter((o) => o.kind === 'Namespace'), ...objects.filter((o) => o.kind !== 'Namespace')];
  for (const object of ordered) {
    const info = await admin.resourceFor(object.apiVersion!, object.kind!);
    if (!info) throw new Error(`unknown kind ${object.apiVersion} ${object.kind}`);
    const path = admin.pathFor({ apiVersion: object.apiVersion!, kind: object.kind!, namespace: object.metadata?.namespace, name: object.metadata!.name! }, info);
    await admin.request('PATCH', path, { query: { fieldManager: 'kubectl', force: true }, body: object, contentType: 'application/apply-patch+yaml' });
  }
}

/** The one object of a kind (and namespace), or an error naming what was there. */
export function only(objects: readonly KubeObject[], kind: string, namespace?: string): KubeObject {
  const found = objects.filter((o) => o.kind === kind && (namespace === undefined || o.metadata?.namespace === namespace));
  if (found.length !== 1) throw new Error(`expected one ${kind}${namespace ? ` in ${namespace}` : ''}, found ${found.length}`);
  return found[0]!;
}
