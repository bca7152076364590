import type { ChartFetcher } from '../core/render/tools/port.js';
import type { Logger } from 'pino';
import { systemClock } from '../adapters/clock/clock.js';
import { defaultValidatorCacheDir } from '../adapters/fs/validator-cache.js';
import { productionRetry, type RetryPolicy } from '../adapters/github/client.js';
import type { ImageRegistry } from '../adapters/registry/port.js';
import type { Clock } from '../core/time/clock.js';
import { KeyedQueue } from './queue.js';
import type { AgentTokenBudget } from './agent-token/budget.js';
import type { SeenDeliveryLimits } from './deliveries/seen-deliveries.js';
import type { RenderWorkerLimits } from './render-worker/pool.js';

/** What the App takes from outside; tests inject their own (a manual clock, short retries, a log they read). */
export interface AppDeps {
  clock: Clock;
  /** Serialises work per (manifest repo, environment); tests wait on it. */
  queue: KeyedQueue;
  /** Defaults to Probot's `app.log`. */
  log?: Logger;
  /** How hard to retry GitHub when it fails for a moment (5xx, secondary rate limits). */
  retry: RetryPolicy;
  /** Render threads' time and memory limits; `defaultRenderWorkerLimits` where not given. */
  render?: Partial<RenderWorkerLimits>;
  /**
   * Logins besides the App's own bot whose deployments count: an agent that
   * reports with a token of its own rather than one the App hands out
   * (`LADDER_AGENT_LOGINS`, comma-separated).
   */
  agentLogins?: readonly string[];
  /**
   * How agents' service-account tokens are checked when they ask for a
   * token: the audience they must name (`ladder`), and extra CA certificates
   * for issuers with a private CA (in production NODE_EXTRA_CA_CERTS does it).
   */
  agentIssuers?: { audience?: string; ca?: string };
  /** The agent-token route's rate limit per client and its grants cache; `defaultAgentTokenBudget` where not given. */
  agentTokenBudget?: Partial<AgentTokenBudget>;
  /**
   * Where compiled schema validators are kept between starts (shared with `ladder validate`):
   * `defaultValidatorCacheDir()`, none with LADDER_CACHE=off or when the directory cannot be written.
   */
  schemaCacheDir?: string;
  /** How long and how many delivery ids are remembered to drop GitHub's duplicate deliveries. */
  deliveries?: Partial<SeenDeliveryLimits>;
  /** The `ladder/image` gate: on when given (`ladder app` turns it on with LADDER_IMAGE_GATE). */
  images?: ImageGateDeps;
  /**
   * Fetches charts pinned in `.ladder/services.yml`; `ladder app` gives it the
   * image gate's registry credentials. Anonymous, HTTPS only, when absent.
   */
  charts?: ChartFetcher;
}

export interface ImageGateDeps {
  registry: ImageRegistry;
  /** While an image is missing, how long until the registry is asked again (webhooks may ask sooner). */
  recheckMs: number;
}

export function createAppDeps(overrides: Partial<Omit<AppDeps, 'retry'>> & { retry?: Partial<RetryPolicy> } = {}): AppDeps {
  const schemaCacheDir = 'schemaCacheDir' in overrides ? overrides.schemaCacheDir : defaultValidatorCacheDir();
  const agentLogins = overrides.agentLogins ?? (process.env['LADDER_AGENT_LOGINS'] ?? '').split(',').map((login) => login.trim()).filter(Boolean);
  return {
    clock: overrides.clock ?? systemClock,
    queue: overrides.queue ?? new KeyedQueue(),
    retry: { ...productionRetry, ...overrides.retry },
    ...(overrides.log ? { log: overrides.log } : {}),
    ...(overrides.images ? { images: overrides.images } : {}),
    ...(overrides.charts ? { charts: overrides.charts } : {}),
    ...(overrides.render ? { render: overrides.render } : {}),
    ...(overrides.deliveries ? { deliveries: overrides.deliveries } : {}),
    ...(overrides.agentTokenBudget ? { agentTokenBudget: overrides.agentTokenBudget } : {}),
    ...(schemaCacheDir ? { schemaCacheDir } : {}),
    ...(agentLogins.length > 0 ? { agentLogins } : {}),
    ...(overrides.agentIssuers ? { agentIssuers: overrides.agentIssuers } : {}),
  };
}
