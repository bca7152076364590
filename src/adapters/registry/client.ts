import { createHash } from 'node:crypto';
import { manifestReference, type ImageReference } from '../../core/images/reference.js';
import type { ImageLookup } from '../../core/promotion/image-gate.js';
import { parseChallenge, type Challenge } from './challenge.js';
import type { RegistryCredential } from './credentials.js';
import { BudgetError, describeFailure, discard, readLimited } from './http.js';
import type { ImageRegistry } from './port.js';

export interface RegistryClientOptions {
  /** Registry host → credentials (a docker config's `auths`); hosts without an entry are asked anonymously. */
  credentials: ReadonlyMap<string, RegistryCredential>;
  /** Hosts spoken to over plain HTTP (an in-cluster registry, the test bed's); every other host is HTTPS. */
  plainHttp?: ReadonlySet<string>;
  /** One request, token requests included (default 10 s). */
  requestTimeoutMs?: number;
  /** One whole lookup, challenge and token included (default 30 s). */
  lookupTimeoutMs?: number;
  now?: () => number;
}

/** Every manifest kind an image can have: a multi-arch index or one image, OCI or Docker's. */
const ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');
const digestPattern = /^sha256:[0-9a-f]{64}$/;
/** A token answer is a small JSON document; a manifest, at most 4 MiB (distribution's own limit). */
const maxTokenBytes = 64 * 1024;
const maxManifestBytes = 4 * 1024 * 1024;
/** Registries may leave out expires_in; the token spec says to assume 60 seconds. */
const defaultTokenSeconds = 60;

/**
 * Asks registries whether an image exists, through the OCI distribution API:
 * `HEAD /v2/<name>/manifests/<tag or digest>`. Authentication as registries
 * ask for it: a 401 with a Bearer challenge is answered with a token from the
 * challenge's realm (fetched with the host's Basic credentials, or none for a
 * public image), a Basic challenge with the host's credentials. Tokens are
 * kept per host and scope until they expire.
 */
export function createRegistryClient(options: RegistryClientOptions): ImageRegistry {
  const now = options.now ?? Date.now;
  const requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
  const tokens = new Map<string, { header: string; expiresAt: number }>();
  /** Hosts that asked for Basic: sent at once next time, saving a round trip. */
  const basicHosts = new Set<string>();

  const send = (url: string, init: RequestInit, deadline: AbortSignal) =>
    fetch(url, { ...init, redirect: 'follow', signal: AbortSignal.any([deadline, AbortSignal.timeout(requestTimeoutMs)]) });

  async function authorize(image: ImageReference, challenge: Challenge | undefined, deadline: AbortSignal): Promise<{ header: string } | { refused: string }> {
    const credential = options.credentials.get(image.registry);
    if (challenge?.scheme === 'basic') {
      if (!credential || !('username' in credential)) return { refused: `${image.registry} asks for a user name and password, and the App has none for it` };
      basicHosts.add(image.registry);
      return { header: basicHeader(credential) };
    }
    if (challenge?.scheme !== 'bearer' || !challenge.params.realm) return { refused: `${image.registry} answered 401 without a challenge Ladder can answer` };
    const realm = parseRealm(challenge.params.realm, options.plainHttp ?? new Set());
    if (typeof realm === 'string') return { refused: `${image.registry}'s token realm ${realm}` };
    const scope = challenge.params.scope ?? `repository:${image.repository}:pull`;
    if (challenge.params.service) realm.searchParams.set('service', challenge.params.service);
    realm.searchParams.set('scope', scope);
    let response: Response;
    if (credential && 'identityToken' in credential) {
      // An identity token is an OAuth2 refresh token (docker's "identitytoken"): exchanged by POST.
      const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: credential.identityToken, client_id: 'ladder', scope, service: challenge.params.service ?? '' });
      response = await send(realm.origin + realm.pathname, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form }, deadline);
    } else {
      response = await send(realm.href, { headers: credential ? { authorization: basicHeader(credential) } : {} }, deadline);
    }
    if (response.status === 401 || response.status === 403) {
      discard(response);
      return { refused: credential ? `${image.registry}'s token service refused the App's credentials (HTTP ${response.status})` : `${image.registry} needs credentials and the App has none for it` };
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
    tokens.set(tokenKey(image), { header, expiresAt: now() + seconds * 900 });
    return { header };
  }

  function cachedAuthorization(image: ImageReference): string | undefined {
    const cached = tokens.get(tokenKey(image));
    if (cached && cached.expiresAt > now()) return cached.header;
    if (cached) tokens.delete(tokenKey(image));
    const credential = options.credentials.get(image.registry);
    return basicHosts.has(image.registry) && credential && 'username' in credential ? basicHeader(credential) : undefined;
  }

  async function lookup(image: ImageReference): Promise<ImageLookup> {
    const deadline = AbortSignal.timeout(options.lookupTimeoutMs ?? 30_000);
    const scheme = options.plainHttp?.has(image.registry) ? 'http' : 'https';
    const url = `${scheme}://${image.registry}/v2/${image.repository}/manifests/${manifestReference(image)}`;
    try {
      const head = (authorization: string | undefined) => send(url, { method: 'HEAD', headers: { accept: ACCEPT, ...(authorization ? { authorization } : {}) } }, deadline);
      let authorization = cachedAuthorization(image);
      let response = await head(authorization);
      if (response.status === 401) {
        discard(response);
        const answer = await authorize(image, parseChallenge(response.headers.get('www-authenticate')), deadline);
        if ('refused' in answer) return { kind: 'refused', reason: answer.refused };
        authorization = answer.header;
        response = await head(authorization);
      }
      discard(response);
      if (response.status === 200) return { kind: 'present', digest: await digestOf(response, image, url, authorization, deadline) };
      if (response.status === 404) return { kind: 'absent' };
      if (response.status === 401 || response.status === 403) {
        tokens.delete(tokenKey(image));
        return { kind: 'refused', reason: `${image.registry} refused the App's credentials for ${image.repository} (HTTP ${response.status})` };
      }
      return { kind: 'unavailable', reason: `${image.registry} answered HTTP ${response.status}` };
    } catch (error) {
      const reason = error instanceof UnavailableError || error instanceof BudgetError ? error.message : describeFailure(error);
      return { kind: 'unavailable', reason: `${image.registry}: ${reason}` };
    }
  }

  /** The digest the registry names; when a HEAD does not say, the sha256 of the manifest itself. */
  async function digestOf(head: Response, image: ImageReference, url: string, authorization: string | undefined, deadline: AbortSignal): Promise<string> {
    const named = head.headers.get('docker-content-digest');
    if (named && digestPattern.test(named)) return named;
    if (image.digest) return image.digest;
    const response = await send(url, { headers: { accept: ACCEPT, ...(authorization ? { authorization } : {}) } }, deadline);
    if (response.status !== 200) {
      discard(response);
      throw new UnavailableError(`manifest GET answered HTTP ${response.status}`);
    }
    return `sha256:${createHash('sha256').update(await readLimited(response, maxManifestBytes)).digest('hex')}`;
  }

  return { lookup };
}

class UnavailableError extends Error {}

function tokenKey(image: ImageReference): string {
  return `${image.registry} ${image.repository}`;
}

function basicHeader(credential: { username: string; password: string }): string {
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
