// A read-only OCI distribution endpoint for tests that resolve image tags to
// digests. Images are seeded with pushImage(); the HTTP side serves the pull
// half of the spec: /v2/, manifests, blobs and tag lists, with the spec's
// status codes and error bodies. With `auth` it asks for credentials as real
// registries do (auth.ts): a Bearer token from its token endpoint, or Basic.
// See docs/testing-slack.md.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RegistryAuth, TOKEN_PATH, type RegistryAuthOptions } from './auth.js';
import { buildChart, buildImage, DIGEST_PATTERN, MEDIA_TYPE, NAME_PATTERN, TAG_PATTERN, type Blob, type BuiltImage } from './oci.js';

export interface PushedImage {
  name: string;
  tag: string;
  digest: string;
  /** `host:port/name@sha256:…`, ready for a manifest's image field. */
  reference: string;
  manifest: unknown;
}

export interface RegistryRequest {
  method: string;
  path: string;
  status: number;
  /** The scheme of the request's Authorization header, `none` without one. */
  authorization: 'bearer' | 'basic' | 'none' | 'other';
}

export interface RegistryOptions {
  /** Ask for credentials (Bearer token flow or Basic); without it anyone may pull. */
  auth?: RegistryAuthOptions;
}

export interface Registry {
  /** `http://127.0.0.1:port` */
  url: string;
  /** `127.0.0.1:port`, the registry part of an image reference. */
  host: string;
  /** Seeds an image; pushing an existing tag again moves it to a new digest when `revision` differs. */
  pushImage(name: string, tag: string, options?: { revision?: string }): PushedImage;
  /** Stores a packaged chart (`helm package`'s .tgz) as `helm push` does, tagged with its version; `digest` is the manifest's. */
  pushChart(name: string, version: string, archive: Buffer): PushedImage;
  readonly requests: readonly RegistryRequest[];
  /** The authentication side, when started with `auth`: issued tokens and their requests. */
  readonly auth: RegistryAuth | undefined;
  stop(): Promise<void>;
}

interface Repository {
  tags: Map<string, string>;
  manifests: Map<string, Buffer>;
  blobs: Map<string, Blob>;
}

type ErrorCode = 'UNAUTHORIZED' | 'DENIED' | 'NAME_INVALID' | 'NAME_UNKNOWN' | 'MANIFEST_UNKNOWN' | 'BLOB_UNKNOWN' | 'DIGEST_INVALID' | 'UNSUPPORTED';

const ERROR_MESSAGES: Record<ErrorCode, string> = {
  UNAUTHORIZED: 'authentication required',
  DENIED: 'requested access to the resource is denied',
  NAME_INVALID: 'invalid repository name',
  NAME_UNKNOWN: 'repository name not known to registry',
  MANIFEST_UNKNOWN: 'manifest unknown',
  BLOB_UNKNOWN: 'blob unknown to registry',
  DIGEST_INVALID: 'provided digest did not match uploaded content',
  UNSUPPORTED: 'The operation is unsupported.',
};

