import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';

/**
 * The wire to one API server, with the kubeconfig's TLS material and
 * credentials. Over TLS it is HTTP/2, as client-go speaks it: one
 * connection carries every request and watch, so a busy agent pays neither a
 * handshake nor a socket per request; plain-HTTP servers (a `kubectl proxy`)
 * and `http2: false` get HTTP/1.1 keep-alive connections instead. Bodies are
 * raw JSON that we write ourselves; client-node only reads the kubeconfig.
 */
export interface Transport {
  readonly server: URL;
  readonly protocol: 'h2' | 'http/1.1';
  /**
   * Sends one request and reads the whole answer. A request the server never
   * processed (a refused HTTP/2 stream, a GOAWAY before it, a keep-alive
   * socket closed in the meantime) is sent again here; anything else is the
   * caller's to judge.
   */
  send(request: OutgoingRequest): Promise<RawResponse>;
  /** Like send, but resolves with the body as a stream as soon as the headers arrive (watches). */
  open(request: OutgoingRequest): Promise<StreamedResponse>;
  /** Forget cached credentials, e.g. after a 401, so the next request reads them afresh. */
  refreshCredentials(): void;
  /** Connections opened so far: HTTP/2 sessions, or HTTP/1.1 sockets (a keep-alive socket reused counts once). */
  connectionsOpened(): number;
  close(): void;
}

export interface OutgoingRequest {
  method: string;
  /** Path and query, e.g. `/api/v1/namespaces?limit=10`. */
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  signal?: AbortSignal;
  /** Give up on an answer after this long (send only). */
  timeoutMs?: number;
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface StreamedResponse {
  status: number;
  body: Readable;
}

export interface TransportOptions {
  userAgent: string;
  /** HTTP/2 over TLS (default true); false for HTTP/1.1 keep-alive connections. */
  http2?: boolean;
}

/** No answer within the request's timeout; the message names the request. */
export class RequestTimeoutError extends Error {
  override readonly name = 'RequestTimeoutError';
}

/** Connections to more sockets than this only queue at the server (HTTP/1.1). */
export const MAX_HTTP1_SOCKETS = 32;

/** Retries of a request the server provably never processed. */
export const MAX_UNSENT_RETRIES = 3;

/** `prefix/api/...`: a server URL may carry a path (a proxy's). */
export function requestPath(server: URL, path: string): string {
  return server.pathname.replace(/\/$/, '') + path;
}
