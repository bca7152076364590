import type { KubeConfig } from '@kubernetes/client-node';
import { credentialSource } from './credentials.js';
import { createHttp1Transport } from './http1.js';
import { createHttp2Transport } from './http2.js';
import type { Transport, TransportOptions } from './transport.js';

/** HTTP/2 for a TLS server unless turned off; HTTP/1.1 keep-alive otherwise (see Transport). */
export function createTransport(kubeConfig: KubeConfig, options: TransportOptions): Transport {
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster?.server) throw new Error('kubeconfig has no current cluster with a server address');
  const server = new URL(cluster.server);
  const credentials = credentialSource(kubeConfig);
  const h2 = server.protocol === 'https:' && options.http2 !== false;
  return h2 ? createHttp2Transport(server, credentials, options.userAgent) : createHttp1Transport(server, credentials, options.userAgent);
}

