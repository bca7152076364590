import http2, { type ClientHttp2Session, type ClientHttp2Stream, type IncomingHttpHeaders } from 'node:http2';
import type { Credentials, credentialSource } from './credentials.js';
import { MAX_UNSENT_RETRIES, RequestTimeoutError, requestPath, type OutgoingRequest, type RawResponse, type StreamedResponse, type Transport } from './transport.js';

const { NGHTTP2_CANCEL, NGHTTP2_REFUSED_STREAM } = http2.constants;

/** Flow-control windows: a list of thousands of objects should not wait for window updates every 64 KiB. */
const STREAM_WINDOW = 8 * 1024 * 1024;
const SESSION_WINDOW = 32 * 1024 * 1024;
/** Streams per connection until the server says otherwise (the API server's default). */
const DEFAULT_STREAMS = 100;
/** A connection silent this long is pinged; one whose ping goes unanswered this long is taken for dead, as client-go does. */
const IDLE_PING_MS = 30_000;
const PING_TIMEOUT_MS = 15_000;
/** A connection whose TLS handshake has not finished by then is given up (a peer that accepts and never answers). */
const CONNECT_TIMEOUT_MS = 10_000;

interface Connection {
  session: ClientHttp2Session;
  tlsKey: string;
  /** Streams open or reserved on it. */
  active: number;
  /** The server's limit of concurrent streams, once its SETTINGS arrived. */
  limit: number;
  usable: boolean;
  lastFrameAt: number;
  pinging: boolean;
}

/** Thrown when a request provably never reached the server's handler: safe to send again. */
class UnsentError extends Error {
  override readonly name = 'UnsentError';
}

/**
 * HTTP/2 to the API server: every request and watch is a stream on one TLS
 * connection (more only when the server's limit of concurrent streams is
 * reached, or after a GOAWAY). Refused streams are sent again; a connection
 * that stops answering pings is dropped, which ends its watches so they
 * reconnect instead of waiting forever on a dead peer.
 */
