import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { AppConfigError, loadAppConfig, needsSetup } from '../../src/cli/app-config.js';
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
      { appId: 123, privateKey: true, webhookSecret: secret, webhookPath: '/api/github/webhooks', apiUrl: 'https://api.github.com', host: '0.0.0.0', port: 3000, logLevel: 'info', logFormat: 'pretty', registries: { credentials: new Map(), plainHttp: [] } },
    );
  });

  it('logs JSON with LOG_FORMAT=json or in production (as Probot decides), readable lines otherwise', async () => {
    assert.equal((await loadAppConfig(minimal)).logFormat, 'pretty');
    assert.equal((await loadAppConfig({ ...minimal, NODE_ENV: 'production' })).logFormat, 'json');
    assert.equal((await loadAppConfig({ ...minimal, LOG_FORMAT: 'json' })).logFormat, 'json');
    assert.equal((await loadAppConfig({ ...minimal, NODE_ENV: 'production', LOG_FORMAT: 'pretty' })).logFormat, 'pretty');
    assert.deepEqual(await problemsOf({ ...minimal, LOG_FORMAT: 'xml' }), ["LOG_FORMAT: must be json or pretty, not 'xml'"]);
  });

  it('opens the setup page only outside production and while no credential at all is given', () => {
    assert.equal(needsSetup({}), true);
    assert.equal(needsSetup({ GH_ORG: 'shop', LADDER_WEBHOOK_URL: 'https://x.example/api/github/webhooks' }), true);
    assert.equal(needsSetup({ NODE_ENV: 'production' }), false);
    for (const name of ['APP_ID', 'PRIVATE_KEY', 'PRIVATE_KEY_PATH', 'WEBHOOK_SECRET']) assert.equal(needsSetup({ [name]: 'x' }), false, name);
    assert.equal(needsSetup({ APP_ID: '' }), true, 'an empty variable is no credential');
  });

  it('refuses webhook secrets everyone knows, whatever else is right', async () => {
    for (const known of ['development', "It's a Secret to Everybody", ' development ']) {
      const problems = await problemsOf({ ...minimal, WEBHOOK_SECRET: known });
      assert.equal(problems.length, 1);
      assert.match(problems[0]!, /^WEBHOOK_SECRET: is '.+', .+: anyone could sign webhooks; set the App's own secret/);
    }
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

  it('turns the ladder/image gate on with the registry credentials of a docker config, whose values never appear in problems', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ladder-app-config-'));
    const auth = Buffer.from('robot:NeverPrintThisPassword').toString('base64');
    await writeFile(join(dir, 'config.json'), JSON.stringify({ auths: { 'ghcr.io': { auth } } }));
    const config = await loadAppConfig({ ...minimal, LADDER_IMAGE_GATE: 'on', LADDER_REGISTRY_AUTH_FILE: join(dir, 'config.json'), LADDER_REGISTRY_PLAIN_HTTP: 'registry.internal:5000, 127.0.0.1:5001' });
    assert.deepEqual(config.registries.credentials.get('ghcr.io'), { username: 'robot', password: 'NeverPrintThisPassword' });
    assert.deepEqual(config.registries.plainHttp, ['registry.internal:5000', '127.0.0.1:5001']);
    assert.equal(config.images?.recheckSeconds, 60);
    assert.equal((await loadAppConfig(minimal)).images, undefined, 'off by default');
    const anonymous = await loadAppConfig({ ...minimal, LADDER_IMAGE_GATE: 'on' });
    assert.equal(anonymous.registries.credentials.size, 0, 'public images need no credentials');

    await writeFile(join(dir, 'bad.json'), JSON.stringify({ auths: { 'ghcr.io': { auth: Buffer.from('NeverPrintThisPassword').toString('base64') } } }));
    const problems = await problemsOf({ ...minimal, LADDER_IMAGE_GATE: 'yes', LADDER_IMAGE_RECHECK_SECONDS: '1', LADDER_REGISTRY_PLAIN_HTTP: 'http://x/' });
    assert.deepEqual(problems, [
      "LADDER_IMAGE_GATE: must be on or off, not 'yes'",
      "LADDER_IMAGE_RECHECK_SECONDS: must be a whole number of seconds from 5 to 3600, not '1'",
      "LADDER_REGISTRY_PLAIN_HTTP: 'http://x/' is not a host or host:port",
    ]);
    const bad = await problemsOf({ ...minimal, LADDER_IMAGE_GATE: 'on', LADDER_REGISTRY_AUTH_FILE: join(dir, 'bad.json') });
    assert.deepEqual(bad, [`LADDER_REGISTRY_AUTH_FILE: ${join(dir, 'bad.json')}: auths["ghcr.io"].auth: not base64 of "user:password" (value not shown)`]);
    assert.ok(!bad.join('\n').includes('NeverPrintThis'));
    // With the gate off the credentials still serve charts pinned in services.yml (docs/renderers.md).
    const gateOff = await loadAppConfig({ ...minimal, LADDER_REGISTRY_AUTH_FILE: join(dir, 'config.json'), LADDER_REGISTRY_PLAIN_HTTP: 'registry.internal:5000' });
    assert.equal(gateOff.images, undefined);
    assert.deepEqual(gateOff.registries.credentials.get('ghcr.io'), { username: 'robot', password: 'NeverPrintThisPassword' });
    assert.deepEqual(gateOff.registries.plainHttp, ['registry.internal:5000']);
    assert.deepEqual(await problemsOf({ ...minimal, LADDER_REGISTRY_AUTH_FILE: join(dir, 'bad.json') }), bad, 'read and checked with the gate off too');
  });

  it('`ladder app --help` lists the variables and marks the secret ones', async () => {
    const result = await runLadder(['app', '--help']);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /WEBHOOK_SECRET +the App's webhook secret \(required\) {2}\(secret\)/);
    assert.match(result.stdout, /\/healthz/);
    assert.match(result.stdout, /\/readyz/);
  });
});
