import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { createAccess } from './access.js';
import type { ControlPlane } from './control-plane.js';

/**
 * Uses an already running cluster (normally one from serve.ts) instead of
 * starting a control plane. stop() leaves it running: it belongs to whoever
 * started it. Namespaces made by tests stay behind, since nothing here runs the
 * namespace controller that would finish deleting them; their names are unique.
 */
export async function connectToRunningControlPlane(kubeconfigPath: string, started: number): Promise<ControlPlane> {
  const path = resolve(kubeconfigPath);
  const kubeConfig = new KubeConfig();
  try {
    kubeConfig.loadFromFile(path);
  } catch (error) {
    throw new Error(`LADDER_TEST_KUBECONFIG=${kubeconfigPath} cannot be read: ${(error as Error).message}`, { cause: error });
  }
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster) throw new Error(`LADDER_TEST_KUBECONFIG=${kubeconfigPath} has no current context/cluster`);
  try {
    await kubeConfig.makeApiClient(CoreV1Api).readNamespace({ name: 'default' });
  } catch (error) {
    throw new Error(
      `LADDER_TEST_KUBECONFIG=${kubeconfigPath} names ${cluster.server}, which does not answer (${(error as Error).message}). ` +
        'Start it with `node --import tsx test/bed/kube/serve.ts`, or unset LADDER_TEST_KUBECONFIG to let each test file start its own.',
      { cause: error },
    );
  }
  const caPem = cluster.caFile ? readFileSync(cluster.caFile, 'utf8') : Buffer.from(cluster.caData ?? '', 'base64').toString('utf8');
  const dir = dirname(path);
  return {
    kubeConfig,
    kubeconfigPath: path,
    server: cluster.server,
    dir,
    reused: true,
    startMs: Date.now() - started,
    processes: [],
    stop: async () => {},
    // serve.ts keeps its CA next to the kubeconfig; user certificates need it.
    ...createAccess({ admin: kubeConfig, server: cluster.server, caPem, pkiDir: join(dir, 'pki') }),
  };
}
