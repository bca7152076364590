import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startGitHubServer, type GitHubServer } from '../bed/github/index.js';
import { reserveLoopbackPorts } from '../bed/kube/ports.js';
import { eventually } from '../support/agent/log.js';
import { rawPost } from '../support/raw-post.js';
import { appEnvironment, deliveryWithWrongSignature, probe, promotionFromSignedWebhook, waitUntilReady } from '../support/ladder-app.js';

const mainScript = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const tsxLoader = import.meta.resolve('tsx');

let github: GitHubServer;
let dir: string;
before(async () => {
  github = await startGitHubServer();
  dir = await mkdtemp(join(tmpdir(), 'ladder-app-cli-'));
  await writeFile(join(dir, 'app.pem'), github.app.privateKey, { mode: 0o600 });
});
after(() => github?.stop());

function runApp(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', tsxLoader, mainScript, 'app'], {
    // Nothing of the test runner's environment that `ladder app` reads.
    env: { PATH: process.env.PATH, NODE_OPTIONS: process.env.NODE_OPTIONS, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => output };
}

describe('ladder app as a process', () => {
  it('answers /healthz at once and /readyz once GitHub accepted its credentials, turns a signed webhook into a promotion, refuses a wrong signature and an oversized body, and exits 0 on SIGTERM', async () => {
    const [port] = (await reserveLoopbackPorts(1)) as [number];
    const app = runApp(appEnvironment(github, join(dir, 'app.pem'), port));
    const url = `http://127.0.0.1:${port}`;
    try {
      await eventually(() => probe(`${url}/healthz`).then((a) => a.status === 200, () => false), '/healthz', 30_000, 100);
      await waitUntilReady(url);
      assert.ok(github.requests.count((r) => r.method === 'GET' && r.path === '/app' && r.status === 200) > 0, 'readiness came from GET /app');
      const title = await promotionFromSignedWebhook(github, `${url}/api/github/webhooks`, 'cli');
      assert.match(title, /cli.*dev/i);
      assert.equal(await deliveryWithWrongSignature(`${url}/api/github/webhooks`), 401);
      // A body larger than GitHub ever sends is refused from its Content-Length, before any of it is read.
      const oversized = await rawPost(`${url}/api/github/webhooks`, { 'content-type': 'application/json', 'content-length': String(100 * 1024 * 1024) });
      assert.equal(oversized.status, 413);
      assert.equal((await probe(`${url}/nothing-here`)).status, 404);
      app.child.kill('SIGTERM');
      assert.equal(await app.exited, 0, app.output());
      const output = app.output();
      assert.match(output, /"msg":"ladder app listening"/);
      assert.match(output, /"msg":"ladder app stopped"/);
      assert.ok(!output.includes(github.app.webhookSecret), 'the webhook secret reached the output');
      assert.ok(!output.includes('PRIVATE KEY'), 'the private key reached the output');
    } finally {
      app.child.kill('SIGKILL');
    }
  });

  it('stays not ready, saying why, while GitHub refuses its key', async () => {
    const [port] = (await reserveLoopbackPorts(1)) as [number];
    const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    await writeFile(join(dir, 'other.pem'), otherKey, { mode: 0o600 });
    const app = runApp(appEnvironment(github, join(dir, 'other.pem'), port));
    const url = `http://127.0.0.1:${port}`;
    try {
      const refused = await eventually(
        async () => {
          const answer = await probe(`${url}/readyz`).catch(() => undefined);
          return answer?.body.includes('HTTP 401') ? answer : undefined;
        },
        '/readyz to report the refused credentials',
        30_000,
        100,
      );
      assert.equal(refused.status, 503);
      assert.match(refused.body, /not ready: GitHub refused the App credentials \(HTTP 401\): check APP_ID and the private key/);
      assert.equal((await probe(`${url}/healthz`)).status, 200, 'alive all the same: restarting would not help');
      app.child.kill('SIGTERM');
      assert.equal(await app.exited, 0, app.output());
    } finally {
      app.child.kill('SIGKILL');
    }
  });

  it('exits 2 naming every wrong variable, without printing a secret', async () => {
    const app = runApp({ APP_ID: 'twelve', PRIVATE_KEY: 'NeverPrintThisKey', WEBHOOK_SECRET: 'NeverPrintThisSecret', PORT: '99999' });
    assert.equal(await app.exited, 2);
    const output = app.output();
    assert.match(output, /ladder app: the App's environment has 3 problems:/);
    assert.match(output, /APP_ID: must be a positive whole number, not 'twelve'/);
    assert.match(output, /PRIVATE_KEY: not a PEM private key .*the value is not shown/);
    assert.match(output, /PORT: must be a port number \(0-65535\), not '99999'/);
    assert.ok(!output.includes('NeverPrintThis'), output);
  });
});
