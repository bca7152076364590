// `node --import tsx bench/agent/transport-cpu.ts [--requests 5000] [--concurrency 8] [--rounds 2]
// [--node-options '--max-semi-space-size=4 --max-old-space-size=160']`: the agent's Kubernetes client
// alone, HTTP/2 against HTTP/1.1 keep-alive, as CPU per request. A local TLS server (its own process,
// HTTP/2 and HTTP/1.1 on one port) answers each PATCH with a ConfigMap of the size the API server
// sends; each client runs in a fresh process that sends dry-run-shaped applies `--concurrency` at a
// time and reports its own CPU time (process.cpuUsage) over them, after a warm-up. What the API
// server spends per request is not in it: bench/agent/run.ts measures that, with LADDER_KUBE_HTTP2.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import http2 from 'node:http2';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { KubeConfig } from '@kubernetes/client-node';
import { createKubeClient } from '../../src/adapters/kube/client.js';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '5000' },
    concurrency: { type: 'string', default: '8' },
    rounds: { type: 'string', default: '2' },
    'node-options': { type: 'string', default: '--max-semi-space-size=4 --max-old-space-size=160' },
    /** Internal: run as the server, or as one client. */
    role: { type: 'string' },
    port: { type: 'string' },
    dir: { type: 'string' },
    protocol: { type: 'string' },
  },
});

const id = `applyset-${'a'.repeat(43)}-v1`;
const metadata = { name: 'cm-1', namespace: 'bench', labels: { app: 'bench', 'applyset.kubernetes.io/part-of': id }, annotations: { 'ladder.dev/inventory': id, 'ladder.dev/source': 'manifests/cm-00001.yaml' } };
const data = { value: 'v-1', 'config.yaml': 'replicas: 3\nfeature: on\n' };

if (values.role === 'server') await serve(values.dir!);
else if (values.role === 'client') await client(values.protocol === 'h2', Number(values.port), values.dir!);
else await main();

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ladder-transport-cpu-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  const self = fileURLToPath(import.meta.url);
  const server = spawn(process.execPath, ['--import', 'tsx', self, '--role', 'server', '--dir', dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve) => server.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString().trim())));
  try {
    console.log(`${values.requests} requests, ${values.concurrency} at a time, NODE_OPTIONS ${values['node-options'] || '(none)'}`);
    for (let round = 1; round <= Number(values.rounds); round++) {
      for (const protocol of round % 2 ? ['h2', 'http/1.1'] : ['http/1.1', 'h2']) {
        const args = ['--import', 'tsx', self, '--role', 'client', '--protocol', protocol, '--port', port, '--dir', dir, '--requests', values.requests, '--concurrency', values.concurrency];
        const out = execFileSync(process.execPath, args, { env: { ...process.env, NODE_OPTIONS: values['node-options'] } }).toString().trim();
        console.log(`  ${protocol.padEnd(8)} ${out}`);
      }
    }
  } finally {
    server.kill();
  }
}

async function serve(dir: string): Promise<void> {
  const answer = JSON.stringify({
    apiVersion: 'v1', kind: 'ConfigMap',
    metadata: {
      ...metadata, uid: '0b5a7c9e-2f1d-4e8a-9b6c-3d2e1f0a9b8c', resourceVersion: '123456', creationTimestamp: '2026-12-05T10:00:00Z',
      managedFields: [{ manager: 'ladder', operation: 'Apply', apiVersion: 'v1', time: '2026-12-05T10:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:value': {}, 'f:config.yaml': {} }, 'f:metadata': { 'f:annotations': { 'f:ladder.dev/inventory': {}, 'f:ladder.dev/source': {} }, 'f:labels': { 'f:app': {}, 'f:applyset.kubernetes.io/part-of': {} } } } }],
    },
    data,
  });
  const headers = { 'content-type': 'application/json', 'audit-id': '4f1c2b3a-5d6e-7f80-9a1b-2c3d4e5f6a7b', 'cache-control': 'no-cache, private', 'x-kubernetes-pf-flowschema-uid': 'e1f2a3b4-c5d6-e7f8-a9b0-c1d2e3f4a5b6', 'x-kubernetes-pf-prioritylevel-uid': 'a9b8c7d6-e5f4-a3b2-c1d0-e9f8a7b6c5d4' };
  const server = http2.createSecureServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')), allowHTTP1: true }, (request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(200, headers);
      response.end(answer);
    });
  });
  server.listen(0, '127.0.0.1', () => console.log(String((server.address() as { port: number }).port)));
}

async function client(h2: boolean, port: number, dir: string): Promise<void> {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [{ name: 'bench', server: `https://127.0.0.1:${port}`, caData: readFileSync(join(dir, 'cert.pem')).toString('base64') }],
    // A service-account token is about this long.
    users: [{ name: 'bench', token: 't'.repeat(900) }],
    contexts: [{ name: 'bench', cluster: 'bench', user: 'bench' }],
    currentContext: 'bench',
  });
  const kube = createKubeClient(kubeConfig, { http2: h2 });
  const body = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata, data });
  const query = { fieldManager: 'ladder', force: false, fieldValidation: 'Strict', dryRun: 'All' };
  const run = async (count: number) => {
    let next = 0;
    await Promise.all(Array.from({ length: Number(values.concurrency) }, async () => {
      while (next < count) await kube.requestText('PATCH', `/api/v1/namespaces/bench/configmaps/cm-${next++}`, { query, contentType: 'application/apply-patch+yaml', body });
    }));
  };
  await run(1000);
  const requests = Number(values.requests);
  const before = process.cpuUsage();
  const started = Date.now();
  await run(requests);
  const used = process.cpuUsage(before);
  const { connections } = kube.stats();
  kube.close();
  writeFileSync(1, `${((used.user + used.system) / 1000 / requests).toFixed(3)} ms CPU a request (user ${Math.round(used.user / 1000)} ms, system ${Math.round(used.system / 1000)} ms), ${Date.now() - started} ms wall, ${connections} connection(s)\n`);
}
