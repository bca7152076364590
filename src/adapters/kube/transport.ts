import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';

/**
 * HTTP(S) to one API server with the kubeconfig's TLS material and
 * credentials, over a keep-alive agent so a busy agent does not pay a TLS
 * handshake per request. client-node is used only to read the kubeconfig
 * (`applyToHTTPSOptions`: CA, client certificate, bearer token, exec and
 * token-file credentials); bodies are raw JSON that we write ourselves.
 */
export interface Transport {
  readonly server: URL;
  send(request: OutgoingRequest): Promise<RawResponse>;
  /** Like send, but resolves with the response stream as soon as headers arrive (watches). */
  open(request: OutgoingRequest): Promise<IncomingMessage>;
  /** Forget cached credentials, e.g. after a 401, so the next request reads them afresh. */
  refreshCredentials(): void;
  close(): void;
}

export interface OutgoingRequest {
  method: string;
  /** Path and query, e.g. `/api/v1/namespaces?limit=10`. */
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  signal?: AbortSignal;
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The request went out on a socket an earlier request had used (see retry on ECONNRESET). */
  reusedSocket: boolean;
}

/** How long credentials read from the kubeconfig are reused; token files rotate slower than this. */
const CREDENTIAL_TTL_MS = 60_000;

export function createTransport(kubeConfig: KubeConfig, userAgent: string): Transport {
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster?.server) throw new Error('kubeconfig has no current cluster with a server address');
  const server = new URL(cluster.server);
  const secure = server.protocol === 'https:';
  let agent: http.Agent | undefined;
  let credentials: { headers: Record<string, string>; readAt: number } | undefined;

  const prepare = async (): Promise<{ agent: http.Agent; headers: Record<string, string> }> => {
    if (agent && credentials && Date.now() - credentials.readAt < CREDENTIAL_TTL_MS) return { agent, headers: credentials.headers };
    const options: https.RequestOptions = { headers: {} };
    await kubeConfig.applyToHTTPSOptions(options);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(options.headers ?? {})) if (typeof value === 'string') headers[name.toLowerCase()] = value;
    if (options.auth) headers.authorization = `Basic ${Buffer.from(options.auth).toString('base64')}`;
    credentials = { headers, readAt: Date.now() };
    agent ??= secure
      ? new https.Agent({
          keepAlive: true,
          maxSockets: 32,
          ca: options.ca,
          cert: options.cert,
          key: options.key,
          pfx: options.pfx,
          passphrase: options.passphrase,
          servername: options.servername,
          ...(options.rejectUnauthorized === undefined ? {} : { rejectUnauthorized: options.rejectUnauthorized }),
        })
      : new http.Agent({ keepAlive: true, maxSockets: 32 });
    return { agent, headers };
  };

  const start = async (request: OutgoingRequest): Promise<{ response: IncomingMessage; reusedSocket: boolean }> => {
    const { agent: using, headers: auth } = await prepare();
    const url = new URL(server.pathname.replace(/\/$/, '') + request.path, server);
    const headers: Record<string, string> = { 'user-agent': userAgent, ...auth, ...request.headers };
    if (request.body) headers['content-length'] = String(request.body.byteLength);
    return new Promise((resolve, reject) => {
      const req = (secure ? https : http).request(url, { method: request.method, agent: using, headers, signal: request.signal }, (response) => {
        resolve({ response, reusedSocket: req.reusedSocket });
      });
      req.on('error', (error) => {
        (error as Error & { reusedSocket?: boolean }).reusedSocket = req.reusedSocket;
        reject(error);
      });
      req.end(request.body);
    });
  };

  return {
    server,
    async send(request) {
      const { response, reusedSocket } = await start(request);
      const chunks: Buffer[] = [];
      for await (const chunk of response) chunks.push(chunk as Buffer);
      return { status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks), reusedSocket };
    },
    async open(request) {
      return (await start(request)).response;
    },
    refreshCredentials() {
      credentials = undefined;
    },
    close() {
      agent?.destroy();
      agent = undefined;
    },
  };
}
