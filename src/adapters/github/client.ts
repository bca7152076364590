import { createAppAuth } from '@octokit/auth-app';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';

/**
 * The one way Ladder builds GitHub clients, for the App and the agent alike.
 * Both get Probot's plugin stack (throttling, retry, pagination, REST
 * methods) with one policy and one set of hooks: the App through Probot's
 * own Octokit class with these defaults (probot-octokit.ts, which only the
 * App loads), the agent through @octokit/rest's client (core, REST methods,
 * pagination) with the same throttling and retry, so it does not load Probot
 * (38 MB of resident memory) to talk to GitHub.
 */
const LadderOctokit = Octokit.plugin(throttling, retry);

/**
 * A GitHub client: Probot's installation clients and the agent's both are one. Used only inside
 * src/adapters/github. The REST methods are reached through `.rest` only: @octokit/rest also puts
 * them on the client itself (its legacy surface), which Probot's class does not have.
 */
export type GitHubClient = Pick<InstanceType<typeof LadderOctokit>, 'request' | 'rest' | 'paginate' | 'hook' | 'auth' | 'log' | 'graphql'>;

/**
 * How hard a client retries GitHub when it fails for a moment: a 5xx from its
 * proxy (plugin-retry), a primary or secondary rate limit (plugin-throttling),
 * and a secondary limit that still escapes those (`secondaryLimitRetries`).
 */
export interface RetryPolicy {
  /** plugin-retry's base delay for 5xx: attempt n waits n² × this. */
  retryBaseMs: number;
  retries: number;
  /** Milliseconds per second of `retry-after` (1000 in production; tests shrink it). */
  retryAfterUnitMs: number;
  /** Extra attempts after a secondary rate limit or 429, around everything else; 0 leaves them to the caller. */
  secondaryLimitRetries: number;
  /** Spacing of write requests (GitHub asks for about a second between writes); 0 turns it off. */
  writeSpacingMs?: number;
}

/** What the plugins take; the outer secondary-limit retry is added per client (prepareClient). */
export type ClassPolicy = Omit<RetryPolicy, 'secondaryLimitRetries'>;

export const productionRetry: RetryPolicy = { retryBaseMs: 1000, retries: 3, retryAfterUnitMs: 1000, secondaryLimitRetries: 3 };

type Log = { warn(object: object, message: string): void };

/** The throttling plugin's options for a policy: shared by the agent's clients and Probot's class. */
export function throttleOptions(policy: ClassPolicy, log?: Log) {
  // Stands in for the plugin's Bottleneck group of writes: schedules each at once.
  const noSpacing = { key: () => ({ schedule: (_options: unknown, fn: () => Promise<unknown>) => fn() }) } as never;
  return {
    retryAfterBaseValue: policy.retryAfterUnitMs,
    // A primary limit is waited out once, and only when it resets within two minutes; a secondary one up to three times.
    onRateLimit: (after: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
      log?.warn({ retryAfter: after, method: request.method, url: request.url }, 'GitHub rate limit reached');
      return retryCount < 2 && after <= 120;
    },
    onSecondaryRateLimit: (after: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
      log?.warn({ retryAfter: after, method: request.method, url: request.url }, 'GitHub secondary rate limit reached');
      return retryCount < 3;
    },
    ...(policy.writeSpacingMs === 0 ? { write: noSpacing } : {}),
  };
}

export type GitHubCredentials =
  | { appId: number; privateKey: string; installationId: number }
  | { token: string }
  /** A token someone else hands out and renews (the Ladder App, for an agent): asked for before each request. */
  | { tokenSource: () => Promise<string> };

export interface ClientOptions {
  baseUrl: string;
  credentials: GitHubCredentials;
  policy: RetryPolicy;
  userAgent?: string;
  log?: Log;
  /** Called once per HTTP request sent (retries included), e.g. for a metric. */
  onRequest?: () => void;
  /** Longest wait for one call, its retries included; fetch has none of its own, and a hung connection would hang the caller. */
  requestTimeoutMs?: number;
}

/**
 * A client for a GitHub App installation (auth-app mints and renews its
 * tokens) or a plain token, with Ladder's policy and hooks. The agent's.
 */
