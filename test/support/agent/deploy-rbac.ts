import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { loadAll } from 'js-yaml';
import type { KubeClient, KubeObject } from '../../../src/adapters/kube/client.js';

const deployDir = fileURLToPath(new URL('../../../deploy/', import.meta.url));

/**
 * Applies deploy/'s RBAC exactly as shipped, with the namespaces renamed to
 * the test's: `ladder-system` → agentNamespace, `shop-dev` → each target.
 * The ServiceAccount is created by kubeConfigForServiceAccount.
 */
export async function applyDeployRbac(admin: KubeClient, agentNamespace: string, targetNamespaces: string[], options: { clusterScoped?: boolean; serviceAccount?: string } = {}): Promise<void> {
  const serviceAccount = options.serviceAccount ?? 'ladder-agent';
  const agentObjects = await readYaml('rbac-agent-namespace.yaml');
  const targetObjects = await readYaml('rbac-target-namespace.yaml');
  const objects = [
    ...agentObjects.map((o) => renamed(o, agentNamespace, agentNamespace, serviceAccount)),
    ...targetNamespaces.flatMap((ns) => targetObjects.map((o) => renamed(o, ns, agentNamespace, serviceAccount))),
  ];
  if (options.clusterScoped) {
    // Cluster-wide names would collide between tests: suffix them with the agent namespace.
    for (const object of await readYaml('rbac-cluster-scoped.yaml')) {
      const copy = renamed(object, undefined, agentNamespace, serviceAccount);
      copy.metadata!.name = `${copy.metadata!.name}-${agentNamespace}`;
      if (copy.roleRef) (copy.roleRef as { name: string }).name = `${(copy.roleRef as { name: string }).name}-${agentNamespace}`;
      objects.push(copy);
    }
  }
  for (const object of objects) {
    const info = await admin.resourceFor(object.apiVersion!, object.kind!);
    if (!info) throw new Error(`unknown kind ${object.kind}`);
    const path = admin.pathFor({ apiVersion: object.apiVersion!, kind: object.kind!, namespace: object.metadata?.namespace, name: object.metadata!.name! }, info);
    await admin.request('PATCH', path, { query: { fieldManager: 'ladder-test', force: true }, body: object, contentType: 'application/apply-patch+yaml' });
  }
}

async function readYaml(file: string): Promise<KubeObject[]> {
  return (loadAll(await readFile(deployDir + file, 'utf8')) as KubeObject[]).filter((o) => o && typeof o === 'object');
}

function renamed(object: KubeObject, namespace: string | undefined, agentNamespace: string, serviceAccount: string): KubeObject {
  const copy = structuredClone(object);
  if (namespace !== undefined) copy.metadata!.namespace = namespace;
  const subjects = copy.subjects as Array<{ kind: string; name: string; namespace?: string }> | undefined;
  for (const subject of subjects ?? []) {
    if (subject.kind === 'ServiceAccount') {
      subject.namespace = agentNamespace;
      subject.name = serviceAccount;
    }
  }
  return copy;
}
