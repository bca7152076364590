import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ErrorObject } from 'ajv/dist/2019.js';
import type { Actor } from './auth/tokens.js';
import { authorizeOrg, authorizeRepo } from './auth/tokens.js';
import type { Bed, Reply, RequestContext, RouteSpec } from './bed.js';
import { roleOf } from './roles.js';
import { allRoutes } from './routes/index.js';
import { recordRoute } from './usage.js';
import { handleWeb } from './web.js';
import type { ContractChecker, ContractViolation } from './contract/checker.js';
import type { FaultSpec, Faults } from './faults.js';
import { ApiError, forbidden, notFound, unauthorized } from './http.js';
import { etagMatches, etagOf, type RateLimits } from './ratelimit.js';
import type { RequestLog } from './requests.js';
import type { Router } from './router.js';

export interface Pipeline {
  bed: Bed;
  router: Router<RouteSpec>;
  faults: Faults;
  requests: RequestLog;
  rateLimits: RateLimits;
  contract: ContractChecker;
  violations: ContractViolation[];
  /** Called once a response is on the wire, so webhooks follow the call that caused them. */
  afterResponse(): void;
  /** The user a browser on github.com pages is signed in as (App-manifest flow, installation page). */
  web: { signedInAs: string };
}

const bedRoutes = new Set<RouteSpec>(allRoutes);

/** GitHub Enterprise Server serves the REST API under this prefix (where Probot's GHE_HOST points). */
const GHES_PREFIX = '/api/v3';

/** One request through: route, authenticate, faults, authorise, validate input, handle, check the contract, log. */
export async function handleRequest(p: Pipeline, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const started = performance.now();
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const method = (req.method ?? 'GET').toUpperCase();
  const rawBody = await readBody(req);
  const underPrefix = url.pathname === GHES_PREFIX || url.pathname.startsWith(`${GHES_PREFIX}/`);
  const apiPath = underPrefix ? url.pathname.slice(GHES_PREFIX.length) || '/' : url.pathname;
  const match = p.router.match(method, apiPath);
  if (!match && !underPrefix) {
    const page = handleWeb(p.bed, method, url, rawBody, p.web.signedInAs);
    if (page) {
      res.writeHead(page.status, page.headers).end(page.body);
      p.afterResponse();
      return;
    }
  }
  let actor: Actor = { kind: 'anonymous' };
  let fault: FaultSpec | undefined;
  let reply: Reply;
  try {
    if (!match) throw notFound();
    actor = p.bed.tokens.authenticate(req.headers.authorization);
    fault = p.faults.take({ method, route: match.route, params: match.params });
    if (fault?.delayMs) await sleep(fault.delayMs);
    if (fault && isFailure(fault) && !fault.afterHandler) {
      reply = faultReply(fault, actor);
    } else {
      reply = await runRoute(p, match.value, match.params, { method, url, rawBody, req, actor });
      if (fault && isFailure(fault)) reply = faultReply(fault, actor);
      else fault = undefined;
    }
  } catch (error) {
    reply = errorReply(p, error, `${method} ${match?.route ?? url.pathname}`);
  }

  const actorKey = describeActor(actor);
  const json = reply.raw ?? (reply.body === undefined ? undefined : Buffer.from(JSON.stringify(reply.body)));
  const headers: Record<string, string> = {
    // The server's clock, so @octokit/auth-app can correct a skewed JWT from it as it does with GitHub.
    date: p.bed.now().toUTCString(),
    'x-github-request-id': randomUUID().toUpperCase(),
    'x-github-media-type': 'github.v3; format=json',
    ...reply.headers,
  };
  let status = reply.status;
  if (method === 'GET' && status === 200 && json) {
    // GitHub's ETags vary with the credential (`Vary: Authorization`): after a token rotation the
    // first conditional request is a charged 200, never a free 304.
    const etag = etagOf(json, header(req, 'authorization'));
    headers.etag = etag;
    headers['cache-control'] = 'private, max-age=60, s-maxage=60';
    headers.vary = 'Accept, Authorization, Cookie, X-GitHub-OTP';
    if (etagMatches(header(req, 'if-none-match'), etag)) status = 304;
  }
  if (actor.kind !== 'anonymous') Object.assign(headers, p.rateLimits.headers(actorKey, status !== 304), reply.headers);
  const body = status === 304 ? undefined : json;
  if (body && !reply.raw) headers['content-type'] = 'application/json; charset=utf-8';
  if (!fault && match && !reply.raw) {
    const errors = p.contract.checkResponse(method, match.route, status, status === 304 ? undefined : reply.body);
    if (errors.length) p.violations.push({ kind: 'response', subject: `${method} ${match.route}`, status, errors });
  }
  res.writeHead(status, headers);
  res.end(body);
  // GitHub's routes as the bed serves them; a test's extra routes (e.g. one that answers out of contract) are not.
  if (match && bedRoutes.has(match.value)) recordRoute(method, match.route, header(req, 'user-agent'));
  p.requests.add({
    method,
    path: apiPath,
    route: match?.route ?? null,
    status,
    actor: actorKey,
    fault: Boolean(fault),
    durationMs: Math.round(performance.now() - started),
  });
  p.afterResponse();
}

