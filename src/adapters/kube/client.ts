import type { KubeConfig } from '@kubernetes/client-node';
import { sleep } from '../../core/time/sleep.js';
import { createDiscovery } from './discovery.js';
import { isNotFound, KubeApiError } from './errors.js';
import { InFlightLimit } from './in-flight.js';
import { RateLimiter, type RateLimitOptions } from './rate-limit.js';
import { createTransport } from './open-transport.js';
import { RequestTimeoutError, type RawResponse } from './transport.js';
import type { HttpMethod, KubeObject, ObjectRef, Query, ResourceInfo, WatchEventType } from './types.js';
import { parseStatus, readWatchStream, type WatchHandle } from './watch.js';

export type { HttpMethod, KubeList, KubeObject, ObjectMeta, ObjectRef, Query, ResourceInfo, WatchEventType } from './types.js';
export { describeRef, refOf } from './types.js';
export { KubeApiError, isConflict, isNotFound, type KubeStatus, type StatusCause } from './errors.js';
export type { WatchHandle } from './watch.js';
export type { RateLimitOptions } from './rate-limit.js';

export interface RequestOptions {
  query?: Query;
  /** Sent as JSON unless it is a string (then as is). */
  body?: unknown;
  /** Default `application/json`; PATCH needs e.g. `application/apply-patch+yaml` or `application/merge-patch+json`. */
  contentType?: string;
  signal?: AbortSignal | undefined;
}

/**
 * The agent's only way to the API server: raw JSON in and out, so every key of
 * every object survives (client-node's typed models drop some). Methods throw
 * KubeApiError with the server's Status.
 */
export interface KubeClient {
  request<T = unknown>(method: HttpMethod, path: string, options?: RequestOptions): Promise<T>;
  /** Like request, but the answer as the server sent it: a caller that keeps it as text need not parse it. */
  requestText(method: HttpMethod, path: string, options?: RequestOptions): Promise<string>;
  /** `onOpen` is called once the server accepted the watch (its answer's headers arrived with 200). */
  watch(path: string, query: Query, onEvent: (type: WatchEventType, object: KubeObject) => void, onDone: (error?: Error) => void, onOpen?: () => void): WatchHandle;
  /** Discovery, cached per group version and fetched again when a kind is missing. */
  resourceFor(apiVersion: string, kind: string): Promise<ResourceInfo | undefined>;
  /**
   * Forgets what discovery cached for these group versions (`group/version`, or `v1`): a CRD that was
   * deleted, or replaced with another plural or scope, must not be served from the cache.
   */
  forgetDiscovery(apiVersions: Iterable<string>): void;
  /** `/api/v1/namespaces/x/configmaps/y`; the namespace is left out for cluster-scoped kinds. */
  pathFor(ref: ObjectRef, info: ResourceInfo): string;
  /** Requests sent so far (a watch counts once; retries count). */
  requestCount(): number;
  /** What the client went through: throttling answers (429) and time spent waiting for its own rate. */
  stats(): KubeClientStats;
  /** `h2` or `http/1.1`. */
  readonly protocol: 'h2' | 'http/1.1';
  /** Closes the connections. */
  close(): void;
}

export interface KubeClientStats {
  requests: number;
  /** 429 answers (API Priority and Fairness, or max-in-flight), each waited out and retried. */
  throttled: number;
  /** Milliseconds requests waited for the client-side rate limit and for Retry-After. */
  waitedMs: number;
  /** Connections opened so far: HTTP/2 (one, unless the server sent GOAWAY or a connection died), or HTTP/1.1 sockets. */
  connections: number;
  /** Requests sent and not yet answered (watches excepted). */
  inFlight: number;
}

export interface KubeClientOptions {
  userAgent?: string;
  /** Longest wait for one response (watches excepted). Default 60 s: a hung connection must not hang the agent. */
  requestTimeoutMs?: number;
  /** HTTP/2 over TLS (default); false for HTTP/1.1 keep-alive connections. */
  http2?: boolean;
  /** client-go's QPS and burst; none by default (tests, tools). The agent always sets one. */
  rateLimit?: RateLimitOptions;
}

/** Requests in flight at most; a throttled client goes down from here (see InFlightLimit). */
const MAX_IN_FLIGHT = 64;
/** Attempts of a request the server throttled (429), as client-go's default of 10. */
const MAX_THROTTLED_ATTEMPTS = 10;
/** A Retry-After longer than this is cut short: the request is tried again then, and may be told to wait again. */
const MAX_RETRY_AFTER_MS = 60_000;

