import { createServer, type Server } from 'node:http';
import { listen } from '../../adapters/http/listen.js';
import type { AgentMetrics } from './metrics.js';

export interface AgentServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface AgentProbes {
  /** The process is alive and its loop is turning. */
  healthy(): boolean;
  /** A commit was applied, or at least the source was read: the replica can do its job. */
  ready(): boolean;
  /** Why not ready, in words for `kubectl describe` and the logs. */
  notReadyBecause?(): string | undefined;
}

/**
 * `/healthz`, `/readyz` and `/metrics` for the kubelet and Prometheus. Plain
 * text, GET and HEAD only; everything else is a 404 or 405.
 */
export async function startAgentServer(options: { host: string; port: number; metrics: AgentMetrics; probes: AgentProbes }): Promise<AgentServer> {
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('method not allowed\n');
      return;
    }
    const send = (status: number, body: string, type = 'text/plain; charset=utf-8') => {
      response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      response.end(request.method === 'HEAD' ? undefined : body);
    };
    switch (path) {
      case '/healthz':
        return options.probes.healthy() ? send(200, 'ok\n') : send(503, 'unhealthy\n');
      case '/readyz':
        return options.probes.ready() ? send(200, 'ready\n') : send(503, `not ready: ${options.probes.notReadyBecause?.() ?? 'no commit applied and the source not read yet'}\n`);
      case '/metrics':
        return send(200, options.metrics.render(), 'text/plain; version=0.0.4; charset=utf-8');
      default:
        return send(404, 'not found\n');
    }
  });
  const { url, port } = await listen(server, options.port, options.host);
  return {
    url,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
