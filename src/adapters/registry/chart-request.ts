import { LadderInputError, type InputLocation } from '../../core/errors.js';
import type { RegistryAuth, RegistryScope } from './auth.js';
import { parseChallenge } from './challenge.js';
import { BudgetError, discard, readLimited } from './http.js';

/** How a chart fetch talks to its one source. */
export interface SourceClient {
  /** `https://host[:port]` (or `http://` for a host listed as plain HTTP): every request goes here, and only here. */
  origin: string;
  /** Registry token flow (OCI), or a fixed header (a chart repository's Basic credentials), or nothing. */
  auth: { kind: 'registry'; registry: RegistryAuth; scope: RegistryScope } | { kind: 'header'; header?: string };
  deadline: AbortSignal;
  requestTimeoutMs: number;
  /** The pin's `file` and `key`: where a refusal points. */
  where: InputLocation;
}

/** The registry or repository answered unusefully (5xx, no answer): the promotion is retried, not refused. */
export class SourceUnavailableError extends Error {
  override readonly name = 'SourceUnavailableError';
}

const maxRedirects = 3;

/**
 * GETs `path` from the client's origin with its credentials, at most
 * `maxBytes`. Redirects are followed on the same origin only: a source that
 * sends Ladder elsewhere (another host, a CDN) is refused, so neither the
 * request nor the credentials leave the pinned source.
 */
export async function getFromSource(client: SourceClient, path: string, options: { accept?: string; maxBytes: number; what: string }): Promise<Buffer> {
  let url = new URL(path, `${client.origin}/`);
  for (let hop = 0; hop <= maxRedirects; hop++) {
    if (url.origin !== client.origin) {
      throw new LadderInputError(`${options.what} is at ${url.origin}, not at the pinned source ${client.origin}; Ladder fetches a pinned chart from its source only`, client.where);
    }
    let response = await send(client, url, options.accept, initialAuthorization(client));
    if (response.status === 401 && client.auth.kind === 'registry') {
      discard(response);
      const answer = await client.auth.registry.authorize(client.auth.scope, parseChallenge(response.headers.get('www-authenticate')), client.deadline);
      if ('refused' in answer) throw new LadderInputError(`fetching ${options.what} was refused: ${answer.refused}`, client.where);
      response = await send(client, url, options.accept, answer.header);
    }
    if (response.status >= 300 && response.status < 400 && response.headers.get('location')) {
      discard(response);
      url = new URL(response.headers.get('location')!, url);
      continue;
    }
    if (response.status === 200) {
      try {
        return await readLimited(response, options.maxBytes);
      } catch (error) {
        if (error instanceof BudgetError) throw new LadderInputError(`${options.what}: ${error.message}`, client.where);
        throw error;
      }
    }
    discard(response);
    if (response.status === 401 || response.status === 403) {
      if (client.auth.kind === 'registry') client.auth.registry.forget(client.auth.scope);
      throw new LadderInputError(`fetching ${options.what} was refused (HTTP ${response.status}); the App's registry credentials for ${url.host} do not allow it`, client.where);
    }
    if (response.status === 404) throw new LadderInputError(`${options.what} is not there (HTTP 404 from ${url.host})`, client.where);
    throw new SourceUnavailableError(`${options.what}: ${url.host} answered HTTP ${response.status}`);
  }
  throw new LadderInputError(`${options.what}: more than ${maxRedirects} redirects`, client.where);
}

function initialAuthorization(client: SourceClient): string | undefined {
  return client.auth.kind === 'registry' ? client.auth.registry.cached(client.auth.scope) : client.auth.header;
}

function send(client: SourceClient, url: URL, accept: string | undefined, authorization: string | undefined): Promise<Response> {
  return fetch(url, {
    redirect: 'manual',
    headers: { ...(accept ? { accept } : {}), ...(authorization ? { authorization } : {}) },
    signal: AbortSignal.any([client.deadline, AbortSignal.timeout(client.requestTimeoutMs)]),
  });
}