export function createKubeClient(kubeConfig: KubeConfig, options: KubeClientOptions = {}): KubeClient {
  const transport = createTransport(kubeConfig, { userAgent: options.userAgent ?? 'ladder-agent', http2: options.http2 ?? true });
  const requestTimeoutMs = options.requestTimeoutMs ?? 60_000;
  const limiter = options.rateLimit ? new RateLimiter(options.rateLimit) : undefined;
  const inFlight = new InFlightLimit(MAX_IN_FLIGHT);
  const stats = { requests: 0, throttled: 0, retryWaitMs: 0 };

  async function requestText(method: HttpMethod, path: string, opts: RequestOptions = {}): Promise<string> {
    const target = path + queryString(opts.query);
    const headers: Record<string, string> = { accept: 'application/json' };
    let body: Buffer | undefined;
    if (opts.body !== undefined) {
      body = Buffer.from(typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body));
      headers['content-type'] = opts.contentType ?? 'application/json';
    }
    let refreshed = false;
    for (let attempt = 1; ; attempt++) {
      await limiter?.acquire(opts.signal);
      stats.requests++;
      let response: RawResponse;
      await inFlight.acquire(opts.signal);
      try {
        response = await transport.send({ method, path: target, headers, ...(body ? { body } : {}), ...(opts.signal ? { signal: opts.signal } : {}), timeoutMs: requestTimeoutMs });
      } catch (error) {
        inFlight.release(false);
        if (error instanceof RequestTimeoutError) throw new Error(`${method} ${path}: no response from the API server within ${requestTimeoutMs} ms`, { cause: error });
        throw error;
      }
      inFlight.release(response.status === 429);
      if (response.status === 401 && !refreshed) {
        refreshed = true; // a rotated token: read the credentials again, once
        transport.refreshCredentials();
        continue;
      }
      const text = response.body.toString('utf8');
      if (response.status === 429 && attempt < MAX_THROTTLED_ATTEMPTS) {
        stats.throttled++;
        await waitOut(retryAfterMs(response, text), opts.signal);
        continue;
      }
      if (response.status >= 300) throw new KubeApiError(response.status, method, path, parseStatus(text));
      return text;
    }
  }

  /** Every request waits: the server throttled our flow, so the next ones would be refused too. */
  async function waitOut(ms: number, signal: AbortSignal | undefined): Promise<void> {
    stats.retryWaitMs += ms;
    if (!limiter) return sleep(ms, signal);
    limiter.pause(options.rateLimit!.clock.now().getTime() + ms);
  }

  const request = async <T>(method: HttpMethod, path: string, opts: RequestOptions = {}): Promise<T> => {
    const text = await requestText(method, path, opts);
    return (text ? JSON.parse(text) : undefined) as T;
  };

  const discovery = createDiscovery(async (path) => {
    try {
      return await request<{ resources: { name: string; kind: string; namespaced: boolean }[] }>('GET', path);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  });

  return {
    request,
    requestText,
    watch(path, query, onEvent, onDone, onOpen) {
      const controller = new AbortController();
      const opening = (async () => {
        await limiter?.acquire(controller.signal);
        stats.requests++;
        return transport.open({ method: 'GET', path: path + queryString({ ...query, watch: true }), headers: { accept: 'application/json' }, signal: controller.signal });
      })();
      return readWatchStream(opening, controller, { method: 'GET', path }, onEvent, onDone, onOpen);
    },
    resourceFor: (apiVersion, kind) => discovery.resourceFor(apiVersion, kind),
    forgetDiscovery: (apiVersions) => discovery.forget(apiVersions),
    pathFor,
    requestCount: () => stats.requests,
    stats: () => ({ requests: stats.requests, throttled: stats.throttled, waitedMs: Math.round(limiter ? limiter.waitedMs : stats.retryWaitMs), connections: transport.connectionsOpened(), inFlight: inFlight.active }),
    protocol: transport.protocol,
    close: () => transport.close(),
  };
}

/** The server's Retry-After (seconds; Status details carry it too), at least a second, at most a minute. */
function retryAfterMs(response: RawResponse, text: string): number {
  const header = Number(response.headers['retry-after']);
  const status = parseStatus(text);
  const detail = typeof status === 'object' ? status.details?.retryAfterSeconds : undefined;
  const seconds = Number.isFinite(header) && header > 0 ? header : detail && detail > 0 ? detail : 1;
  return Math.min(seconds * 1000, MAX_RETRY_AFTER_MS);
}

export function pathFor(ref: ObjectRef, info: ResourceInfo): string {
  if (info.namespaced && !ref.namespace) throw new Error(`${ref.kind} ${ref.name} is namespaced but has no namespace`);
  return `${collectionPath(info, ref.namespace)}/${encodeURIComponent(ref.name)}`;
}

/** The list/create path of a resource; for a namespaced one without a namespace, across all namespaces. */
export function collectionPath(info: ResourceInfo, namespace?: string): string {
  const base = info.group ? `/apis/${info.group}/${info.version}` : `/api/${info.version}`;
  const scope = info.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${base}${scope}/${info.plural}`;
}

function queryString(query: Query | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
  const text = params.toString();
  return text ? `?${text}` : '';
}
