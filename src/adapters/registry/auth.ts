import type { Challenge } from './challenge.js';
import type { RegistryCredential } from './credentials.js';
import { readLimited, discard, UnavailableError } from './http.js';

/** Which repository of which registry a request is for: what a token's scope names. */
export interface RegistryScope {
  registry: string;
  repository: string;
}

export interface RegistryAuthOptions {
  /** Registry host → credentials; hosts without an entry are asked anonymously. */
  credentials: ReadonlyMap<string, RegistryCredential>;
  /** Hosts spoken to over plain HTTP; a token realm elsewhere must be HTTPS. */
  plainHttp: ReadonlySet<string>;
  send: (url: string, init: RequestInit, deadline: AbortSignal) => Promise<Response>;
  now: () => number;
}

export interface RegistryAuth {
  /** The Authorization header to try first: a live token for the scope, or Basic for a host that asked for it. */
  cached(scope: RegistryScope): string | undefined;
  /** Answers a 401's challenge: a token from its realm (with the host's credentials, or none), or Basic. */
  authorize(scope: RegistryScope, challenge: Challenge | undefined, deadline: AbortSignal): Promise<{ header: string } | { refused: string }>;
  /** Drops the scope's token (the registry refused it). */
  forget(scope: RegistryScope): void;
}

/** A token answer is a small JSON document. */
const maxTokenBytes = 64 * 1024;
/** Registries may leave out expires_in; the token spec says to assume 60 seconds. */
const defaultTokenSeconds = 60;

/**
 * Registry authentication as registries ask for it, shared by the image gate
 * and the chart fetcher: a 401 with a Bearer challenge is answered with a
 * token from the challenge's realm, a Basic challenge with the host's
 * credentials. Credentials go only to the host they are keyed by (and its
 * token realm); tokens are kept per host and repository until they expire.
 */
export function createRegistryAuth(options: RegistryAuthOptions): RegistryAuth {
  const tokens = new Map<string, { header: string; expiresAt: number }>();
  /** Hosts that asked for Basic: sent at once next time, saving a round trip. */
  const basicHosts = new Set<string>();
  const keyOf = (scope: RegistryScope) => `${scope.registry} ${scope.repository}`;

  return {
    cached(scope) {
      const cached = tokens.get(keyOf(scope));
      if (cached && cached.expiresAt > options.now()) return cached.header;
      if (cached) tokens.delete(keyOf(scope));
      const credential = options.credentials.get(scope.registry);
      return basicHosts.has(scope.registry) && credential && 'username' in credential ? basicHeader(credential) : undefined;
    },
    forget(scope) {
      tokens.delete(keyOf(scope));
    },
    async authorize(scope, challenge, deadline) {
      const credential = options.credentials.get(scope.registry);
      if (challenge?.scheme === 'basic') {
        if (!credential || !('username' in credential)) return { refused: `${scope.registry} asks for a user name and password, and the App has none for it` };
        basicHosts.add(scope.registry);
        return { header: basicHeader(credential) };
      }
      if (challenge?.scheme !== 'bearer' || !challenge.params.realm) return { refused: `${scope.registry} answered 401 without a challenge Ladder can answer` };
      const realm = parseRealm(challenge.params.realm, options.plainHttp);
      if (typeof realm === 'string') return { refused: `${scope.registry}'s token realm ${realm}` };
      const tokenScope = challenge.params.scope ?? `repository:${scope.repository}:pull`;
      if (challenge.params.service) realm.searchParams.set('service', challenge.params.service);
      realm.searchParams.set('scope', tokenScope);
      let response: Response;
      if (credential && 'identityToken' in credential) {
        // An identity token is an OAuth2 refresh token (docker's "identitytoken"): exchanged by POST.
        const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: credential.identityToken, client_id: 'ladder', scope: tokenScope, service: challenge.params.service ?? '' });
        response = await options.send(realm.origin + realm.pathname, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form }, deadline);
      } else {
        response = await options.send(realm.href, { headers: credential ? { authorization: basicHeader(credential) } : {} }, deadline);
      }
      if (response.status === 401 || response.status === 403) {
        discard(response);
        return { refused: credential ? `${scope.registry}'s token service refused the App's credentials (HTTP ${response.status})` : `${scope.registry} needs credentials and the App has none for it` };
      }
      if (response.status !== 200) {
        discard(response);
        throw new UnavailableError(`token service answered HTTP ${response.status}`);
      }
      const body = JSON.parse((await readLimited(response, maxTokenBytes)).toString('utf8')) as { token?: unknown; access_token?: unknown; expires_in?: unknown };
      const token = typeof body.token === 'string' && body.token !== '' ? body.token : body.access_token;
      if (typeof token !== 'string' || token === '' || token.length > maxTokenBytes) throw new UnavailableError('token service answered without a token');
      const seconds = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : defaultTokenSeconds;
      const header = `Bearer ${token}`;
      // Renewed a little early, so a token does not run out between the check and the request.
      tokens.set(keyOf(scope), { header, expiresAt: options.now() + seconds * 900 });
      return { header };
    },
  };
}

export function basicHeader(credential: { username: string; password: string }): string {
  return `Basic ${Buffer.from(`${credential.username}:${credential.password}`).toString('base64')}`;
}

/** The realm as a URL, or why not: HTTPS only, unless the realm's host is one the App was told to reach over HTTP. */
function parseRealm(realm: string, plainHttp: ReadonlySet<string>): URL | string {
  let url: URL;
  try {
    url = new URL(realm);
  } catch {
    return 'is not a URL';
  }
  if (url.protocol === 'https:' || (url.protocol === 'http:' && plainHttp.has(url.host))) return url;
  return `${url.origin} is not HTTPS (credentials go over plain HTTP only to hosts listed as plain HTTP)`;
}
