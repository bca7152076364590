// Authentication as registries do it (the distribution "token" spec and plain Basic):
// - bearer: /v2/ answers 401 with `WWW-Authenticate: Bearer realm=…,service=…,scope=…`; the
//   client asks the realm (GET with Basic credentials, or none for anonymous pulls) for a token
//   good for that scope, and sends it back as `Authorization: Bearer …`. Tokens expire.
// - basic: /v2/ answers 401 with `WWW-Authenticate: Basic realm=…`; every request carries
//   `Authorization: Basic …`.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface RegistryAuthOptions {
  scheme: 'bearer' | 'basic';
  /** user → password */
  users: Record<string, string>;
  /** Repositories anyone may pull without credentials (bearer: an anonymous token for them). */
  publicRepositories?: readonly string[];
  /** Lifetime of a bearer token (default 300 s). */
  tokenSeconds?: number;
}

export const TOKEN_PATH = '/token';
export const SERVICE = 'ladder-bed-registry';

interface IssuedToken {
  /** Repositories the token may pull. */
  pull: Set<string>;
  expiresAt: number;
}

/** What the request may do: pull `name` (undefined for the /v2/ base check). */
export type AuthDecision = { ok: true } | { ok: false; status: 401 | 403; challenge?: string; code: 'UNAUTHORIZED' | 'DENIED'; message: string };

export class RegistryAuth {
  private readonly tokens = new Map<string, IssuedToken>();
  /** Every token request: who asked (user or anonymous) and for which scope. */
  readonly tokenRequests: Array<{ user: string | undefined; scope: string | undefined; status: number }> = [];

  constructor(
    private readonly options: RegistryAuthOptions,
    private readonly baseUrl: () => string,
  ) {}

  /** Forgets every issued token, as a registry's expiry would: the next request needs a new one. */
  expireTokens(): void {
    this.tokens.clear();
  }

  /** Whether the request may read `name` (undefined: the `/v2/` version check, which any valid credential passes). */
  authorize(request: IncomingMessage, name: string | undefined): AuthDecision {
    const header = request.headers.authorization ?? '';
    if (this.options.scheme === 'basic') {
      const user = this.basicUser(header);
      if (user || (name !== undefined && this.isPublic(name))) return { ok: true };
      return { ok: false, status: 401, challenge: `Basic realm="${SERVICE}"`, code: 'UNAUTHORIZED', message: 'authentication required' };
    }
    const scope = name === undefined ? undefined : `repository:${name}:pull`;
    const challenge = `Bearer realm="${this.baseUrl()}${TOKEN_PATH}",service="${SERVICE}"${scope ? `,scope="${scope}"` : ''}`;
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const token = match ? this.tokens.get(match[1]!) : undefined;
    if (!token || token.expiresAt <= Date.now()) return { ok: false, status: 401, challenge, code: 'UNAUTHORIZED', message: 'authentication required' };
    if (name !== undefined && !token.pull.has(name)) {
      // As distribution does: a valid token without the scope asked for is a 401 with the scope in the challenge.
      return { ok: false, status: 401, challenge: `${challenge},error="insufficient_scope"`, code: 'DENIED', message: 'requested access to the resource is denied' };
    }
    return { ok: true };
  }

  /** GET /token?service=…&scope=repository:<name>:pull, with Basic credentials or none. */
  issueToken(request: IncomingMessage, response: ServerResponse): number {
    const url = new URL(request.url ?? '/', 'http://registry');
    const scopes = url.searchParams.getAll('scope');
    const header = request.headers.authorization;
    const user = header ? this.basicUser(header) : undefined;
    const record = (status: number) => {
      this.tokenRequests.push({ user, scope: scopes[0], status });
      return status;
    };
    if (this.options.scheme !== 'bearer') return record(json(response, 404, { errors: [{ code: 'UNSUPPORTED', message: 'no token service' }] }));
    if (url.searchParams.get('service') !== SERVICE) return record(json(response, 400, { errors: [{ code: 'UNSUPPORTED', message: `unknown service ${url.searchParams.get('service')}` }] }));
    // Credentials that are sent must be right; none at all is an anonymous pull.
    if (header && !user) return record(json(response, 401, { errors: [{ code: 'UNAUTHORIZED', message: 'incorrect username or password' }] }, { 'www-authenticate': `Basic realm="${SERVICE}"` }));
    const pull = new Set<string>();
    for (const scope of scopes) {
      const parsed = /^repository:([^:]+):([a-z,*]+)$/.exec(scope);
      // Like distribution's token servers: a scope the caller may not have is left out of the token, not refused.
      if (parsed && parsed[2]!.split(',').includes('pull') && (user || this.isPublic(parsed[1]!))) pull.add(parsed[1]!);
    }
    const seconds = this.options.tokenSeconds ?? 300;
    const token = randomBytes(24).toString('base64url');
    this.tokens.set(token, { pull, expiresAt: Date.now() + seconds * 1000 });
    return record(json(response, 200, { token, access_token: token, expires_in: seconds, issued_at: new Date().toISOString() }));
  }

  private basicUser(header: string): string | undefined {
    const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header);
    if (!match) return undefined;
    const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return undefined;
    const user = decoded.slice(0, colon);
    return Object.hasOwn(this.options.users, user) && this.options.users[user] === decoded.slice(colon + 1) ? user : undefined;
  }

  private isPublic(name: string): boolean {
    return this.options.publicRepositories?.includes(name) ?? false;
  }
}

function json(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): number {
  const bytes = Buffer.from(JSON.stringify(body));
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': bytes.length, ...headers });
  response.end(bytes);
  return status;
}
