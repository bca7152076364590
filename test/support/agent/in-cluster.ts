import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ControlPlane } from '../../bed/kube/control-plane.js';

/**
 * What a pod of the agent sees: KUBERNETES_SERVICE_HOST/PORT and a service
 * account directory with `token` and `ca.crt` (LADDER_SERVICE_ACCOUNT_DIR
 * points there instead of /var/run/secrets/…). The token comes from the
 * TokenRequest API, as the kubelet's projected token does.
 */
export async function inClusterEnvironment(cluster: ControlPlane, namespace: string, serviceAccount: string): Promise<Record<string, string>> {
  const kubeConfig = await cluster.kubeConfigForServiceAccount(namespace, serviceAccount);
  const token = kubeConfig.getCurrentUser()?.token;
  const clusterInfo = cluster.kubeConfig.getCurrentCluster();
  if (!token || !clusterInfo) throw new Error('no service account token or cluster');
  const ca = clusterInfo.caData ? Buffer.from(clusterInfo.caData, 'base64') : undefined;
  const dir = await mkdtemp(join(tmpdir(), 'ladder-sa-'));
  await writeFile(join(dir, 'token'), token, { mode: 0o600 });
  if (ca) await writeFile(join(dir, 'ca.crt'), ca);
  else throw new Error('the test cluster has no inline CA data');
  const server = new URL(cluster.server);
  return { KUBERNETES_SERVICE_HOST: server.hostname, KUBERNETES_SERVICE_PORT: server.port, LADDER_SERVICE_ACCOUNT_DIR: dir };
}
