import { createHash } from 'node:crypto';
import { manifestReference, type ImageReference } from '../../core/images/reference.js';
import type { ImageLookup } from '../../core/promotion/image-gate.js';
import { createRegistryAuth } from './auth.js';
import { parseChallenge } from './challenge.js';
import type { RegistryCredential } from './credentials.js';
import { BudgetError, describeFailure, discard, readLimited, UnavailableError } from './http.js';
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
/** A manifest is at most 4 MiB (distribution's own limit). */
const maxManifestBytes = 4 * 1024 * 1024;

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
  const send = (url: string, init: RequestInit, deadline: AbortSignal) =>
    fetch(url, { ...init, redirect: 'follow', signal: AbortSignal.any([deadline, AbortSignal.timeout(requestTimeoutMs)]) });
  const auth = createRegistryAuth({ credentials: options.credentials, plainHttp: options.plainHttp ?? new Set(), send, now });
  const scopeOf = (image: ImageReference) => ({ registry: image.registry, repository: image.repository });

  async function lookup(image: ImageReference): Promise<ImageLookup> {
    const deadline = AbortSignal.timeout(options.lookupTimeoutMs ?? 30_000);
    const scheme = options.plainHttp?.has(image.registry) ? 'http' : 'https';
    const url = `${scheme}://${image.registry}/v2/${image.repository}/manifests/${manifestReference(image)}`;
    try {
      const head = (authorization: string | undefined) => send(url, { method: 'HEAD', headers: { accept: ACCEPT, ...(authorization ? { authorization } : {}) } }, deadline);
      let authorization = auth.cached(scopeOf(image));
      let response = await head(authorization);
      if (response.status === 401) {
        discard(response);
        const answer = await auth.authorize(scopeOf(image), parseChallenge(response.headers.get('www-authenticate')), deadline);
        if ('refused' in answer) return { kind: 'refused', reason: answer.refused };
        authorization = answer.header;
        response = await head(authorization);
      }
      discard(response);
      if (response.status === 200) return { kind: 'present', digest: await digestOf(response, image, url, authorization, deadline) };
      if (response.status === 404) return { kind: 'absent' };
      if (response.status === 401 || response.status === 403) {
        auth.forget(scopeOf(image));
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
