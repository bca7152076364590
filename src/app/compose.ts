import type { Logger } from 'pino';
import { BlobCache } from '../adapters/github/code-repo.js';
import { createGitHubAccess } from '../adapters/github/github.js';
import type { GitHubAccess } from '../adapters/github/port.js';
import { ServiceAccountTokenVerifier } from '../adapters/oidc/service-account-token.js';
import { agentTokenAudience } from '../core/services/agent-grant.js';
import type { Clock } from '../core/time/clock.js';
import { TakenComments } from './commands/taken-comments.js';
import { defaultSeenDeliveryLimits, SeenDeliveries } from './deliveries/seen-deliveries.js';
import { ClientRateLimit, defaultAgentTokenBudget, GrantsCache } from './agent-token/budget.js';
import type { AppDeps } from './deps.js';
import { GateService } from './gates/service.js';
import { PromotionEngine, PromotionMemory } from './promotion/engine.js';
import type { KeyedQueue } from './queue.js';
import { createSchemaStore, type SchemaStore } from './schemas.js';
import { createTemplateStore, type TemplateStore } from './templates.js';
import { createRenderWorkers, defaultRenderWorkerLimits, type Renderer } from './render-worker/pool.js';
import type { ChartFetcher, ManifestTools } from '../core/render/tools/port.js';
import { createChartFetcher } from '../adapters/registry/chart-fetcher.js';
import { createManifestTools, toolBinariesFromEnv } from '../adapters/render-tools/tools.js';

/** Everything the App's features share, built once per App by `composeApp` and handed to each feature's `register`. */
export interface LadderServices {
  clock: Clock;
  queue: KeyedQueue;
  log: Logger;
  /** The GitHub port, over a webhook's client or a fresh installation client. */
  github: GitHubAccess;
  /** Compiled schema validators per Kubernetes version. */
  schemas: SchemaStore;
  /** Ladder's default manifest templates and PR body template, read once. */
  templates: TemplateStore;
  /** Worker threads that run templates off the event loop, with time and memory limits. */
  renderer: Renderer;
  /** Helm and Kustomize as bounded child processes (render: helm | kustomize). */
  tools: ManifestTools;
  /** Charts pinned in `.ladder/services.yml`, fetched with the registry credentials of the image gate. */
  charts: ChartFetcher;
  promotions: PromotionEngine;
  gates: GateService;
  /** Comments whose commands this process has taken on (a redelivery does not run them twice). */
  takenComments: TakenComments;
  /** Deliveries each handler has taken on (GitHub delivers at least once; a duplicate does the work once). */
  deliveries: SeenDeliveries;
  /** Checks the service-account tokens agents prove themselves with when they ask for a GitHub token. */
  agentTokens: ServiceAccountTokenVerifier;
  /** The agent-token route's budgets: requests per client, and each repository's grants read once for a while. */
  agentTokenBudget: { rateLimit: ClientRateLimit; grants: GrantsCache };
}

/** What the composition needs of Probot: its authentication and its logger. */
export interface ProbotHost {
  auth(installationId?: number): Promise<unknown>;
  log: unknown;
}

/**
 * The App's composition root (as gitops-engine's `engine.go` wires its
 * parts): the GitHub port and its caches, the schema and template stores,
 * the promotion engine and its memory, the gate service. Nothing of this
 * lives at module level; a second App in the same process (a test's
 * replica) has its own.
 */
export function composeApp(deps: AppDeps, probot: ProbotHost): LadderServices {
  const log = deps.log ?? (probot.log as Logger);
  const github = createGitHubAccess({
    auth: (installationId) => probot.auth(installationId),
    policy: deps.retry,
    caches: { templateBlobs: new BlobCache() },
    ...(deps.agentLogins ? { agentLogins: deps.agentLogins } : {}),
  });
  const renderLimits = { ...defaultRenderWorkerLimits, ...deps.render };
  // A CRD's schema comes from the code repository's render: compiling it is bounded as the render is.
  const customLimits = { timeoutMs: renderLimits.timeoutMs, heapMb: renderLimits.heapMb };
  const schemas = createSchemaStore({ log, customLimits, ...(deps.schemaCacheDir ? { cacheDir: deps.schemaCacheDir } : {}) });
  // At start-up, off the event loop: the common kinds of the newest bundled version, which configs use unless they name another.
  schemas.compilersFor().catch((error: unknown) => log.error({ err: error }, 'reading the schemas failed; validation will try again'));
  const templates = createTemplateStore();
  const renderer = createRenderWorkers(renderLimits);
  const tools = createManifestTools(toolBinariesFromEnv());
  const charts = deps.charts ?? createChartFetcher({ credentials: new Map() });
  return {
    clock: deps.clock,
    queue: deps.queue,
    log,
    github,
    schemas,
    templates,
    renderer,
    tools,
    charts,
    promotions: new PromotionEngine({ queue: deps.queue, log, schemas, templates, renderer, tools, charts, memory: new PromotionMemory() }),
    gates: new GateService({ github, queue: deps.queue, clock: deps.clock, log, ...(deps.images ? { images: deps.images } : {}) }),
    takenComments: new TakenComments(),
    deliveries: new SeenDeliveries(deps.clock, { ...defaultSeenDeliveryLimits, ...deps.deliveries }),
    agentTokens: new ServiceAccountTokenVerifier(deps.agentIssuers?.audience ?? agentTokenAudience, deps.agentIssuers?.ca ? { ca: deps.agentIssuers.ca } : {}),
    agentTokenBudget: agentTokenBudget(deps),
  };
}

function agentTokenBudget(deps: AppDeps): LadderServices['agentTokenBudget'] {
  const budget = { ...defaultAgentTokenBudget, ...deps.agentTokenBudget };
  return { rateLimit: new ClientRateLimit(deps.clock, budget), grants: new GrantsCache(deps.clock, budget) };
}
