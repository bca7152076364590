import { readFileSync } from 'node:fs';
import type https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';

export const serviceAccountDir = '/var/run/secrets/kubernetes.io/serviceaccount';

/**
 * The pod's own credentials, without loading @kubernetes/client-node: that
 * package's KubeConfig pulls in every generated API model (about 75 MB of
 * resident memory), while in a pod all the agent needs is the service
 * account's CA and token. Provides the two methods the Kubernetes transport
 * calls. The token is read on each call, so a rotated projected token is
 * picked up when the transport refreshes its credentials.
 * Returns undefined outside a pod (no KUBERNETES_SERVICE_HOST).
 */
export function inClusterKubeConfig(env: Readonly<Record<string, string | undefined>>, dir = env.LADDER_SERVICE_ACCOUNT_DIR ?? serviceAccountDir): KubeConfig | undefined {
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT ?? '443';
  if (!host) return undefined;
  const server = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const lightweight = {
    getCurrentCluster: () => ({ name: 'in-cluster', server, caFile: `${dir}/ca.crt`, skipTLSVerify: false }),
    applyToHTTPSOptions: async (options: https.RequestOptions) => {
      options.ca = readFileSync(`${dir}/ca.crt`);
      const token = readFileSync(`${dir}/token`, 'utf8').trim();
      options.headers = { ...options.headers, Authorization: `Bearer ${token}` };
    },
  };
  // The transport is typed with client-node's class but uses only these two methods.
  return lightweight as unknown as KubeConfig;
}