export async function startRegistry(options: RegistryOptions = {}): Promise<Registry> {
  const repositories = new Map<string, Repository>();
  const requests: RegistryRequest[] = [];
  let host = '';
  const auth = options.auth ? new RegistryAuth(options.auth, () => `http://${host}`) : undefined;

  const server = createServer((request, response) => {
    const status = route(repositories, auth, request, response);
    requests.push({ method: request.method ?? 'GET', path: request.url ?? '/', status, authorization: schemeOf(request.headers.authorization) });
  });
  host = await listen(server);
  const store = (name: string, tag: string, built: BuiltImage): PushedImage => {
    const repository = repositories.get(name) ?? { tags: new Map(), manifests: new Map(), blobs: new Map() };
    repositories.set(name, repository);
    repository.manifests.set(built.digest, built.manifest);
    for (const blob of built.blobs) repository.blobs.set(blob.digest, blob);
    repository.tags.set(tag, built.digest);
    return { name, tag, digest: built.digest, reference: `${host}/${name}@${built.digest}`, manifest: JSON.parse(built.manifest.toString('utf8')) };
  };

  return {
    url: `http://${host}`,
    host,
    pushImage(name, tag, options = {}) {
      if (!NAME_PATTERN.test(name)) throw new Error(`pushImage: ${JSON.stringify(name)} is not a valid OCI repository name`);
      if (!TAG_PATTERN.test(tag)) throw new Error(`pushImage: ${JSON.stringify(tag)} is not a valid OCI tag`);
      return store(name, tag, buildImage(name, tag, options.revision ?? tag));
    },
    pushChart(name, version, archive) {
      // OCI tags cannot hold `+`; helm push tags 1.0.0+build as 1.0.0_build.
      return store(name, version.replaceAll('+', '_'), buildChart(archive, { name: name.slice(name.lastIndexOf('/') + 1), version }));
    },
    get requests() {
      return [...requests];
    },
    auth,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

/** Answers one request and returns the status it sent. */
function route(repositories: Map<string, Repository>, auth: RegistryAuth | undefined, request: IncomingMessage, response: ServerResponse): number {
  const method = request.method ?? 'GET';
  const path = new URL(request.url ?? '/', 'http://registry').pathname;
  const head = method === 'HEAD';
  if (method !== 'GET' && !head) return fail(response, head, 405, 'UNSUPPORTED', { method });
  if (auth && path === TOKEN_PATH) return auth.issueToken(request, response);
  const base = path === '/v2/' || path === '/v2';
  if (base) return allowed(auth, request, response, head, undefined) ?? send(response, head, 200, 'application/json', Buffer.from('{}'));

  const tagsList = path.match(/^\/v2\/(.+)\/tags\/list$/);
  const content = path.match(/^\/v2\/(.+)\/(manifests|blobs)\/([^/]+)$/);
  const name = tagsList?.[1] ?? content?.[1];
  if (name === undefined) return fail(response, head, 404, 'UNSUPPORTED', { path });
  if (!NAME_PATTERN.test(name)) return fail(response, head, 400, 'NAME_INVALID', { name });
  // Authentication comes before existence, so an unauthenticated client cannot tell which names exist.
  const refused = allowed(auth, request, response, head, name);
  if (refused !== undefined) return refused;
  const repository = repositories.get(name);
  if (!repository) return fail(response, head, 404, 'NAME_UNKNOWN', { name });
  if (tagsList) {
    const body = Buffer.from(JSON.stringify({ name, tags: [...repository.tags.keys()].sort() }));
    return send(response, head, 200, 'application/json', body);
  }
  const [, , kind, reference = ''] = content ?? [];
  if (reference.includes(':') && !DIGEST_PATTERN.test(reference)) return fail(response, head, 400, 'DIGEST_INVALID', { reference });
  if (kind === 'blobs') {
    const blob = repository.blobs.get(reference);
    if (!blob) return fail(response, head, 404, 'BLOB_UNKNOWN', { digest: reference });
    return send(response, head, 200, 'application/octet-stream', blob.bytes, blob.digest);
  }
  const digest = DIGEST_PATTERN.test(reference) ? reference : repository.tags.get(reference);
  const manifest = digest === undefined ? undefined : repository.manifests.get(digest);
  if (digest === undefined || !manifest) return fail(response, head, 404, 'MANIFEST_UNKNOWN', { name, reference });
  // As the reference registry does: a client that cannot take an OCI manifest gets a 404, not bytes it would misread.
  if (!accepts(request.headers.accept, MEDIA_TYPE.manifest)) {
    return fail(response, head, 404, 'MANIFEST_UNKNOWN', { name, reference, reason: 'accept header does not allow OCI image manifests' });
  }
  return send(response, head, 200, MEDIA_TYPE.manifest, manifest, digest);
}

/** Undefined when the request may go on; otherwise the status of the 401 sent. */
function allowed(auth: RegistryAuth | undefined, request: IncomingMessage, response: ServerResponse, head: boolean, name: string | undefined): number | undefined {
  if (!auth) return undefined;
  const decision = auth.authorize(request, name);
  if (decision.ok) return undefined;
  if (decision.challenge) response.setHeader('www-authenticate', decision.challenge);
  return fail(response, head, decision.status, decision.code, name === undefined ? {} : { name });
}

function schemeOf(header: string | undefined): RegistryRequest['authorization'] {
  if (!header) return 'none';
  const scheme = header.split(' ')[0]!.toLowerCase();
  return scheme === 'bearer' || scheme === 'basic' ? scheme : 'other';
}

function accepts(header: string | undefined, mediaType: string): boolean {
  if (!header) return true;
  return header.split(',').some((part) => {
    const type = part.split(';')[0]?.trim();
    return type === mediaType || type === '*/*' || type === 'application/*';
  });
}

function send(response: ServerResponse, head: boolean, status: number, contentType: string, body: Buffer, digest?: string): number {
  response.writeHead(status, {
    'content-type': contentType,
    'content-length': body.length,
    'docker-distribution-api-version': 'registry/2.0',
    ...(digest !== undefined && { 'docker-content-digest': digest, etag: `"${digest}"` }),
  });
  response.end(head ? undefined : body);
  return status;
}

function fail(response: ServerResponse, head: boolean, status: number, code: ErrorCode, detail: Record<string, string>): number {
  const body = Buffer.from(JSON.stringify({ errors: [{ code, message: ERROR_MESSAGES[code], detail }] }));
  return send(response, head, status, 'application/json', body);
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return `127.0.0.1:${port}`;
}
