// Issue 12: in production (NODE_ENV=production) or whenever credentials are given, `ladder app` (what
// `npm start` runs) refuses to start without a webhook secret, with a secret everyone knows, or with a
// private key that does not parse: exit 2 and one line naming the variable to set, before it listens.
// Each case runs the real process.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { runLadder } from '../support/ladder-process.js';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'sec1', format: 'pem' }).toString();
// A PEM frame around bytes that are no key: it looks right and parses as nothing.
const broken = `-----BEGIN RSA PRIVATE KEY-----\n${Buffer.from('NeverPrintThis, not a key at all').toString('base64')}\n-----END RSA PRIVATE KEY-----\n`;
const secret = 'a-webhook-secret-of-our-own-NeverPrintThis';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ladder-app-refusals-'));
});

/** `ladder app` in `cwd` (default: a directory without .env) until it ends by itself. */
async function refusal(env: Record<string, string>, cwd = dir) {
  const app = runLadder(['app'], { HOME: dir, PORT: '1', ...env }, { cwd });
  const code = await Promise.race([app.exited, new Promise<'still running'>((resolve) => setTimeout(resolve, 120_000, 'still running').unref())]);
  app.child.kill('SIGKILL');
  return { code, stdout: app.stdout(), stderr: app.stderr() };
}

function assertOneLine(result: { code: unknown; stdout: string; stderr: string }, line: string): void {
  assert.equal(result.code, 2, `exit code; stderr: ${result.stderr}`);
  assert.equal(result.stderr, `${line}\n`);
  assert.equal(result.stdout, '', 'nothing logged: it never started');
  assert.ok(!result.stderr.includes('NeverPrintThis') && !result.stderr.includes('PRIVATE KEY-----\n'), 'a secret reached the output');
}

describe('ladder app refuses to start unsafe or half-configured: exit 2, one line', () => {
  it('in production without a webhook secret', async () => {
    assertOneLine(await refusal({ NODE_ENV: 'production', APP_ID: '12', PRIVATE_KEY: rsa }), "ladder app: WEBHOOK_SECRET: not set; it must equal the App's webhook secret, or every delivery is refused");
  });

  it("with Probot's default secret 'development', which anyone can sign with, in production or not", async () => {
    const line = "ladder app: WEBHOOK_SECRET: is 'development', Probot's public default: anyone could sign webhooks; set the App's own secret (its settings page, Webhook secret)";
    assertOneLine(await refusal({ APP_ID: '12', PRIVATE_KEY: rsa, WEBHOOK_SECRET: 'development' }), line);
    assertOneLine(await refusal({ NODE_ENV: 'production', APP_ID: '12', PRIVATE_KEY: rsa, WEBHOOK_SECRET: 'development' }), line);
    assertOneLine(
      await refusal({ APP_ID: '12', PRIVATE_KEY: rsa, WEBHOOK_SECRET: "It's a Secret to Everybody" }),
      "ladder app: WEBHOOK_SECRET: is 'It's a Secret to Everybody', the example in GitHub's documentation: anyone could sign webhooks; set the App's own secret (its settings page, Webhook secret)",
    );
  });

  it('with a private key that does not parse, or is not RSA', async () => {
    assertOneLine(await refusal({ APP_ID: '12', PRIVATE_KEY: broken, WEBHOOK_SECRET: secret }), "ladder app: PRIVATE_KEY: not a PEM private key ('-----BEGIN RSA PRIVATE KEY-----' …); the value is not shown");
    await writeFile(join(dir, 'broken.pem'), broken);
    assertOneLine(await refusal({ NODE_ENV: 'production', APP_ID: '12', PRIVATE_KEY_PATH: join(dir, 'broken.pem'), WEBHOOK_SECRET: secret }), "ladder app: PRIVATE_KEY_PATH: not a PEM private key ('-----BEGIN RSA PRIVATE KEY-----' …); the value is not shown");
    assertOneLine(await refusal({ APP_ID: '12', PRIVATE_KEY: ec, WEBHOOK_SECRET: secret }), 'ladder app: PRIVATE_KEY: a private key of type ec; GitHub App keys are RSA (the .pem file GitHub generates)');
  });

  it('when some credentials are given and others are missing, outside production too (no setup page then)', async () => {
    assertOneLine(await refusal({ APP_ID: '12', WEBHOOK_SECRET: secret }), "ladder app: PRIVATE_KEY_PATH: not set (nor PRIVATE_KEY); the App's private key is needed to authenticate with GitHub");
  });

  it('in production without anything: every variable to set, one line each', async () => {
    const result = await refusal({ NODE_ENV: 'production' });
    assert.equal(result.code, 2);
    assert.equal(
      result.stderr,
      [
        "ladder app: the App's environment has 3 problems:",
        '  APP_ID: not set; it is the number on the App\'s settings page ("App ID")',
        "  PRIVATE_KEY_PATH: not set (nor PRIVATE_KEY); the App's private key is needed to authenticate with GitHub",
        "  WEBHOOK_SECRET: not set; it must equal the App's webhook secret, or every delivery is refused",
        '',
      ].join('\n'),
    );
  });

  it('reads .env outside production (variables already set win) and refuses what it holds; ignores it in production', async () => {
    const project = await mkdtemp(join(dir, 'project-'));
    await writeFile(join(project, '.env'), `APP_ID=12\nPRIVATE_KEY="${rsa.replace(/\n/g, '\\n')}"\nWEBHOOK_SECRET=development\n`);
    assertOneLine(await refusal({}, project), "ladder app: WEBHOOK_SECRET: is 'development', Probot's public default: anyone could sign webhooks; set the App's own secret (its settings page, Webhook secret)");
    // An exported variable wins over the file: the exported secret is the one checked.
    const exported = await refusal({ WEBHOOK_SECRET: secret, PORT: '70000' }, project);
    assertOneLine(exported, "ladder app: PORT: must be a port number (0-65535), not '70000'");
    assert.match(await readFile(join(project, '.env'), 'utf8'), /WEBHOOK_SECRET=development/, 'the file is left as it was');
    const production = await refusal({ NODE_ENV: 'production' }, project);
    assert.match(production.stderr, /^ladder app: the App's environment has 3 problems:/, 'in production the file is not read');
  });

  it('refuses a setup it cannot do: a webhook URL that is not one, an organization name that is not one', async () => {
    assertOneLine(await refusal({ LADDER_WEBHOOK_URL: 'ladder.example.org/hooks' }), "ladder app: LADDER_WEBHOOK_URL: must be the http(s) URL GitHub sends webhooks to, such as https://ladder.example.org/api/github/webhooks, not 'ladder.example.org/hooks'");
    assertOneLine(await refusal({ GH_ORG: 'shop/checkout' }), "ladder app: GH_ORG: must be a GitHub organization's name, not 'shop/checkout'");
  });

  it('npm start is ladder app', async () => {
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> };
    assert.equal(pkg.scripts.start, 'node dist/cli/main.js app');
  });
});
