import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { appNameProblem, buildManifest, loginProblem, readAppDefinition } from '../../src/app/setup/manifest.js';
import { describeWebhook } from '../../src/app/setup/pages.js';
import { loadProbotSetup } from '../../src/app/setup/probot-setup.js';
import { loadSetupConfig } from '../../src/cli/app-config.js';
import { withDotEnv } from '../../src/cli/dotenv.js';

describe('the setup page: app.yml, the manifest, the choices', () => {
  it('reads app.yml, which leaves the webhook URL to each registration', async () => {
    const app = readAppDefinition();
    assert.equal(app.name, 'Ladder');
    assert.ok(app.default_events.includes('pull_request'));
    assert.equal(app.default_permissions.contents, 'write');
    const dir = await mkdtemp(join(tmpdir(), 'ladder-app-yml-'));
    await writeFile(join(dir, 'app.yml'), 'name: X\nurl: https://x.example\ndefault_events: []\ndefault_permissions: {}\nhook_attributes:\n  url: https://example.com/api/github/webhooks\n');
    assert.throws(() => readAppDefinition(join(dir, 'app.yml')), /hook_attributes must not be set here: the setup page sets the webhook URL of each registration/);
  });

  it('builds a private App with the chosen name, webhook URL and way back', () => {
    const manifest = buildManifest(readAppDefinition(), { name: 'Ladder (shop)', webhookUrl: 'https://ladder.example.org/api/github/webhooks', baseUrl: 'http://localhost:3000' });
    assert.equal(manifest.public, false);
    assert.deepEqual(manifest.hook_attributes, { url: 'https://ladder.example.org/api/github/webhooks', active: true });
    assert.equal(manifest.redirect_url, 'http://localhost:3000/probot/setup');
    assert.equal(manifest.name, 'Ladder (shop)');
  });

  it('takes GitHub names as GitHub does', () => {
    for (const good of ['shop', 'shop-inc', 'a', 'A1-b2', 'x'.repeat(39)]) assert.equal(loginProblem(good), undefined, good);
    for (const bad of ['-shop', 'shop-', 'sh--op', 'shop inc', 'shop/x', 'x'.repeat(40), '']) assert.ok(loginProblem(bad), bad);
    assert.equal(appNameProblem('Ladder (shop)'), undefined);
    assert.ok(appNameProblem(' '));
    assert.ok(appNameProblem('x'.repeat(35)));
  });

  it('says where webhooks go for each way of deciding it', () => {
    const forward = 'http://localhost:3000/api/github/webhooks';
    assert.match(describeWebhook({ kind: 'proxy', url: 'https://smee.io/abc', created: true }, forward), /^GitHub will send webhooks to https:\/\/smee\.io\/abc, a smee\.io channel created for this checkout and saved in \.env as WEBHOOK_PROXY_URL\. While Ladder runs here, it forwards each delivery from the channel to http:\/\/localhost:3000\/api\/github\/webhooks/);
    assert.match(describeWebhook({ kind: 'proxy', url: 'https://smee.io/abc', created: false }, forward), /the webhook proxy channel in WEBHOOK_PROXY_URL\./);
    assert.match(describeWebhook({ kind: 'none', reason: 'because' }, forward), /^There is no webhook URL to register the App with: because\. Set LADDER_WEBHOOK_URL/);
  });

  it("loads Probot's own setup flow", async () => {
    assert.equal(typeof (await loadProbotSetup()), 'function');
  });

  it('listens on localhost unless HOST says otherwise, and checks what it is given', () => {
    assert.equal(loadSetupConfig({}).host, 'localhost');
    assert.equal(loadSetupConfig({ HOST: '0.0.0.0' }).host, '0.0.0.0');
    assert.equal(loadSetupConfig({ GH_ORG: 'shop' }).organization, 'shop');
    assert.throws(() => loadSetupConfig({ LADDER_WEBHOOK_URL: 'nope' }), /LADDER_WEBHOOK_URL: must be the http\(s\) URL/);
  });
});

describe('.env', () => {
  it('is read outside production, variables already set winning; never in production', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ladder-dotenv-'));
    assert.deepEqual(withDotEnv({ A: '1' }, dir), { env: { A: '1' } });
    await writeFile(join(dir, '.env'), 'APP_ID=12\nWEBHOOK_SECRET=from-file\nPRIVATE_KEY="line1\\nline2"\n');
    const read = withDotEnv({ WEBHOOK_SECRET: 'exported', APP_ID: '' }, dir);
    assert.deepEqual(read.env, { WEBHOOK_SECRET: 'exported', APP_ID: '12', PRIVATE_KEY: 'line1\nline2' });
    assert.equal(read.read, join(dir, '.env'));
    const production = withDotEnv({ NODE_ENV: 'production' }, dir);
    assert.deepEqual(production.env, { NODE_ENV: 'production' });
    assert.deepEqual(production.ignored, { file: join(dir, '.env'), reason: 'NODE_ENV is production: only the environment is read' });
  });
});
