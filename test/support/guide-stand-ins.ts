import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cp, mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KubeClient } from '../../src/adapters/kube/client.js';
import { getBinDir } from '../bed/kube/binaries.js';
import type { ControlPlane } from '../bed/kube/control-plane.js';
import { serviceAccountToken } from './agent-identity.js';
import { inClusterEnvironment } from './agent/in-cluster.js';
import { eventually } from './agent/log.js';
import { runLadder, type LadderProcess } from './ladder-process.js';

// What test/integration/getting-started.test.ts does in place of the world the guide assumes: a
// clone of Ladder built with npm ci, and the kubelet running the agents' pods.

const root = fileURLToPath(new URL('../..', import.meta.url));

/** A clone of Ladder as `npm ci` leaves it: dist/ built from this tree, dependencies and sources linked, deploy/ copied (the guide edits it); `ladder` on PATH as `npm link` puts it. */
export async function standInCheckout(checkout: string, bin: string): Promise<void> {
  await mkdir(checkout);
  for (const name of ['package.json', 'package-lock.json', 'node_modules', 'src', 'templates', 'app.yml', 'docs']) await symlink(join(root, name), join(checkout, name));
  await cp(join(root, 'deploy'), join(checkout, 'deploy'), { recursive: true });
  const built = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json'), '--outDir', join(checkout, 'dist')], { encoding: 'utf8' });
  assert.equal(built.status, 0, `building Ladder: ${built.stdout}${built.stderr}`);
  await writeFile(join(bin, 'ladder'), `#!/bin/sh\nexec "${process.execPath}" "${join(checkout, 'dist/cli/main.js')}" "$@"\n`, { mode: 0o755 });
  await writeFile(join(bin, 'kubectl'), `#!/bin/sh\nexec "${join(getBinDir(), 'kubectl')}" "$@"\n`, { mode: 0o755 });
}

/**
 * The kubelet's part for one environment's agent: the pod of the Deployment the guide applied, run as
 * a process with what the pod would get: its ConfigMap as the config file, its service account's token
 * for the API server, the projected identity token (audience ladder) it shows the App for its GitHub
 * token, the variables the Deployment sets. Polling every second instead
 * of ten keeps the test short; nothing else differs.
 */
export async function runAgentPod(environment: string, workspace: string, cluster: ControlPlane, admin: KubeClient): Promise<LadderProcess> {
  const namespace = `ladder-${environment}`;
  const deployment = await admin.request<{
    spec: { template: { spec: { serviceAccountName: string; containers: Array<{ args: string[] }>; volumes: Array<{ name: string; projected?: { sources: Array<{ serviceAccountToken?: { audience: string; path: string } }> } }> } } };
  }>('GET', `/apis/apps/v1/namespaces/${namespace}/deployments/ladder-agent`);
  const configMaps = await admin.request<{ items: Array<{ metadata: { name: string }; data: Record<string, string> }> }>('GET', `/api/v1/namespaces/${namespace}/configmaps`);
  const config = configMaps.items.find((item) => item.metadata.name.startsWith('ladder-agent'))!;
  const dir = join(workspace, `pod-${environment}`);
  await mkdir(dir);
  await writeFile(join(dir, 'agent.yaml'), config.data['agent.yaml']!);
  // The Deployment's projected volume `identity`: a token of the pod's service account for the audience it names.
  const identity = deployment.spec.template.spec.volumes.find((volume) => volume.name === 'identity')!.projected!.sources[0]!.serviceAccountToken!;
  assert.equal(identity.path, 'token');
  await writeFile(join(dir, 'identity-token'), await serviceAccountToken(cluster.kubeConfig, namespace, deployment.spec.template.spec.serviceAccountName, [identity.audience]), { mode: 0o600 });
  const args = deployment.spec.template.spec.containers[0]!.args.map((arg) => (arg === '/etc/ladder/agent.yaml' ? join(dir, 'agent.yaml') : arg));
  const pod = runLadder(args, {
    ...(await inClusterEnvironment(cluster, namespace, 'ladder-agent')),
    LADDER_POD_NAME: `ladder-agent-${environment}-0`,
    LADDER_AGENT_NAMESPACE: namespace,
    LADDER_GITHUB_IDENTITY_TOKEN_PATH: join(dir, 'identity-token'),
    LADDER_POLL_INTERVAL_SECONDS: '1',
    LADDER_HOST: '127.0.0.1',
    LADDER_PORT: '0',
    HOME: dir,
  });
  await eventually(() => pod.stdout().includes('ladder agent started') || pod.child.exitCode !== null, `the ${environment} agent to start`, 60_000, 100);
  assert.equal(pod.child.exitCode, null, `the ${environment} agent ended: ${pod.stderr()}`);
  return pod;
}
