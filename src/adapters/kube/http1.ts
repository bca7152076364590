import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { credentialSource } from './credentials.js';
import { MAX_HTTP1_SOCKETS, MAX_UNSENT_RETRIES, RequestTimeoutError, requestPath, type OutgoingRequest, type Transport } from './transport.js';

/**
 * HTTP/1.1 over keep-alive sockets: for plain-HTTP servers (a `kubectl
 * proxy`) and `http2: false`. A socket the server closed while idle fails
 * the next request before the server saw it; that request is sent again.
 */
export function createHttp1Transport(server: URL, credentials: ReturnType<typeof credentialSource>, userAgent: string): Transport {
  const secure = server.protocol === 'https:';
  let agent: http.Agent | undefined;
  let agentKey: string | undefined;
  let opened = 0;

  const start = async (request: OutgoingRequest): Promise<IncomingMessage> => {
    const { tls, headers: auth, tlsKey } = await credentials.get();
    if (!agent || agentKey !== tlsKey) {
      agent?.destroy();
      agent = secure ? new https.Agent({ keepAlive: true, maxSockets: MAX_HTTP1_SOCKETS, ...tls }) : new http.Agent({ keepAlive: true, maxSockets: MAX_HTTP1_SOCKETS });
      agentKey = tlsKey;
    }
    const url = new URL(requestPath(server, request.path), server);
    const headers: Record<string, string> = { 'user-agent': userAgent, ...auth, ...request.headers };
    if (request.body) headers['content-length'] = String(request.body.byteLength);
    for (let attempt = 1; ; attempt++) {
      try {
        return await new Promise<IncomingMessage>((resolve, reject) => {
          const req = (secure ? https : http).request(url, { method: request.method, agent, headers, signal: request.signal }, resolve);
          req.once('socket', () => {
            if (!req.reusedSocket) opened++;
          });
          req.on('error', (error) => reject(Object.assign(error, { unsent: req.reusedSocket && (error as NodeJS.ErrnoException).code === 'ECONNRESET' })));
          req.end(request.body);
        });
      } catch (error) {
        if ((error as { unsent?: boolean }).unsent && attempt < MAX_UNSENT_RETRIES) continue;
        throw error;
      }
    }
  };

  return {
    server,
    protocol: 'http/1.1',
    async send(request) {
      const timer = request.timeoutMs === undefined ? undefined : new AbortController();
      const timeout = timer && setTimeout(() => timer.abort(), request.timeoutMs);
      const signal = timer ? (request.signal ? AbortSignal.any([request.signal, timer.signal]) : timer.signal) : request.signal;
      try {
        const response = await start({ ...request, ...(signal ? { signal } : {}) });
        const chunks: Buffer[] = [];
        for await (const chunk of response) chunks.push(chunk as Buffer);
        return { status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) };
      } catch (error) {
        if (timer?.signal.aborted && !request.signal?.aborted) throw new RequestTimeoutError(`no response within ${request.timeoutMs} ms`, { cause: error });
        throw error;
      } finally {
        clearTimeout(timeout);
      }
    },
    async open(request) {
      const response = await start(request);
      return { status: response.statusCode ?? 0, body: response };
    },
    refreshCredentials: () => credentials.invalidate(),
    connectionsOpened: () => opened,
    close() {
      agent?.destroy();
      agent = undefined;
    },
  };
}
