import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { AgentTokenRejected, readUnverifiedClaims, type ServiceAccountTokenVerifier } from '../../adapters/oidc/service-account-token.js';
import type { GitHubAccess } from '../../adapters/github/port.js';
import { agentGrantFor, agentTokenPermissions } from '../../core/services/agent-grant.js';
import { servicesFilePath } from '../../core/services/schema.js';
import { readGrants } from '../promotion/grants.js';
import { identityTokenShapeProblem, type ClientRateLimit, type GrantsCache } from './budget.js';

/** Where agents ask for their token: beside the webhook endpoint, on the same server. */
export const agentTokenPath = '/api/ladder/agent-token';

/** A request is `{"repository":"owner/name"}`: a few dozen bytes. */
const maxRequestBytes = 4096;

export interface AgentTokenDeps {
  github: GitHubAccess;
  verifier: ServiceAccountTokenVerifier;
  log: Logger;
  /** Requests per client address (anyone on the internet can call this route). */
  rateLimit: ClientRateLimit;
  /** Each repository's installation and grants, read once for a while. */
  grants: GrantsCache;
}

class Refusal extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/**
 * The App hands each agent a token for its one manifest repository (issue
 * #11, docs/agent.md): the agent proves who it is with its projected
 * service-account token (audience `ladder`); the App finds the repository's
 * installation, reads `.ladder/services.yml` from its default branch, takes
 * the `agents` entry naming that issuer and service account, checks the
 * token's signature against that issuer's keys, and mints an installation
 * token for that repository alone with `agentTokenPermissions`. The agent
 * pod then holds nothing that can mint a wider token. Answers true when the
 * request was this route's.
 */
export function agentTokenHandler(deps: AgentTokenDeps) {
  return async (request: IncomingMessage, response: ServerResponse): Promise<boolean> => {
    if ((request.url ?? '').split('?')[0] !== agentTokenPath) return false;
    const answer = (status: number, body: object, headers: Record<string, string> = {}) =>
      response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers }).end(`${JSON.stringify(body)}\n`);
    let repository = '';
    try {
      // Before anything else: each request costs its client, whatever it holds.
      const client = request.socket.remoteAddress ?? 'unknown';
      const allowance = deps.rateLimit.take(client);
      if (!allowance.allowed) {
        throw new Refusal(429, `too many token requests from ${client}; an agent asks about once an hour`, { 'retry-after': String(allowance.retryAfterSeconds) });
      }
      if (request.method !== 'POST') throw new Refusal(405, `POST ${agentTokenPath} with {"repository":"owner/name"}`);
      const credential = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
      if (!credential) throw new Refusal(401, 'send the service-account token as Authorization: Bearer <token>');
      // Its shape alone, before any GitHub read: a stranger's junk costs the App nothing but this.
      const malformed = identityTokenShapeProblem(credential);
      if (malformed) throw new Refusal(401, malformed);
      repository = await readRepository(request);
      const [owner, repo] = repository.split('/') as [string, string];
      const claims = (() => {
        try {
          return readUnverifiedClaims(credential);
        } catch (error) {
          throw new Refusal(401, (error as Error).message);
        }
      })();
      const { installation, grants } = await deps.grants.get(repository, async () => {
        const installation = await deps.github.installationOf({ owner, repo });
        if (installation === undefined) return { installation, grants: undefined };
        return { installation, grants: await readGrants(await deps.github.forInstallation(installation), { owner, repo }) };
      });
      if (installation === undefined || grants === undefined) throw new Refusal(403, `the Ladder App is not installed on ${repository}`);
      if (grants.kind === 'missing') throw new Refusal(403, `${repository} has no ${servicesFilePath} on its default branch: no agent is granted a token to it`);
      if (grants.kind === 'invalid') throw new Refusal(403, `${repository}'s ${servicesFilePath} has problems (see its ladder/config check): ${grants.problems.map((p) => `${p.line}:${p.column} ${p.message}`).join('; ')}`);
      const match = agentGrantFor(grants.services, claims, repository);
      if (!match.ok) throw new Refusal(403, match.message);
      try {
        await deps.verifier.verify(credential, match.grant, match.grant.subject);
      } catch (error) {
        if (error instanceof AgentTokenRejected) throw new Refusal(401, error.message);
        throw new Refusal(502, `the keys of issuer ${match.grant.issuer} could not be read: ${(error as Error).message}`);
      }
      const minted = await deps.github.repositoryToken(installation, { owner, repo }, agentTokenPermissions);
      // What the agent writes with it is the App's bot's: the agent trusts those deployments as its own.
      const { botLogin } = await deps.github.appIdentity();
      deps.log.info({ repository, agent: match.name, subject: claims.sub, expiresAt: minted.expiresAt }, 'agent token handed out');
      answer(201, { token: minted.token, expires_at: minted.expiresAt, permissions: minted.permissions, repository, agent: match.name, environments: match.grant.environments, login: botLogin });
    } catch (error) {
      const refusal = error instanceof Refusal ? error : new Refusal(500, `the token could not be made: ${(error as Error).message}`);
      deps.log.warn({ repository, status: refusal.status, reason: refusal.message }, 'agent token refused');
      answer(refusal.status, { message: refusal.message }, refusal.headers);
    }
    return true;
  };
}

/** The JSON body, at most `maxRequestBytes` (the webhook budget already required a Content-Length). */
async function readRepository(request: IncomingMessage): Promise<string> {
  const declared = Number(request.headers['content-length']);
  if (!(declared <= maxRequestBytes)) throw new Refusal(413, `a token request is at most ${maxRequestBytes} bytes`);
  const chunks: Buffer[] = [];
  for await (const chunk of request as AsyncIterable<Buffer>) chunks.push(chunk);
  let body: unknown;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new Refusal(400, 'the body must be JSON: {"repository":"owner/name"}');
  }
  const repository = (body as { repository?: unknown })?.repository;
  if (typeof repository !== 'string' || !/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repository)) throw new Refusal(400, 'repository must be owner/name, the manifest repository');
  return repository;
}
