import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { AppConfigError, loadAppConfig } from '../../src/cli/app-config.js';
import { runLadder } from './cli-run.js';

const pem = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
const secret = 'NeverPrintThisWebhookSecret';
const minimal = { APP_ID: '123', PRIVATE_KEY: pem, WEBHOOK_SECRET: secret };

async function problemsOf(env: Record<string, string>): Promise<string[]> {
  try {
    await loadAppConfig(env);
  } catch (error) {
    assert.ok(error instanceof AppConfigError, `expected AppConfigError, got ${String(error)}`);
    return error.problems;
  }
  assert.fail('the environment was accepted');
}

describe("ladder app's environment", () => {
  it('takes Probot\'s variables, with defaults for a container (all interfaces, port 3000, github.com)', async () => {
    const config = await loadAppConfig(minimal);
    assert.deepEqual(
      { ...config, privateKey: config.privateKey === pem },
      { appId: 123, privateKey: true, webhookSecret: secret, webhookPath: '/api/github/webhooks', apiUrl: 'https://api.github.com', host: '0.0.0.0', port: 3000, logLevel: 'info' },
    );
  });

  it('reads the key from PRIVATE_KEY_PATH, or from PRIVATE_KEY with \\n escapes as one line', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ladder-app-config-'));
    await writeFile(join(dir, 'app.pem'), pem);
    assert.equal((await loadAppConfig({ ...minimal, PRIVATE_KEY: '', PRIVATE_KEY_PATH: join(dir, 'app.pem') })).privateKey, pem);
    assert.equal((await loadAppConfig({ ...minimal, PRIVATE_KEY: pem.replace(/\n/g, '\\n') })).privateKey, pem);
  });

  it('finds the API from GHE_HOST as Probot does, and LADDER_GITHUB_API_URL wins over it', async () => {
    assert.equal((await loadAppConfig({ ...minimal, GHE_HOST: 'ghe.example.com' })).apiUrl, 'https://ghe.example.com/api/v3');
    assert.equal((await loadAppConfig({ ...minimal, GHE_HOST: 'ghe.test:8080', GHE_PROTOCOL: 'http' })).apiUrl, 'http://ghe.test:8080/api/v3');
    assert.equal((await loadAppConfig({ ...minimal, GHE_HOST: 'x', LADDER_GITHUB_API_URL: 'https://api.shop.ghe.com/' })).apiUrl, 'https://api.shop.ghe.com');
  });

  it('reports every problem at once, each naming its variable', async () => {
    assert.deepEqual(await problemsOf({}), [
      'APP_ID: not set; it is the number on the App\'s settings page ("App ID")',
      "PRIVATE_KEY_PATH: not set (nor PRIVATE_KEY); the App's private key is needed to authenticate with GitHub",
      "WEBHOOK_SECRET: not set; it must equal the App's webhook secret, or every delivery is refused",
    ]);
    assert.deepEqual(
      await problemsOf({ ...minimal, APP_ID: '-4', WEBHOOK_PATH: 'hooks', PORT: '3.5', LOG_LEVEL: 'loud', GHE_HOST: 'https://ghe.example.com', GHE_PROTOCOL: 'ftp' }),
      [
        "APP_ID: must be a positive whole number, not '-4'",
        "WEBHOOK_PATH: must start with '/', not 'hooks'",
        "PORT: must be a port number (0-65535), not '3.5'",
        "LOG_LEVEL: must be one of trace, debug, info, warn, error, fatal, not 'loud'",
        "GHE_PROTOCOL: must be https or http, not 'ftp'",
        "GHE_HOST: a host name (and port) only, such as github.example.com, not 'https://ghe.example.com'",
      ],
    );
    assert.deepEqual(await problemsOf({ ...minimal, WEBHOOK_PATH: '/readyz' }), ["WEBHOOK_PATH: /readyz is the probe's path"]);
    assert.deepEqual(await problemsOf({ ...minimal, PRIVATE_KEY_PATH: '/nonexistent/app.pem' }), ['PRIVATE_KEY and PRIVATE_KEY_PATH: both set; keep one']);
    assert.deepEqual(await problemsOf({ ...minimal, PRIVATE_KEY: '', PRIVATE_KEY_PATH: '/nonexistent/app.pem' }), ['PRIVATE_KEY_PATH: cannot read /nonexistent/app.pem (ENOENT)']);
  });

  it('never prints a secret value, not even a wrong one', async () => {
    const problems = await problemsOf({ APP_ID: '1', PRIVATE_KEY: 'NeverPrintThisKey', WEBHOOK_SECRET: secret, LADDER_GITHUB_API_URL: 'not a url' });
    assert.deepEqual(problems, ["PRIVATE_KEY: not a PEM private key ('-----BEGIN RSA PRIVATE KEY-----' …); the value is not shown", "LADDER_GITHUB_API_URL: must be an http(s) URL, not 'not a url'"]);
    assert.ok(!problems.join('\n').includes('NeverPrintThis'));
  });

  it('`ladder app --help` lists the variables and marks the secret ones', async () => {
    const result = await runLadder(['app', '--help']);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /WEBHOOK_SECRET +the App's webhook secret \(required\) {2}\(secret\)/);
    assert.match(result.stdout, /\/healthz/);
    assert.match(result.stdout, /\/readyz/);
  });
});
