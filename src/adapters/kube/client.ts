import type { KubeConfig } from '@kubernetes/client-node';
import { sleep } from '../../core/time/sleep.js';
import { createDiscovery } from './discovery.js';
import { isNotFound, KubeApiError } from './errors.js';
import { createTransport, type RawResponse } from './transport.js';
import type { HttpMethod, KubeObject, ObjectRef, Query, ResourceInfo, WatchEventType } from './types.js';
import { parseStatus, readWatchStream, type WatchHandle } from './watch.js';

export type { HttpMethod, KubeList, KubeObject, ObjectMeta, ObjectRef, Query, ResourceInfo, WatchEventType } from './types.js';
export { describeRef, refOf } from './types.js';
export { KubeApiError, isConflict, isNotFound, type KubeStatus, type StatusCause } from './errors.js';
export type { WatchHandle } from './watch.js';

export interface RequestOptions {
  query?: Query;
  /** Sent as JSON unless it is a string (then as is). */
  body?: unknown;
  /** Default `application/json`; PATCH needs e.g. `application/apply-patch+yaml` or `application/merge-patch+json`. */
  contentType?: string;
  signal?: AbortSignal;
}

/**
 * The agent's only way to the API server: raw JSON in and out, so every key of
 * every object survives (client-node's typed models drop some). Methods throw
 * KubeApiError with the server's Status.
 */
export interface KubeClient {
  request<T = unknown>(method: HttpMethod, path: string, options?: RequestOptions): Promise<T>;
  watch(path: string, query: Query, onEvent: (type: WatchEventType, object: KubeObject) => void, onDone: (error?: Error) => void): WatchHandle;
  /** Discovery, cached per group version and fetched again when a kind is missing. */
  resourceFor(apiVersion: string, kind: string): Promise<ResourceInfo | undefined>;
  /** `/api/v1/namespaces/x/configmaps/y`; the namespace is left out for cluster-scoped kinds. */
  pathFor(ref: ObjectRef, info: ResourceInfo): string;
  /** Requests sent so far (a watch counts once; retries count). */
  requestCount(): number;
  /** Closes idle keep-alive connections. */
  close(): void;
}

export interface KubeClientOptions {
  userAgent?: string;
  /** Longest wait for one response (watches excepted). Default 60 s: a hung connection must not hang the agent. */
  requestTimeoutMs?: number;
}

/** Retries of a request the server throttled (429) or that hit a keep-alive socket the server had closed. */
const MAX_ATTEMPTS = 4;

export function createKubeClient(kubeConfig: KubeConfig, options: KubeClientOptions = {}): KubeClient {
  const transport = createTransport(kubeConfig, options.userAgent ?? 'ladder-agent');
  const requestTimeoutMs = options.requestTimeoutMs ?? 60_000;
  let count = 0;

  async function request<T>(method: HttpMethod, path: string, opts: RequestOptions = {}): Promise<T> {
    const target = path + queryString(opts.query);
    const headers: Record<string, string> = { accept: 'application/json' };
    let body: Buffer | undefined;
    if (opts.body !== undefined) {
      body = Buffer.from(typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body));
      headers['content-type'] = opts.contentType ?? 'application/json';
    }
    let refreshed = false;
    for (let attempt = 1; ; attempt++) {
      let response: RawResponse;
      count++;
      const timeout = AbortSignal.timeout(requestTimeoutMs);
      try {
        response = await transport.send({ method, path: target, headers, body, signal: opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout });
      } catch (error) {
        if (timeout.aborted && !opts.signal?.aborted) throw new Error(`${method} ${path}: no response from the API server within ${requestTimeoutMs} ms`, { cause: error });
        // A keep-alive socket closed by the server in the meantime: the request never reached it.
        const stale = (error as { reusedSocket?: boolean; code?: string }).reusedSocket && (error as { code?: string }).code === 'ECONNRESET';
        if (stale && attempt < MAX_ATTEMPTS) continue;
        throw error;
      }
      if (response.status === 401 && !refreshed) {
        refreshed = true; // a rotated token: read the credentials again, once
        transport.refreshCredentials();
        continue;
      }
      if (response.status === 429 && attempt < MAX_ATTEMPTS) {
        await sleep(Math.min(Number(response.headers['retry-after']) || 1, 10) * 1000, opts.signal);
        continue;
      }
      const text = response.body.toString('utf8');
      if (response.status >= 300) throw new KubeApiError(response.status, method, path, parseStatus(text));
      return (text ? JSON.parse(text) : undefined) as T;
    }
  }

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
    watch(path, query, onEvent, onDone) {
      const controller = new AbortController();
      count++;
      const opening = transport.open({
        method: 'GET',
        path: path + queryString({ ...query, watch: true }),
        headers: { accept: 'application/json' },
        signal: controller.signal,
      });
      return readWatchStream(opening, controller, { method: 'GET', path }, onEvent, onDone);
    },
    resourceFor: (apiVersion, kind) => discovery.resourceFor(apiVersion, kind),
    pathFor,
    requestCount: () => count,
    close: () => transport.close(),
  };
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
