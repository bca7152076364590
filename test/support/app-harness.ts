import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { createNodeMiddleware, Probot } from 'probot';
import type { Clock } from '../../src/core/time/clock.js';
import { ladderOctokit } from '../../src/adapters/github/probot-octokit.js';
import type { GitHubClient } from '../../src/adapters/github/types.js';
import { createAppDeps, type AppDeps } from '../../src/app/deps.js';
import type { RenderWorkerLimits } from '../../src/app/render-worker/pool.js';
import { composeApp, registerLadderApp, type LadderServices } from '../../src/app/index.js';
import { startGitHubServer, userOctokit, type GitHubServer } from '../bed/github/index.js';
import { stringify } from 'yaml';
import { checkConfig, parseConfig } from '../../src/core/config/load.js';
import { grantFor } from '../../src/core/services/snippet.js';

export interface HarnessOptions {
  clock?: Clock;
  /** The GitHub test bed's clock (token expiry, timestamps). */
  githubNow?: () => Date;
  /** Probot's own Octokit class and timings, exactly as `probot run` builds clients (slow: writes are spaced a second apart). */
  probotDefaultOctokit?: boolean;
  /** Render threads' limits (time, heap, threads). */
  render?: Partial<RenderWorkerLimits>;
}

export interface CreateServiceOptions {
  service?: string;
  /** `.github/ladder.yml` text; a dev ← main, stg ← dev, prd ← stg config when absent. */
  config?: string;
  /** Template files committed under `deploy/templates/` (path relative to it); the default config then points there. */
  templates?: Record<string, string>;
  codeRepo?: string;
  manifestRepo?: string;
  /**
   * `.ladder/services.yml` committed to the manifest repository's default
   * branch: the text given, none with `null`, and when absent one that grants
   * the config exactly what it asks (what `grantSnippet` suggests).
   */
  services?: string | null;
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
    options: { branch?: string; files: Record<string, string | null>; title?: string; by?: string },
  ): Promise<{ number: number; mergeSha: string }>;
  /** Webhooks delivered AND the App's queued work finished (looped until both are quiet). */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

export const developer = 'dev';

/**
 * A `.ladder/services.yml` that grants each code repository's config exactly
 * what it asks (cluster-scoped kinds need their names written by the test).
 * A config that does not load gets the default config's grant, so tests of
 * broken configs still meet the config's own problems first.
 */
export function grantingServicesFile(...entries: [codeRepo: string, config: string][]): string {
  const services: Record<string, unknown> = {};
  for (const [codeRepo, text] of entries) {
    const checked = checkConfig(text);
    const config = checked.ok ? checked.config : parseConfig(defaultServiceConfig(codeRepo.split('/')[1]!, 'unused/unused'), 'default');
    const { name, grant } = grantFor(config, codeRepo);
    services[name] = { ...grant, path: config.manifests.path ?? '' };
  }
  return stringify({ services });
}

/** The config createService commits when none is given. */
export function defaultServiceConfig(service: string, manifestRepo: string, templates?: string): string {
  return [
    `service: ${service}`,
    `image: registry.example.com/shop/${service}`,
    'manifests:',
    `  repo: ${manifestRepo}`,
    ...(templates ? [`  templates: ${templates}`] : []),
    'environments:',
    '  - name: dev',
    '    from: { branch: main }',
    `    namespace: ${service}-dev`,
    '    autoMerge: true',
    '  - name: stg',
    '    from: { environment: dev }',
    `    namespace: ${service}-stg`,
    '  - name: prd',
    '    from: { environment: stg }',
    `    namespace: ${service}`,
    '',
  ].join('\n');
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
    log,
    retry: { secondaryLimitRetries: 3, retryAfterUnitMs: 5 },
    ...(options.render ? { render: options.render } : {}),
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
    async createService(serviceOptions = {}) {
      const service = serviceOptions.service ?? 'checkout';
      const codeRepo = serviceOptions.codeRepo ?? `shop/${service}`;
      const manifestRepo = serviceOptions.manifestRepo ?? `shop/${service}-manifests`;
      await github.createRepo(codeRepo);
      await github.createRepo(manifestRepo);
      github.setPermission(codeRepo, developer, 'write');
      github.setPermission(manifestRepo, developer, 'write');
      for (const branch of ['dev', 'stg', 'prd']) await github.seed.setBranch(manifestRepo, branch, 'main');
      const templateDir = serviceOptions.templates ? 'deploy/templates' : undefined;
      const files: Record<string, string> = {
        '.github/ladder.yml': serviceOptions.config ?? defaultServiceConfig(service, manifestRepo, templateDir),
      };
      for (const [path, content] of Object.entries(serviceOptions.templates ?? {})) files[`deploy/templates/${path}`] = content;
      await github.seed.commitFiles(codeRepo, 'main', files, { message: 'Add Ladder config', silent: true });
      // After the environment branches: they hold rendered manifests only, never the grants.
      const services = serviceOptions.services === undefined ? grantingServicesFile([codeRepo, files['.github/ladder.yml']!]) : serviceOptions.services;
      if (services !== null) await github.seed.commitFiles(manifestRepo, 'main', { '.ladder/services.yml': services }, { message: 'Grant Ladder services', silent: true });
      return { codeRepo, manifestRepo };
    },
    async mergePullRequest(codeRepo, pr) {
      const [owner, repo] = codeRepo.split('/') as [string, string];
      const by = pr.by ?? developer;
      const branch = pr.branch ?? `topic-${++topic}`;
      const title = pr.title ?? `Change ${topic}`;
      await github.seed.commitFiles(codeRepo, branch, pr.files, { message: title, from: 'main', silent: true });
      const client = userOctokit(github, by);
      const created = await client.rest.pulls.create({ owner, repo, head: branch, base: 'main', title });
      const merged = await client.rest.pulls.merge({ owner, repo, pull_number: created.data.number });
      return { number: created.data.number, mergeSha: merged.data.sha };
    },
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
