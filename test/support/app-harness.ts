import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { createNodeMiddleware, Probot } from 'probot';
import type { Clock } from '../../src/core/time/clock.js';
import { ladderOctokit } from '../../src/adapters/github/probot-octokit.js';
import type { GitHubClient } from '../../src/adapters/github/types.js';
import { createAppDeps, type AppDeps, type ImageGateDeps } from '../../src/app/deps.js';
import type { RenderWorkerLimits } from '../../src/app/render-worker/pool.js';
import { composeApp, registerLadderApp, type LadderServices } from '../../src/app/index.js';
import { startGitHubServer, type GitHubServer } from '../bed/github/index.js';
import { createService, mergePullRequest, type CreateServiceOptions } from './github-service.js';
import type { SeedFile } from '../bed/github/seed.js';

export { defaultServiceConfig, developer, grantingServicesFile, type CreateServiceOptions } from './github-service.js';

export interface HarnessOptions {
  clock?: Clock;
  /** The GitHub test bed's clock (token expiry, timestamps). */
  githubNow?: () => Date;
  /** Probot's own Octokit class and timings, exactly as `probot run` builds clients (slow: writes are spaced a second apart). */
  probotDefaultOctokit?: boolean;
  /** Turns the `ladder/image` gate on, with this registry client. */
  images?: ImageGateDeps;
  /** Fetches charts pinned in `.ladder/services.yml` (with the test's registry credentials). */
  charts?: AppDeps['charts'];
  /** Render threads' limits (time, heap, threads). */
  render?: Partial<RenderWorkerLimits>;
  /** How agents' service-account tokens are checked (a test cluster's CA). */
  agentIssuers?: AppDeps['agentIssuers'];
  /** How long the App remembers a delivery id (duplicates within it are dropped). */
  deliveries?: AppDeps['deliveries'];
  /** The agent-token route's rate limit and grants cache. */
  agentTokenBudget?: AppDeps['agentTokenBudget'];
}

export interface AppHarness {
  github: GitHubServer;
  /** Probot's webhook endpoint (real HTTP, signature verified). */
  appUrl: string;
  /** The dependencies the App was created with (queue, clock, log, retries). */
  deps: AppDeps;
  /** What the App composed from them: the promotion engine, the gate service, the GitHub port, … */
  services: LadderServices;
  /** Another App replica against the same GitHub: its own queue and memory, nothing it registers. */
  replica(): LadderServices;
  /** Every log line the App wrote, as pino JSON. */
  logs: string[];
  /** A client like the App's own in a webhook handler (Probot's Octokit, installation token) for a repository. */
  appOctokit(fullName: string): Promise<GitHubClient>;
  createService(options?: CreateServiceOptions): Promise<{ codeRepo: string; manifestRepo: string }>;
  mergePullRequest(
    codeRepo: string,
    options: { branch?: string; files: Record<string, SeedFile>; title?: string; by?: string },
  ): Promise<{ number: number; mergeSha: string }>;
  /** Webhooks delivered AND the App's queued work finished (looped until both are quiet). */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The GitHub test bed with the Ladder App running against it: Probot behind
 * `createNodeMiddleware` on a 127.0.0.1 server, the bed's webhooks pointed at it.
 */
export async function startAppHarness(options: HarnessOptions = {}): Promise<AppHarness> {
  const github = await startGitHubServer(options.githubNow ? { now: options.githubNow } : {});
  const logs: string[] = [];
  const log = pino(
    { level: 'debug' },
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        logs.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        done();
      },
    }),
  );
  const deps = createAppDeps({
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.images ? { images: options.images } : {}),
    ...(options.charts ? { charts: options.charts } : {}),
    log,
    retry: { secondaryLimitRetries: 3, retryAfterUnitMs: 5 },
    ...(options.render ? { render: options.render } : {}),
    ...(options.agentIssuers ? { agentIssuers: options.agentIssuers } : {}),
    ...(options.deliveries ? { deliveries: options.deliveries } : {}),
    ...(options.agentTokenBudget ? { agentTokenBudget: options.agentTokenBudget } : {}),
  });
  const probot = new Probot({
    appId: github.app.id,
    privateKey: github.app.privateKey,
    secret: github.app.webhookSecret,
    baseUrl: github.url,
    log,
    ...(options.probotDefaultOctokit ? {} : { Octokit: ladderOctokit({ retryBaseMs: 5, retries: 3, retryAfterUnitMs: 5, writeSpacingMs: 0 }) }),
  });
  const services = composeApp(deps, probot);
  const middleware = await createNodeMiddleware((app, appOptions) => registerLadderApp(app, services, appOptions), { probot });
  const server: Server = createServer((req, res) => void middleware(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const appUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/github/webhooks`;
  github.webhooks.url = appUrl;

  const settled = async (): Promise<void> => {
    // Webhooks start work and work raises webhooks: wait until a round finds both quiet.
    for (;;) {
      const deliveries = github.webhooks.deliveries.length;
      await github.webhooks.settled();
      await deps.queue.idle();
      await new Promise((resolve) => setImmediate(resolve));
      if (github.webhooks.deliveries.length === deliveries && deps.queue.size() === 0) {
        await github.webhooks.settled();
        if (github.webhooks.deliveries.length === deliveries && deps.queue.size() === 0) return;
      }
    }
  };

  let topic = 0;
  return {
    github,
    appUrl,
    deps,
    services,
    replica: () => composeApp(createAppDeps({ log: pino({ level: 'silent' }), retry: deps.retry }), probot),
    logs,
    createService: (serviceOptions = {}) => createService(github, serviceOptions),
    mergePullRequest: (codeRepo, pr) => mergePullRequest(github, codeRepo, { ...pr, branch: pr.branch ?? `topic-${++topic}`, title: pr.title ?? `Change ${topic}` }),
    settled,
    appOctokit: async (fullName) => (await probot.auth(github.installations.idFor(fullName))) as GitHubClient,
    async stop() {
      await settled().catch(() => undefined);
      await services.renderer.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await github.stop();
    },
  };
}
