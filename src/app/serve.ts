import { createServer, type Server } from 'node:http';
import type { Logger } from 'pino';
import { createNodeMiddleware, Probot } from 'probot';
import type { GitHubAccess } from '../adapters/github/port.js';
import { statusOf } from '../adapters/github/errors.js';
import { listen } from '../adapters/http/listen.js';
import { createRegistryClient } from '../adapters/registry/client.js';
import { createChartFetcher } from '../adapters/registry/chart-fetcher.js';
import type { RegistryCredential } from '../adapters/registry/credentials.js';
import { createAppDeps } from './deps.js';
import { answerProbe, AppReadiness } from './health.js';
import { composeApp, registerLadderApp } from './index.js';
import { forwardFromProxy, type WebhookProxy } from './webhook-proxy.js';

// What else `ladder app` starts: the setup page before the App is registered, the logger, the proxy check.
export { startSetupServer, type SetupServerConfig } from './setup/server.js';
export { createAppLog } from './log.js';
export { webhookProxyAvailable } from './webhook-proxy.js';

/** What `ladder app` needs to serve; read from the environment by the CLI. */
export interface AppServerConfig {
  appId: number;
  privateKey: string;
  webhookSecret: string;
  webhookPath: string;
  /** GitHub's REST API, e.g. https://api.github.com or https://ghe.example.com/api/v3. */
  apiUrl: string;
  host: string;
  port: number;
  /** A webhook proxy channel (WEBHOOK_PROXY_URL, development) to receive deliveries from. */
  webhookProxyUrl?: string;
  /** Registry credentials from the App's Secret and hosts spoken to over plain HTTP: for the image gate and pinned charts. */
  registries: { credentials: ReadonlyMap<string, RegistryCredential>; plainHttp: readonly string[] };
  /** The `ladder/image` gate (LADDER_IMAGE_GATE=on). */
  images?: { recheckSeconds: number };
}

export interface AppServerOptions {
  log: Logger;
  /** Between credential checks until GitHub accepts them (default 10 s). */
  authRetryMs?: number;
  /** How long shutdown waits for webhook work in progress (default 20 s, inside Kubernetes' 30 s grace period). */
  drainMs?: number;
}

export interface RunningAppServer {
  /** `http://host:port` of the webhook endpoint and the probes. */
  url: string;
  readiness: AppReadiness;
  /** Not ready, stop accepting, let webhook work in progress finish (up to drainMs), close. */
  stop(): Promise<void>;
}

/**
 * The Probot server of `ladder app`: the webhook endpoint (signature
 * verified) and /healthz and /readyz on one port, as `probot run` would serve
 * the webhooks, without its setup pages or the `.env` it reads from the
 * working directory.
 */
export async function startAppServer(config: AppServerConfig, options: AppServerOptions): Promise<RunningAppServer> {
  const { log } = options;
  const probot = new Probot({
    appId: config.appId,
    privateKey: config.privateKey,
    secret: config.webhookSecret,
    webhookPath: config.webhookPath,
    baseUrl: config.apiUrl,
    log,
  });
  const registries = { credentials: config.registries.credentials, plainHttp: new Set(config.registries.plainHttp) };
  const images = config.images ? { registry: createRegistryClient(registries), recheckMs: config.images.recheckSeconds * 1000 } : undefined;
  // Pinned charts are fetched with the same registry credentials, sent to each chart's own host only.
  const charts = createChartFetcher(registries);
  const deps = createAppDeps({ log, charts, ...(images ? { images } : {}) });
  if (config.images) log.info({ registries: [...registries.credentials.keys()], recheckSeconds: config.images.recheckSeconds }, 'The ladder/image gate is on');
  const services = composeApp(deps, probot);
  // registerLadderApp puts the webhook body budget ahead of Probot's middleware through addHandler.
  const webhooks = await createNodeMiddleware((app: Probot, appOptions) => registerLadderApp(app, services, appOptions), { probot });
  const readiness = new AppReadiness();
  // The start-up compile of the schema validators (composeApp began it, in a worker): the first promotions would wait on it.
  readiness.startingUp('compiling the schema validators', services.schemas.compilersFor());
  const server: Server = createServer((request, response) => {
    if (answerProbe(request, response, readiness)) return;
    void webhooks(request, response, () => {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
    });
  });
  // GitHub gives up on a delivery after 10 s; a client still sending after 30 s is not GitHub.
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  const { url, localUrl: local } = await listen(server, config.port, config.host);
  log.info({ url, webhookPath: config.webhookPath, apiUrl: config.apiUrl }, 'ladder app listening');
  let proxy: WebhookProxy | undefined;
  try {
    proxy = config.webhookProxyUrl ? await forwardFromProxy(config.webhookProxyUrl, `${local}${config.webhookPath}`, log) : undefined;
  } catch (error) {
    server.close();
    throw error;
  }

  const stopChecking = checkCredentials(services.github, readiness, log, options.authRetryMs ?? 10_000);
  let stopping: Promise<void> | undefined;
  return {
    url,
    readiness,
    stop: () =>
      (stopping ??= (async () => {
        readiness.shuttingDown();
        stopChecking();
        proxy?.close();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        const drained = await Promise.race([
          Promise.all([closed, deps.queue.idle()]).then(() => true),
          new Promise<false>((resolve) => setTimeout(resolve, options.drainMs ?? 20_000, false).unref()),
        ]);
        if (!drained) log.warn({ pending: deps.queue.size() }, 'shutdown: webhook work still running after the drain time; leaving it');
        await services.renderer.close();
        server.closeAllConnections();
        log.info('ladder app stopped');
      })()),
  };
}

/**
 * Asks GitHub who the App is (GET /app, signed with the App's key) until it
 * answers, then marks the App ready. Returns a function that stops asking.
 */
function checkCredentials(github: GitHubAccess, readiness: AppReadiness, log: Logger, retryMs: number): () => void {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const attempt = async () => {
    try {
      const app = await github.appIdentity();
      readiness.authenticated();
      log.info({ app: app.slug }, 'authenticated with GitHub as the App');
    } catch (error) {
      const status = statusOf(error);
      const reason =
        status === 401
          ? 'GitHub refused the App credentials (HTTP 401): check APP_ID and the private key'
          : `GitHub could not be asked who the App is: ${status ? `HTTP ${status}` : (error as Error).message}`;
      readiness.waiting(reason);
      log.error({ status }, reason);
      if (!stopped) timer = setTimeout(() => void attempt(), retryMs).unref();
    }
  };
  void attempt();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