interface Incoming {
  method: string;
  url: URL;
  rawBody: Buffer;
  req: IncomingMessage;
  actor: Actor;
}

async function runRoute(p: Pipeline, spec: RouteSpec, params: Record<string, string>, incoming: Incoming): Promise<Reply> {
  const { actor } = incoming;
  const { bed } = p;
  let repo: RequestContext['repo'] | undefined;
  if ('anonymous' in spec.access) {
    // Anyone: the request itself carries what proves the caller.
  } else if ('app' in spec.access) {
    if (actor.kind === 'anonymous') throw unauthorized('A JSON web token could not be decoded');
    if (actor.kind !== 'app') throw unauthorized('A JSON web token could not be decoded');
  } else if ('token' in spec.access) {
    if (actor.kind === 'anonymous') throw new ApiError(401, 'Requires authentication');
    if (actor.kind === 'app') throw forbidden('A JSON web token cannot be used to access this resource');
  } else if ('org' in spec.access) {
    authorizeOrg(actor, params.org ?? '', spec.access);
  } else {
    if (actor.kind === 'anonymous') throw new ApiError(401, 'Requires authentication');
    repo = bed.state.repo(`${params.owner}/${params.repo}`);
    if (!repo) throw notFound();
    const found = repo;
    const installation = actor.kind === 'installation' ? bed.tokens.installationFor(repo, actor.token.installation.appId) : undefined;
    authorizeRepo(actor, repo, installation, spec.access, (user) => roleOf(bed.state, found, user));
  }
  const body = parseBody(incoming.rawBody);
  const problems = p.contract.checkRequest(spec.method, spec.route, body ?? {});
  if (problems.length) throw new ApiError(422, `Invalid request.\n\n${problems.map(describeInputError).join('\n')}`);
  const ctx: RequestContext = {
    bed,
    method: incoming.method,
    route: spec.route,
    params,
    query: incoming.url.searchParams,
    body: body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {},
    headers: incoming.req.headers,
    actor,
    get repo() {
      if (!repo) throw new Error(`${spec.route} is not a repository route`);
      return repo;
    },
    sender: actor.kind === 'user' ? actor.user : (actor.kind === 'installation' ? bed.apps.get(actor.token.installation.appId) : undefined)?.bot ?? bed.app.bot,
  };
  return spec.handle(ctx);
}

function parseBody(raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new ApiError(400, 'Problems parsing JSON');
  }
}

/** GitHub's wording for schema failures: `"x" wasn't supplied.` / `For 'properties/x', 1 is not a string.` */
function describeInputError(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'required') return `"${String(params.missingProperty)}" wasn't supplied.`;
  const where = error.instancePath
    .split('/')
    .filter(Boolean)
    .map((part) => (/^\d+$/.test(part) ? 'items' : `properties/${part}`))
    .join('/');
  return `For '${where || 'body'}', ${error.message ?? 'is invalid'}.`;
}

function isFailure(fault: FaultSpec): boolean {
  return fault.status !== undefined || Boolean(fault.secondaryRateLimit) || Boolean(fault.primaryRateLimit);
}

function faultReply(fault: FaultSpec, actor: Actor): Reply {
  if (fault.secondaryRateLimit) {
    const error = new ApiError(
      403,
      `You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID ${randomUUID().toUpperCase()}.`,
      { documentationUrl: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits' },
    );
    const retryAfter = String(fault.secondaryRateLimit.retryAfterSeconds ?? 60);
    return { status: 403, body: error.body(), headers: { 'retry-after': retryAfter, ...fault.headers } };
  }
  if (fault.primaryRateLimit) {
    const who = actor.kind === 'installation' ? `installation ID ${actor.token.installation.id}` : 'this caller';
    const error = new ApiError(403, `API rate limit exceeded for ${who}.`, {
      documentationUrl: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api',
    });
    const reset = String(Math.floor(Date.now() / 1000) + 60);
    return {
      status: 403,
      body: error.body(),
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset, ...fault.headers },
    };
  }
  const status = fault.status ?? 500;
  const message = fault.message ?? (status >= 500 ? 'Server Error' : 'Injected fault');
  const body = status === 502 || status === 503 || status === 504 ? { message } : new ApiError(status, message).body();
  return { status, body, headers: { ...fault.headers } };
}

function errorReply(p: Pipeline, error: unknown, subject: string): Reply {
  if (error instanceof ApiError) return { status: error.status, body: error.body(), headers: error.extra.headers };
  // A throw that is not an ApiError is a bug in the test bed: answer like
  // GitHub's 500 but record it so the suite's zero-violation check fails.
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  p.violations.push({ kind: 'response', subject, status: 500, errors: [`handler threw: ${message}`] });
  return { status: 500, body: { message: 'Server Error' } };
}

function describeActor(actor: Actor): string {
  if (actor.kind === 'installation') return `installation:${actor.token.installation.id}`;
  if (actor.kind === 'user') return `user:${actor.user.login}`;
  return actor.kind;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