export function createHttp2Transport(server: URL, credentials: ReturnType<typeof credentialSource>, userAgent: string): Transport {
  const connections = new Set<Connection>();
  let connecting: Promise<void> | undefined;
  let closed = false;
  let opened = 0;
  const pinger = setInterval(() => {
    for (const connection of connections) keepAlive(connection);
  }, IDLE_PING_MS / 3);
  pinger.unref();

  const retire = (connection: Connection): void => {
    connection.usable = false;
    connections.delete(connection);
    if (connection.active === 0) connection.session.close();
  };

  const connect = (creds: Credentials): Promise<void> =>
    new Promise((resolve, reject) => {
      opened++;
      const session = http2.connect(server.origin, { ...creds.tls, settings: { initialWindowSize: STREAM_WINDOW, enablePush: false } });
      const connection: Connection = { session, tlsKey: creds.tlsKey, active: 0, limit: DEFAULT_STREAMS, usable: true, lastFrameAt: Date.now(), pinging: false };
      const giveUp = setTimeout(() => session.destroy(new Error(`no connection to the API server within ${CONNECT_TIMEOUT_MS / 1000} s`)), CONNECT_TIMEOUT_MS);
      giveUp.unref();
      session.once('connect', () => {
        clearTimeout(giveUp);
        session.setLocalWindowSize(SESSION_WINDOW);
        connections.add(connection);
        session.unref();
        resolve();
      });
      session.on('remoteSettings', (settings) => {
        connection.limit = Math.max(1, Math.min(settings.maxConcurrentStreams ?? DEFAULT_STREAMS, 1000));
      });
      session.on('goaway', () => retire(connection));
      session.on('error', (error) => {
        clearTimeout(giveUp);
        connection.usable = false;
        connections.delete(connection);
        reject(error);
      });
      session.on('close', () => {
        clearTimeout(giveUp);
        connection.usable = false;
        connections.delete(connection);
        reject(new Error('the connection to the API server closed while connecting'));
      });
    });

  /** A connection with room for one more stream, reserved for the caller; waiting for one ends when `signal` aborts. */
  const acquire = async (signal: AbortSignal | undefined): Promise<Connection> => {
    for (;;) {
      if (closed) throw new Error('the Kubernetes client is closed');
      signal?.throwIfAborted();
      const creds = await credentials.get();
      for (const connection of connections) if (connection.tlsKey !== creds.tlsKey) retire(connection);
      for (const connection of connections) {
        if (!connection.usable || connection.active >= connection.limit) continue;
        if (connection.active++ === 0) connection.session.ref();
        return connection;
      }
      await abortable((connecting ??= connect(creds).finally(() => (connecting = undefined))), signal);
    }
  };

  const release = (connection: Connection): void => {
    if (--connection.active > 0) return;
    if (connection.usable) connection.session.unref();
    else connection.session.close();
  };

  const keepAlive = (connection: Connection): void => {
    if (connection.pinging || Date.now() - connection.lastFrameAt < IDLE_PING_MS || connection.session.destroyed) return;
    connection.pinging = true;
    const dead = setTimeout(() => {
      connection.session.destroy(new Error(`the API server did not answer a ping within ${PING_TIMEOUT_MS / 1000} s; the connection is taken for dead`));
    }, PING_TIMEOUT_MS);
    dead.unref();
    connection.session.ping((error) => {
      clearTimeout(dead);
      connection.pinging = false;
      if (!error) connection.lastFrameAt = Date.now();
    });
  };

  /** Opens one stream; resolves with it and its connection once the answer's headers arrived. */
  const start = async (request: OutgoingRequest): Promise<{ stream: ClientHttp2Stream; headers: IncomingHttpHeaders; connection: Connection }> => {
    const connection = await acquire(request.signal);
    const { headers: auth } = await credentials.get();
    const headers: http2.OutgoingHttpHeaders = { ':method': request.method, ':path': requestPath(server, request.path), 'user-agent': userAgent, ...auth, ...request.headers };
    if (request.body) headers['content-length'] = request.body.byteLength;
    let stream: ClientHttp2Stream;
    try {
      stream = connection.session.request(headers, { endStream: !request.body });
    } catch (error) {
      // The session is closing (GOAWAY) or gone: nothing was sent.
      release(connection);
      retire(connection);
      throw new UnsentError('the connection to the API server was closing', { cause: error });
    }
    const onAbort = () => stream.close(NGHTTP2_CANCEL);
    request.signal?.addEventListener('abort', onAbort, { once: true });
    stream.once('close', () => {
      release(connection);
      request.signal?.removeEventListener('abort', onAbort);
    });
    return new Promise((resolve, reject) => {
      const fail = (error?: Error) => {
        if (request.signal?.aborted) return reject(request.signal.reason as Error);
        if (stream.rstCode === NGHTTP2_REFUSED_STREAM) return reject(new UnsentError('the API server refused the stream', { cause: error }));
        reject(error ?? new Error(`the API server closed the stream (HTTP/2 error code ${stream.rstCode ?? 'unknown'})`));
      };
      const onEarlyClose = () => fail();
      stream.once('error', fail);
      stream.once('close', onEarlyClose);
      stream.once('response', (responseHeaders) => {
        stream.off('error', fail);
        stream.off('close', onEarlyClose);
        connection.lastFrameAt = Date.now();
        resolve({ stream, headers: responseHeaders, connection });
      });
      if (request.signal?.aborted) onAbort();
      if (request.body) stream.end(request.body);
    });
  };

  const sendOnce = async (request: OutgoingRequest): Promise<RawResponse> => {
    let timer: NodeJS.Timeout | undefined;
    let timedOut = false;
    const timeout = request.timeoutMs === undefined ? undefined : new AbortController();
    if (timeout) timer = setTimeout(() => ((timedOut = true), timeout.abort()), request.timeoutMs);
    const signal = timeout ? (request.signal ? AbortSignal.any([request.signal, timeout.signal]) : timeout.signal) : request.signal;
    try {
      const { stream, headers } = await start(signal ? { ...request, signal } : request);
      const chunks: Buffer[] = [];
      await new Promise<void>((resolve, reject) => {
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.once('end', resolve);
        stream.once('error', reject);
        stream.once('close', () => {
          if (stream.readableEnded) resolve();
          else reject(signal?.aborted ? (signal.reason as Error) : new Error(`the API server reset the stream mid-answer (HTTP/2 error code ${stream.rstCode})`));
        });
      });
      return { status: Number(headers[':status']), headers, body: Buffer.concat(chunks) };
    } catch (error) {
      if (timedOut && !request.signal?.aborted) throw new RequestTimeoutError(`no response within ${request.timeoutMs} ms`, { cause: error });
      throw error;
    } finally {
      clearTimeout(timer);
    }
  };

  return {
    server,
    protocol: 'h2',
    async send(request) {
      for (let attempt = 1; ; attempt++) {
        try {
          return await sendOnce(request);
        } catch (error) {
          if (error instanceof UnsentError && attempt < MAX_UNSENT_RETRIES && !request.signal?.aborted) continue;
          throw error;
        }
      }
    },
    async open(request): Promise<StreamedResponse> {
      for (let attempt = 1; ; attempt++) {
        try {
          const { stream, headers } = await start(request);
          return { status: Number(headers[':status']), body: stream };
        } catch (error) {
          if (error instanceof UnsentError && attempt < MAX_UNSENT_RETRIES && !request.signal?.aborted) continue;
          throw error;
        }
      }
    },
    refreshCredentials: () => credentials.invalidate(),
    connectionsOpened: () => opened,
    close() {
      closed = true;
      clearInterval(pinger);
      for (const connection of connections) connection.session.destroy();
      connections.clear();
    },
  };
}

/** `promise`, or the signal's reason as soon as it aborts (the promise itself goes on). */
function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => (signal.removeEventListener('abort', onAbort), resolve(value)),
      (error: unknown) => (signal.removeEventListener('abort', onAbort), reject(error as Error)),
    );
  });
}
