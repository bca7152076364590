import { readFile } from 'node:fs/promises';
import type { KubeClient, KubeObject } from '../../../src/adapters/kube/client.js';
import { applyAsAdmin, deployDir, parseObjects } from '../deploy/overlays.js';

/**
 * Applies deploy/'s RBAC for one agent exactly as shipped, with the names
 * moved to the test's: the Role and RoleBinding of base/agent in
 * `agentNamespace`, the ClusterRole of base/agent-target-role, and the
 * RoleBinding of overlays/agent/targets.yaml in each target namespace. The
 * ServiceAccount is created by kubeConfigForServiceAccount.
 */
export async function applyDeployRbac(admin: KubeClient, agentNamespace: string, targetNamespaces: string[], options: { clusterScoped?: boolean; serviceAccount?: string } = {}): Promise<void> {
  const serviceAccount = options.serviceAccount ?? 'ladder-agent';
  const agentObjects = await readYaml('base/agent/rbac.yaml');
  const targetRole = await readYaml('base/agent-target-role/clusterrole.yaml');
  const targetBinding = await readYaml('overlays/agent/targets.yaml');
  const objects = [
    ...targetRole,
    ...agentObjects.map((o) => renamed(o, agentNamespace, agentNamespace, serviceAccount)),
    ...targetNamespaces.flatMap((ns) => targetBinding.map((o) => renamed(o, ns, agentNamespace, serviceAccount))),
  ];
  if (options.clusterScoped) {
    // Cluster-wide names would collide between tests: suffix them with the agent namespace.
    for (const object of await readYaml('components/cluster-scoped/rbac.yaml')) {
      const copy = renamed(object, undefined, agentNamespace, serviceAccount);
      copy.metadata!.name = `${copy.metadata!.name}-${agentNamespace}`;
      if (copy.roleRef) (copy.roleRef as { name: string }).name = `${(copy.roleRef as { name: string }).name}-${agentNamespace}`;
      objects.push(copy);
    }
  }
  await applyAsAdmin(admin, objects);
}

async function readYaml(file: string): Promise<KubeObject[]> {
  return parseObjects(await readFile(deployDir + file, 'utf8'));
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
