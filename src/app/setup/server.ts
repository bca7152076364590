import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { Probot, Server } from 'probot';
import { appNameProblem, buildManifest, loginProblem, readAppDefinition, type AppDefinition } from './manifest.js';
import { describeWebhook, importPage, savedPage, setupPage, type Owner, type SetupPageModel, type WebhookTarget } from './pages.js';
import { loadProbotSetup, type ProbotHandler } from './probot-setup.js';

export interface SetupServerConfig {
  host: string;
  port: number;
  webhookPath: string;
  /** LADDER_WEBHOOK_URL: register the App with this webhook URL. */
  webhookUrl?: string;
  /** GH_ORG: register the App on this organization. */
  organization?: string;
}

export interface RunningSetupServer {
  url: string;
  webhook: WebhookTarget;
  stop(): Promise<void>;
}

/**
 * What `ladder app` (`npm start`) serves before Ladder is registered: Ladder's
 * setup page, which says where webhooks will go and asks which organization
 * owns the App before it posts app.yml's manifest to GitHub, in front of
 * Probot's setup flow, which takes GitHub's answer and writes the App's
 * credentials to `.env`. Probot's flow reads and writes `process.env`
 * (GH_ORG, GHE_HOST, WEBHOOK_PROXY_URL, NO_SMEE_SETUP), so this runs in a
 * process of its own.
 */
export async function startSetupServer(config: SetupServerConfig, log: Logger): Promise<RunningSetupServer> {
  const env = process.env;
  const app = readAppDefinition();
  const probotSetup = await loadProbotSetup();
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `http://${host}:${config.port}`;
  const forwardTo = `${url}${config.webhookPath}`;

  log.info(`Ladder is not registered with GitHub yet: open ${url} to register it`);
  let webhook = await webhookTarget(config, env);
  const SmeeClient = webhook.kind === 'none' && webhook.reason === CHANNEL_PENDING ? (await import('smee-client')).SmeeClient : undefined;
  // Probot creates a smee.io channel unless told not to; only when there is no webhook URL and smee-client is here.
  if (!SmeeClient) env.NO_SMEE_SETUP = 'true';
  const server = new Server({
    host: config.host,
    port: config.port,
    webhookPath: config.webhookPath,
    log,
    // Probot's setup mode: its server needs an App to build, never used before the credentials exist.
    Probot: Probot.defaults({ appId: 1, privateKey: 'not used in setup mode', log }),
  });
  await server.loadHandlerFactory(() => ladderPages(app, () => webhook, forwardTo, config.organization));
  const probotHandler = await probotSetup({ host: config.host, port: config.port, log: withoutInfo(log.child({ name: 'setup' })), ...(SmeeClient ? { SmeeClient } : {}) })();
  if (SmeeClient) {
    webhook = env.WEBHOOK_PROXY_URL
      ? { kind: 'proxy', url: env.WEBHOOK_PROXY_URL, created: true }
      : { kind: 'none', reason: 'no smee.io channel could be created (smee.io did not answer)' };
  }
  await server.loadHandlerFactory(() => announceRegistration(probotHandler, log));
  log.info(`Webhooks: ${describeWebhook(webhook, forwardTo)}`);
  log.info(config.organization ? `Owner: the App will be registered on the organization ${config.organization} (GH_ORG).` : 'Owner: the setup page asks which organization to register the App on (or set GH_ORG and start again).');
  await server.start();
  return { url, webhook, stop: () => server.stop() };
}

const CHANNEL_PENDING = 'a smee.io channel is being created';

/** Where GitHub will send webhooks: LADDER_WEBHOOK_URL, else WEBHOOK_PROXY_URL, else a smee.io channel Probot creates. */
async function webhookTarget(config: SetupServerConfig, env: NodeJS.ProcessEnv): Promise<WebhookTarget> {
  if (config.webhookUrl) return { kind: 'public', url: config.webhookUrl };
  if (env.WEBHOOK_PROXY_URL) return { kind: 'proxy', url: env.WEBHOOK_PROXY_URL, created: false };
  if (env.NO_SMEE_SETUP === 'true') return { kind: 'none', reason: 'NO_SMEE_SETUP is true, so no smee.io channel is created' };
  try {
    await import('smee-client');
  } catch {
    return { kind: 'none', reason: 'smee-client, which a smee.io channel needs, is not installed (npm ci installs it; npm ci --omit=dev leaves it out)' };
  }
  return { kind: 'none', reason: CHANNEL_PENDING };
}

