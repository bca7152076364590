// A Helm chart repository over loopback, as `helm repo index` lays one out: /index.yaml names each
// chart version with its archive's URL and sha256 `digest`; the archives are served under /charts/.
// With `users` every request needs Basic credentials (`helm repo add --username`). Every request
// is recorded with the user it authenticated as, so tests can tell where credentials went.
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { stringify } from 'yaml';

export interface ChartRepoRequest {
  path: string;
  status: number;
  /** The Basic user the request carried (right or wrong), none without one. */
  user: string | undefined;
}

export interface ChartRepo {
  /** `http://127.0.0.1:port` */
  url: string;
  host: string;
  /** Serves the archive and lists it in index.yaml; `url` replaces the archive's URL in the index (another host's, to test refusal). Returns its sha256 digest. */
  addChart(name: string, version: string, archive: Buffer, options?: { url?: string }): string;
  /** Answers `path` with a 302 to `location` from now on (a CDN, another host). */
  redirect(path: string, location: string): void;
  readonly requests: readonly ChartRepoRequest[];
  stop(): Promise<void>;
}

export async function startChartRepo(options: { users?: Record<string, string> } = {}): Promise<ChartRepo> {
  const archives = new Map<string, Buffer>();
  const entries: Record<string, { apiVersion: string; name: string; version: string; urls: string[]; digest: string; created: string }[]> = {};
  const requests: ChartRepoRequest[] = [];
  const redirects = new Map<string, string>();
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://repo').pathname;
    const basic = /^Basic\s+(\S+)$/i.exec(request.headers.authorization ?? '');
    const [user, password] = basic ? Buffer.from(basic[1]!, 'base64').toString('utf8').split(/:(.*)/s) : [];
    const reply = (status: number, body: Buffer | string, type = 'text/plain') => {
      requests.push({ path, status, user });
      response.writeHead(status, { 'content-type': type, ...(status === 401 ? { 'www-authenticate': 'Basic realm="charts"' } : {}) });
      response.end(body);
    };
    if (options.users && !(user !== undefined && Object.hasOwn(options.users, user) && options.users[user] === password)) return reply(401, 'unauthorized');
    const location = redirects.get(path);
    if (location) {
      requests.push({ path, status: 302, user });
      response.writeHead(302, { location });
      return response.end();
    }
    if (path === '/index.yaml') return reply(200, stringify({ apiVersion: 'v1', entries, generated: '2026-01-01T00:00:00Z' }), 'application/x-yaml');
    const archive = archives.get(path);
    return archive ? reply(200, archive, 'application/gzip') : reply(404, 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `http://${host}`,
    host,
    addChart(name, version, archive, added = {}) {
      const path = `/charts/${name}-${version}.tgz`;
      archives.set(path, archive);
      const digest = createHash('sha256').update(archive).digest('hex');
      // Relative URLs are what `helm repo index` writes without --url.
      (entries[name] ??= []).push({ apiVersion: 'v2', name, version, urls: [added.url ?? path.slice(1)], digest, created: '2026-01-01T00:00:00Z' });
      return `sha256:${digest}`;
    },
    redirect(path, location) {
      redirects.set(path, location);
    },
    get requests() {
      return [...requests];
    },
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