export function createGitHubClient(options: ClientOptions): GitHubClient {
  const { credentials, policy } = options;
  const client = new LadderOctokit({
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    userAgent: options.userAgent ?? 'ladder',
    retry: { retryAfterBaseValue: policy.retryBaseMs, retries: policy.retries },
    throttle: throttleOptions(policy, options.log),
    // Octokit's own warnings would repeat what Ladder logs with context.
    log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
    ...('token' in credentials
      ? { auth: credentials.token }
      : 'tokenSource' in credentials
        ? { authStrategy: sourcedTokenAuth, auth: { source: credentials.tokenSource } }
        : { authStrategy: createAppAuth, auth: credentials }),
  });
  return prepareClient(client, policy, options);
}

const prepared = Symbol('ladder.prepared');

/**
 * Adds Ladder's request hooks to a client, once: Probot builds the App's
 * clients itself, per webhook, so the App's way into the port passes each one
 * through here too.
 *
 * - Secondary rate limits: Probot's Octokit retries 5xx (three retries, 1 s,
 *   4 s, 9 s) but its default throttle options only *log* a secondary limit
 *   and give up (probot 14, get-octokit-throttle-options.js), and
 *   installation clients may be built with throttling off. So, with
 *   `secondaryLimitRetries`, a hook outside all the others waits `retry-after`
 *   and tries again.
 * - A timeout for the whole call, retries included, when asked for.
 * - A count of requests sent, when asked for.
 */
export function prepareClient(client: GitHubClient, policy: RetryPolicy, options: Pick<ClientOptions, 'onRequest' | 'requestTimeoutMs'> = {}): GitHubClient {
  const marked = client as GitHubClient & { [prepared]?: true };
  if (marked[prepared]) return client;
  marked[prepared] = true;
  const { requestTimeoutMs, onRequest } = options;
  if (requestTimeoutMs !== undefined) {
    // The options object is changed in place: the hooks inside were bound to it, not to a copy.
    client.hook.wrap('request', (request, requestOptions) => {
      requestOptions.request = { ...requestOptions.request, signal: requestOptions.request?.signal ?? AbortSignal.timeout(requestTimeoutMs) };
      return request(requestOptions);
    });
  }
  if (onRequest) client.hook.before('request', () => onRequest());
  if (policy.secondaryLimitRetries > 0) {
    client.hook.wrap('request', async (request, requestOptions) => {
      for (let attempt = 0; ; attempt++) {
        try {
          return await request(requestOptions);
        } catch (error) {
          const wait = rateLimitWait(error);
          if (wait === undefined || attempt >= policy.secondaryLimitRetries) throw error;
          await new Promise((resolve) => setTimeout(resolve, wait * policy.retryAfterUnitMs));
        }
      }
    });
  }
  return client;
}

/** Seconds to wait before retrying a rate-limited request; undefined for any other failure. */
export function rateLimitWait(error: unknown): number | undefined {
  const status = (error as { status?: unknown }).status;
  if (status !== 403 && status !== 429) return undefined;
  const message = error instanceof Error ? error.message : '';
  const headers = (error as { response?: { headers?: Record<string, string | number | undefined> } }).response?.headers ?? {};
  const secondary = status === 429 || /secondary rate limit/i.test(message);
  if (!secondary) return undefined;
  const retryAfter = Number(headers['retry-after']);
  // Without retry-after GitHub asks for at least a minute; never wait longer than five.
  return Math.min(Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : 60, 300);
}

type RequestFn = ((options: object) => Promise<unknown>) & { endpoint: { merge(route: string | object, parameters?: object): { headers: Record<string, string> } } };

/** An Octokit auth strategy whose token comes from `source` each time (it caches and renews it). */
function sourcedTokenAuth({ source }: { source: () => Promise<string> }) {
  const auth = async () => ({ type: 'token', tokenType: 'installation', token: await source() });
  return Object.assign(auth, {
    hook: async (request: RequestFn, route: string | object, parameters?: object) => {
      const endpoint = request.endpoint.merge(route, parameters);
      endpoint.headers.authorization = `token ${await source()}`;
      return request(endpoint);
    },
  });
}