/** Ladder's pages: the setup page (/ and /probot), the import page and the page after it. */
function ladderPages(app: AppDefinition, webhook: () => WebhookTarget, forwardTo: string, organization: string | undefined): ProbotHandler {
  return (request, response) => {
    if (request.method !== 'GET') return false;
    const url = new URL(request.url ?? '/', 'http://setup');
    const send = (html: string) => {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(html);
      return true;
    };
    switch (url.pathname) {
      case '/':
        response.writeHead(302, { location: '/probot', 'content-type': 'text/plain' }).end('Found. Redirecting to /probot');
        return true;
      case '/probot':
        return send(setupPage(pageModel(app, url.searchParams, webhook(), forwardTo, organization, baseUrlOf(request))));
      case '/probot/import':
        return send(importPage(webhook(), forwardTo, `${githubWeb()}/settings/apps`));
      case '/probot/success':
        return send(savedPage());
      default:
        return false;
    }
  };
}

function pageModel(app: AppDefinition, query: URLSearchParams, webhook: WebhookTarget, forwardTo: string, organization: string | undefined, baseUrl: string): SetupPageModel {
  let owner: Owner = { kind: 'unchosen' };
  let problem: string | undefined;
  const org = query.get('org')?.trim();
  if (query.has('change')) owner = { kind: 'unchosen' };
  else if (query.get('personal') === '1') owner = { kind: 'personal' };
  else if (org) owner = (problem = loginProblem(org)) ? { kind: 'unchosen' } : { kind: 'organization', login: org, from: 'the form' };
  else if (query.has('org')) problem = 'Give the organization, or choose your personal account.';
  else if (organization) owner = { kind: 'organization', login: organization, from: 'GH_ORG' };
  const appName = query.get('name')?.trim() || (owner.kind === 'organization' ? `${app.name} (${owner.login})` : app.name);
  const nameProblem = owner.kind === 'unchosen' ? undefined : appNameProblem(appName);
  if (nameProblem) {
    problem = nameProblem;
    owner = { kind: 'unchosen' };
  }
  const model: SetupPageModel = { webhook, forwardTo, owner, appName, ...(problem ? { problem } : {}) };
  if (owner.kind === 'unchosen' || webhook.kind === 'none') return model;
  const action = `${githubWeb()}${owner.kind === 'organization' ? `/organizations/${encodeURIComponent(owner.login)}` : ''}/settings/apps/new`;
  return { ...model, register: { action, manifest: JSON.stringify(buildManifest(app, { name: appName, webhookUrl: webhook.url, baseUrl })) } };
}

/**
 * Probot's setup log without its `info` lines: its welcome ("Welcome to
 * Probot! … configure .env") and restart messages are Ladder's own lines here,
 * saying what Ladder needs. Warnings (smee.io unreachable) and errors pass.
 */
function withoutInfo(log: Logger): Logger {
  return new Proxy(log, { get: (target, key, receiver) => (key === 'info' ? () => undefined : Reflect.get(target, key, receiver)) });
}

/** Probot's handler, with Ladder's line once GitHub's answer or an imported App is saved: what to do next. */
function announceRegistration(probot: ProbotHandler, log: Logger): ProbotHandler {
  return async (request: IncomingMessage, response: ServerResponse) => {
    let location: string | undefined;
    const writeHead = response.writeHead.bind(response);
    response.writeHead = ((status: number, ...rest: unknown[]) => {
      const headers = rest.find((part) => typeof part === 'object' && part !== null) as Record<string, unknown> | undefined;
      if (typeof headers?.location === 'string') location = headers.location;
      return (writeHead as (...args: unknown[]) => ServerResponse)(status, ...rest);
    }) as typeof response.writeHead;
    const handled = await probot(request, response);
    const path = (request.url ?? '').split('?')[0];
    if (handled && request.method === 'GET' && path === '/probot/setup' && response.statusCode === 302) {
      log.info(`Ladder is registered on GitHub and its credentials are saved in .env. Install it: ${location ?? 'the App\'s page on GitHub'}. Then stop this server (Ctrl-C) and start it again to run the App.`);
    } else if (handled && request.method === 'POST' && path === '/probot/import' && response.statusCode === 200) {
      log.info('The App\'s credentials are saved in .env. Stop this server (Ctrl-C) and start it again to run the App.');
    }
    return handled;
  };
}

/** github.com, or the GitHub Enterprise Server that GHE_HOST names (as Probot's flow reads it). */
function githubWeb(): string {
  return process.env.GHE_HOST ? `${process.env.GHE_PROTOCOL || 'https'}://${process.env.GHE_HOST}` : 'https://github.com';
}

/** The address the browser used, where GitHub sends it back to (as Probot's flow computes it). */
function baseUrlOf(request: IncomingMessage): string {
  const forwardedProto = String(request.headers['x-forwarded-proto'] ?? '').split(',')[0]?.trim();
  const protocol = forwardedProto || ((request.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http');
  const host = String(request.headers['x-forwarded-host'] ?? request.headers.host ?? 'localhost').split(',')[0]!.trim();
  return `${protocol}://${host}`;
}
