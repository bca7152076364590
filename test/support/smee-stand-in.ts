import { execFile } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * smee.io for a process under test, without the internet: the process reaches
 * `https://smee.io/new` through the HTTPS proxy that smee-client honours
 * (HTTPS_PROXY), which ends the tunnel at a local TLS server with a
 * certificate for smee.io from a test CA the process trusts
 * (NODE_EXTRA_CA_CERTS). `/new` redirects to a new channel on a local HTTP
 * server that speaks smee's protocol: a GET with `text/event-stream` listens,
 * a POST (what GitHub sends to the App's webhook URL) is passed to every
 * listener as one event of the request's headers, body and query.
 */
export interface SmeeStandIn {
  /** The variables that send the process's smee.io requests here. */
  env: Record<string, string>;
  /** Channels created so far. */
  channels: string[];
  /** Events passed on per channel. */
  relayed: Map<string, number>;
  stop(): Promise<void>;
}

export async function startSmeeStandIn(): Promise<SmeeStandIn> {
  const dir = await mkdtemp(join(tmpdir(), 'ladder-smee-'));
  const tls = await certificateForSmee(dir);
  const listeners = new Map<string, Set<ServerResponse>>();
  const relayed = new Map<string, number>();
  const channels: string[] = [];

  const channelServer = createHttpServer((request, response) => void channel(request, response));
  async function channel(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://channel');
    const id = url.pathname.slice(1);
    if (!listeners.has(id)) return void response.writeHead(404).end('no such channel\n');
    if (request.method === 'GET') {
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      response.write('event: ready\ndata: {}\n\n');
      listeners.get(id)!.add(response);
      request.on('close', () => listeners.get(id)?.delete(response));
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) if (typeof value === 'string' && (name.startsWith('x-') || name === 'user-agent')) headers[name] = value;
    const event = { ...headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown, query: Object.fromEntries(url.searchParams), timestamp: Date.now() };
    for (const listener of listeners.get(id)!) listener.write(`data: ${JSON.stringify(event)}\n\n`);
    relayed.set(id, (relayed.get(id) ?? 0) + 1);
    response.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
  }
  const channelPort = await listen(channelServer);

  const smee = createHttpsServer({ key: tls.key, cert: tls.cert }, (request, response) => {
    if (new URL(request.url ?? '/', 'https://smee.io').pathname !== '/new') return void response.writeHead(404).end();
    const id = randomBytes(8).toString('hex');
    listeners.set(id, new Set());
    const location = `http://127.0.0.1:${channelPort}/${id}`;
    channels.push(location);
    response.writeHead(307, { location }).end();
  });
  const smeePort = await listen(smee);

  const proxy = createHttpServer((_request, response) => response.writeHead(405).end());
  proxy.on('connect', (request: IncomingMessage, client) => {
    if (request.url !== 'smee.io:443') return void client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
    const upstream = connect(smeePort, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.pipe(client).pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  const proxyPort = await listen(proxy);

  return {
    env: { HTTPS_PROXY: `http://127.0.0.1:${proxyPort}`, NO_PROXY: '127.0.0.1,localhost', NODE_EXTRA_CA_CERTS: tls.caFile },
    channels,
    relayed,
    stop: async () => {
      for (const set of listeners.values()) for (const listener of set) listener.end();
      for (const server of [channelServer, smee, proxy]) {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
    },
  };
}

async function listen(server: { listen(port: number, host: string, done: () => void): unknown; address(): unknown }): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** A throwaway CA and a certificate for smee.io it signed, made with openssl. */
async function certificateForSmee(dir: string): Promise<{ caFile: string; key: string; cert: string }> {
  const keyOf = () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const files = { caKey: join(dir, 'ca.key'), caCert: join(dir, 'ca.crt'), key: join(dir, 'smee.key'), csr: join(dir, 'smee.csr'), cert: join(dir, 'smee.crt'), ext: join(dir, 'ext.cnf') };
  await writeFile(files.caKey, keyOf(), { mode: 0o600 });
  await writeFile(files.key, keyOf(), { mode: 0o600 });
  await writeFile(files.ext, 'basicConstraints = critical,CA:FALSE\nkeyUsage = critical,digitalSignature\nextendedKeyUsage = serverAuth\nsubjectAltName = DNS:smee.io\n');
  await run('openssl', ['req', '-x509', '-new', '-key', files.caKey, '-subj', '/CN=ladder-test-smee-ca', '-days', '2', '-out', files.caCert, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign']);
  await run('openssl', ['req', '-new', '-key', files.key, '-subj', '/CN=smee.io', '-out', files.csr]);
  await run('openssl', ['x509', '-req', '-in', files.csr, '-CA', files.caCert, '-CAkey', files.caKey, '-CAcreateserial', '-days', '2', '-extfile', files.ext, '-out', files.cert]);
  return { caFile: files.caCert, key: await readFile(files.key, 'utf8'), cert: await readFile(files.cert, 'utf8') };
}
