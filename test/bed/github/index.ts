import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateAppKeys } from './auth/jwt.js';
import { TokenStore } from './auth/tokens.js';
import { ladderAppManifest, registerApp, type AppConfig } from './apps.js';
import type { Bed, PendingEvent, RouteSpec } from './bed.js';
import { sharedContractChecker, type ContractViolation } from './contract/checker.js';
import { Faults } from './faults.js';
import { GitStore } from './git/store.js';
import { WebFlowKey } from './git/signing.js';
import { RateLimits } from './ratelimit.js';
import { RequestLog } from './requests.js';
import { Router } from './router.js';
import { allRoutes } from './routes/index.js';
import { handleRequest } from './server.js';
import { Urls } from './shapes/urls.js';
import { State } from './state.js';
import { WebhookSender, type Delivery } from './webhooks/deliver.js';
import { checkDeliveryOptions, type DeliveryOptions } from './webhooks/schedule.js';
import { contractFailure, createHandle, type GitHubServer } from './handle.js';

export type { GitHubServer } from './handle.js';
export type { FaultSpec, Fault } from './faults.js';
export type { DeliveryOptions } from './webhooks/schedule.js';
export type { RequestRecord } from './requests.js';
export type { ContractViolation } from './contract/checker.js';
export { signWebhook } from './webhooks/deliver.js';
export { signAppJwt } from './auth/jwt.js';
export { installationOctokit, putBranchProtection, userOctokit, type BedOctokit, type BranchRules } from './clients.js';
export { startWebhookReceiver, type ReceivedWebhook, type WebhookReceiver } from './receiver.js';
export { rejection } from './expect.js';

export interface StartOptions {
  appId?: number;
  appSlug?: string;
  webhookSecret?: string;
  /** Where events the server raises itself (merges, pushes, comments) are delivered. */
  webhookUrl?: string;
  /** The server's clock (token expiry, timestamps). */
  now?: () => Date;
  /** Extra routes, e.g. a test that needs one endpoint more; must exist in GitHub's description. */
  routes?: RouteSpec[];
  /**
   * How raised events are delivered. By default as GitHub may: out of order, some twice, two at
   * once, from a seed printed in the test output (`LADDER_BED_SEED` replays it). A test that
   * cannot take that opts out with its reason: `{ inOrder: 'counts the requests of one delivery' }`.
   */
  deliveries?: DeliveryOptions;
  /**
   * Every answer and webhook is checked against GitHub's OpenAPI description, and `stop()` fails
   * on any violation. A test that breaks the contract on purpose opts out, saying why.
   */
  contract?: { allowViolations: string };
  /**
   * When a recursive tree is cut short (`truncated: true`), as GitHub cuts one of more than
   * 100,000 entries or 7 MB. A test of large trees sets small limits.
   */
  trees?: { maxEntries?: number; maxBytes?: number };
}

/** Starts the local GitHub API on a free 127.0.0.1 port with an App registered and nothing else. */
export async function startGitHubServer(options: StartOptions = {}): Promise<GitHubServer> {
  // Options and routes first: a bad one must fail before anything (port, directory) needs cleaning up.
  checkDeliveryOptions(options.deliveries ?? {});
  if (options.contract && !options.contract.allowViolations.trim()) throw new Error('contract.allowViolations needs the reason the test breaks the contract');
  const contract = sharedContractChecker();
  const router = new Router<RouteSpec>();
  for (const route of [...allRoutes, ...(options.routes ?? [])]) {
    if (!contract.hasOperation(route.method, route.route)) {
      throw new Error(`${route.method} ${route.route} is not an operation in GitHub's OpenAPI description`);
    }
    router.add(route.method, route.route, route);
  }
  const now = options.now ?? (() => new Date());
  const root = await mkdtemp(join(tmpdir(), 'ladder-github-'));
  const state = new State();
  const slug = options.appSlug ?? 'ladder';
  const apps = new Map<number, AppConfig>();
  const app = registerApp(state, apps, {
    id: options.appId ?? 4242,
    slug,
    description: 'GitOps promotion by pull request',
    owner: state.user('ladder-dev', 'Organization'),
    keys: await generateAppKeys(),
    ...(options.webhookSecret ? { webhookSecret: options.webhookSecret } : {}),
    ...(options.webhookUrl ? { webhookUrl: options.webhookUrl } : {}),
    ...ladderAppManifest(),
    externalUrl: 'https://github.com/ladder-gitops/ladder',
    createdAt: '2024-01-01T00:00:00Z',
  });
  const tokens = new TokenStore(apps, now);
  const violations: ContractViolation[] = [];
  const pending: PendingEvent[] = [];
  // The base URL is only known once listening; requests cannot arrive before that.
  let handler: Parameters<typeof createServer>[1] = () => undefined;
  const server = createServer((req, res) => handler?.(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const urls = new Urls(`http://127.0.0.1:${port}`);
  const hooks = { deliveries: [] as Delivery[], redeliver: (id: string) => webhooks.redeliver(id) };
  const treeLimits = { maxEntries: options.trees?.maxEntries ?? 100_000, maxBytes: options.trees?.maxBytes ?? 7 * 1024 * 1024 };
  const bed: Bed = { urls, now, git: new GitStore(root), state, app, apps, tokens, hooks, webFlow: new WebFlowKey(), treeLimits, emit: (e) => pending.push(e) };
  const webhooks: WebhookSender = new WebhookSender(bed, contract, violations, options.deliveries, hooks.deliveries);
  const flush = () => {
    for (const event of pending.splice(0)) webhooks.enqueue(event.event, event.payload, event.onlyApp);
  };

  const pipeline = {
    bed,
    router,
    faults: new Faults(),
    requests: new RequestLog(),
    rateLimits: new RateLimits(now),
    contract,
    violations,
    afterResponse: flush,
    web: { signedInAs: 'octocat' },
  };
  handler = (req, res) => {
    handleRequest(pipeline, req, res).catch((error: unknown) => {
      violations.push({ kind: 'response', subject: `${req.method} ${req.url}`, errors: [String(error)] });
      if (!res.headersSent) res.writeHead(500).end();
    });
  };

  const stop = async () => {
    await webhooks.settled();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    bed.git.close();
    await rm(root, { recursive: true, force: true });
    // Shape checks are always on: a test that let one through fails here, at the latest.
    const failure = options.contract?.allowViolations ? undefined : contractFailure(violations, webhooks.seed);
    if (failure) throw failure;
  };
  return createHandle({ bed, pipeline, webhooks, flush, stop });
}
