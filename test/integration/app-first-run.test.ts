// Issue 12, "a first run that works": `npm start` (`ladder app`) without credentials serves the setup
// page; Probot's setup flow registers the App through GitHub's App-manifest flow (here the GitHub test
// bed's pages and `POST /app-manifests/{code}/conversions`, over HTTP), writes its credentials to .env
// and leads to the installation page; started again, the App receives webhooks and promotes. Every text
// a user sees on the way is listed here and asserted: the first log lines, the setup page, the import
// page, the line after registering.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { startGitHubServer, userOctokit, type GitHubServer } from '../bed/github/index.js';
import { eventually } from '../support/agent/log.js';
import { attributeOf, firstRun, get, textOf, type FirstRun } from '../support/first-run.js';
import { createService, mergePullRequest } from '../support/github-service.js';
import type { LadderProcess } from '../support/ladder-process.js';
import { pullsInto } from '../support/promotion-fixtures.js';
import { startSmeeStandIn } from '../support/smee-stand-in.js';

let github: GitHubServer;
before(async () => {
  github = await startGitHubServer();
});
after(() => github?.stop());

const appYml = parse(await readFile(new URL('../../app.yml', import.meta.url), 'utf8')) as { default_events: string[]; default_permissions: Record<string, string> };

/** What the setup page and the log say, for a setup whose webhooks go to `webhookUrl` (LADDER_WEBHOOK_URL). */
const texts = {
  firstLine: (url: string) => `Ladder is not registered with GitHub yet: open ${url} to register it`,
  webhookPublic: (webhookUrl: string) => `GitHub will send webhooks to ${webhookUrl}, the address in LADDER_WEBHOOK_URL. It must reach this server's webhook path once Ladder runs there.`,
  ownerUnchosenLog: 'Owner: the setup page asks which organization to register the App on (or set GH_ORG and start again).',
  ownerFromGhOrgLog: (org: string) => `Owner: the App will be registered on the organization ${org} (GH_ORG).`,
  intro:
    "Ladder runs as a GitHub App. This page registers it from app.yml (its name, the permissions it asks for and the events it receives) through GitHub's App-manifest flow: GitHub shows you the App, you confirm, and GitHub hands this server the App's credentials.",
  ownerQuestion:
    'Register Ladder on the organization whose repositories it will promote. A GitHub App is private to the account that registers it, and only that account can install it: an App registered on your personal account cannot be installed on an organization.',
  ownerChosen: (org: string, from: string, name: string) => `Ladder will be registered on the organization ${org} (from ${from}) as ${name}. Change`,
  ownerPersonal: (name: string) => `Ladder will be registered on your personal account as ${name}. Only repositories your account owns can install it. Change`,
  chooseOwnerFirst: 'Choose the owner first (step 2).',
  next: "GitHub shows you the App to confirm, then sends you back here: this server saves the App's id, private key and webhook secret in .env and takes you to the App's installation page. Install it on your services' code repositories and their manifest repositories, then stop this server (Ctrl-C) and start it again: it runs the App.",
  registered: (install: string) => `Ladder is registered on GitHub and its credentials are saved in .env. Install it: ${install}. Then stop this server (Ctrl-C) and start it again to run the App.`,
  importWebhook: (webhookUrl: string) =>
    `In the App's settings on GitHub (your GitHub Apps, or your organization's Settings, Developer settings, GitHub Apps), set its Webhook URL to ${webhookUrl} and give it the permissions and events listed in app.yml.`,
};

/** The log's messages (pretty format: `INFO: text`, or `INFO (name): text`), request lines left out. */
function messages(app: LadderProcess): string[] {
  return app
    .stdout()
    .split('\n')
    .filter((line) => /^[A-Z]+(?: \(\w+\))?: /.test(line) && !line.startsWith('INFO (http): '))
    .map((line) => line.replace(/^[A-Z]+(?: \(\w+\))?: /, ''));
}

async function stop(app: LadderProcess): Promise<void> {
  app.child.kill('SIGTERM');
  assert.equal(await app.exited, 0, app.stderr());
}

describe('npm start without credentials (ladder app): the first run', () => {
  let run: FirstRun;
  before(async () => {
    run = await firstRun(github);
  });

  it('registers the App through the setup page and GitHub, and the App it restarts as receives webhooks and promotes', async () => {
    const webhookUrl = `${run.url}/api/github/webhooks`;
    const setup = await run.start({ LADDER_WEBHOOK_URL: webhookUrl });
    try {
      // First log lines: where to go, where webhooks will go, who will own the App.
      await eventually(() => messages(setup).some((m) => m.startsWith('Listening on')), 'the setup server to listen');
      const [opening, webhooks, owner, probot, listening, ...more] = messages(setup);
      assert.deepEqual([opening, webhooks, owner, listening, more], [texts.firstLine(run.url), `Webhooks: ${texts.webhookPublic(webhookUrl)}`, texts.ownerUnchosenLog, `Listening on ${run.url}`, []]);
      assert.match(probot!, /^Running Probot v14\.\d+\.\d+ \(Node\.js: 2[24]\.\d+\.\d+\)$/);

      // The setup page: / leads there; it says where webhooks go and asks for the organization first.
      assert.deepEqual(await get(`${run.url}/`).then((r) => [r.status, r.location]), [302, '/probot']);
      const first = await get(`${run.url}/probot`);
      assert.equal(first.status, 200);
      assert.equal(textOf(first.body, 'intro'), texts.intro);
      assert.equal(textOf(first.body, 'webhook'), texts.webhookPublic(webhookUrl));
      assert.match(first.body, new RegExp(texts.ownerQuestion.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
      assert.equal(textOf(first.body, 'register'), texts.chooseOwnerFirst);
      assert.doesNotMatch(first.body, /name="manifest"/, 'no manifest to post before the owner is chosen');

      // A name that is not an organization's is refused on the page.
      const bad = await get(`${run.url}/probot?org=${encodeURIComponent('shop inc')}`);
      assert.equal(textOf(bad.body, 'problem'), '"shop inc" is not a GitHub organization name (letters, digits and single hyphens, at most 39)');
      assert.equal(textOf(bad.body, 'register'), texts.chooseOwnerFirst);

      // The organization chosen: the form posts app.yml's manifest to GitHub's page for that organization.
      const chosen = await get(`${run.url}/probot?org=shop`);
      assert.equal(textOf(chosen.body, 'owner'), texts.ownerChosen('shop', 'the form', 'Ladder (shop)'));
      assert.equal(textOf(chosen.body, 'next'), texts.next);
      const action = attributeOf(chosen.body, /<form[^>]*id="register"[^>]*>/, 'action');
      assert.equal(action, `${github.url}/organizations/shop/settings/apps/new`);
      assert.match(chosen.body, /<button class="btn btn-primary" type="submit">Register Ladder \(shop\) on GitHub<\/button>/);
      const manifest = JSON.parse(attributeOf(chosen.body, /<input[^>]*name="manifest"[^>]*>/, 'value')!) as Record<string, unknown>;
      assert.deepEqual(manifest, {
        name: 'Ladder (shop)',
        url: 'https://github.com/ladder-gitops/ladder',
        description: 'GitOps promotion by pull request — renders, validates and promotes Kubernetes manifests across environment branches.',
        public: false,
        hook_attributes: { url: webhookUrl, active: true },
        redirect_url: `${run.url}/probot/setup`,
        default_events: appYml.default_events,
        default_permissions: appYml.default_permissions,
      });

      // The import page names the webhook URL to set (it named nothing before).
      const imported = await get(`${run.url}/probot/import`);
      assert.equal(textOf(imported.body, 'webhook'), texts.importWebhook(webhookUrl));
      assert.equal(attributeOf(imported.body, /<a href="[^"]*settings\/apps"/, 'href'), `${github.url}/settings/apps`);

      // GitHub: the manifest posted as the browser would, confirmed; back to Probot's flow with a code.
      const confirmed = await fetch(action!, { method: 'POST', redirect: 'manual', body: new URLSearchParams({ manifest: JSON.stringify(manifest) }) });
      assert.equal(confirmed.status, 302);
      const back = new URL(confirmed.headers.get('location')!);
      assert.equal(`${back.origin}${back.pathname}`, `${run.url}/probot/setup`);
      const exchanged = await get(back.href);
      assert.equal(exchanged.status, 302, exchanged.body);
      const app = github.apps().find((a) => a.slug === 'ladder-shop');
      assert.ok(app, 'GitHub registered the App');
      assert.equal(app.webhookUrl, webhookUrl);
      assert.equal(exchanged.location, `${github.url}/apps/ladder-shop/installations/new`);
      await eventually(() => messages(setup).includes(texts.registered(exchanged.location!)), 'the line after registering');

      const dotenv = await readFile(join(run.dir, '.env'), 'utf8');
      assert.match(dotenv, new RegExp(`^APP_ID=${app.id}$`, 'm'));
      assert.match(dotenv, new RegExp(`^WEBHOOK_SECRET=${app.webhookSecret}$`, 'm'));
      assert.match(dotenv, /^PRIVATE_KEY="-----BEGIN RSA PRIVATE KEY-----\\n/m);
      assert.ok(!setup.stdout().includes(app.webhookSecret) && !setup.stdout().includes('PRIVATE KEY'), 'a credential reached the log');

      // The installation page, as the person who registered it installs it on the organization.
      const installed = await fetch(exchanged.location!, { method: 'POST', body: new URLSearchParams({ account: 'shop' }) });
      assert.equal(installed.status, 200, await installed.text());
    } finally {
      await stop(setup);
    }

    // Started again in the same directory: .env makes it the App, which GitHub now sends webhooks to.
    const running = await run.start();
    try {
      await eventually(async () => (await get(`${run.url}/readyz`)).status === 200, 'the App to authenticate with GitHub', 60_000, 200);
      assert.ok(messages(running).includes("read the App's settings from .env (variables already set win)"));
      assert.ok(messages(running).includes('authenticated with GitHub as the App'));
      const { codeRepo, manifestRepo } = await createService(github, { service: 'first-run' });
      await mergePullRequest(github, codeRepo, { branch: 'feature', title: 'First feature', files: { 'src/feature.txt': 'on\n' } });
      const pulls = await eventually(async () => {
        const found = await pullsInto(github, manifestRepo, 'dev', 'all');
        return found.length > 0 ? found : undefined;
      }, `a promotion pull request on ${manifestRepo}`, 60_000, 250);
      const pull = await userOctokit(github, 'dev').rest.pulls.get({ owner: 'shop', repo: 'first-run-manifests', pull_number: pulls[0]!.number });
      assert.equal(pull.data.user?.login, 'ladder-shop[bot]', 'opened by the App registered above');
      assert.ok(github.webhooks.deliveries.some((d) => d.url === `${run.url}/api/github/webhooks` && d.attempts.some((a) => a.status === 200)), 'GitHub delivered to the App');
    } finally {
      await stop(running);
    }
  });
});

describe('npm start with nothing set: the smee.io channel Probot creates', () => {
  it('is explained on the page and in the log, registered as the webhook URL, and forwarded from by the App started again', async () => {
    const smee = await startSmeeStandIn();
    const run = await firstRun(github);
    try {
      const setup = await run.start({ ...smee.env, GH_ORG: 'shop' });
      let channel: string;
      try {
        assert.equal(smee.channels.length, 1, 'Probot asked smee.io for a channel');
        channel = smee.channels[0]!;
        const explained = `GitHub will send webhooks to ${channel}, a smee.io channel created for this checkout and saved in .env as WEBHOOK_PROXY_URL. While Ladder runs here, it forwards each delivery from the channel to ${run.url}/api/github/webhooks, so GitHub reaches it without a public address. Anyone who knows the channel can read its deliveries: use it to try Ladder, and register a server with LADDER_WEBHOOK_URL, its public address.`;
        assert.ok(messages(setup).includes(`Webhooks: ${explained}`), messages(setup).join('\n'));
        // Another name: the first test registered 'Ladder (shop)' on this GitHub already, and App names are unique.
        const page = await get(`${run.url}/probot?name=${encodeURIComponent('Ladder (smee)')}`);
        assert.equal(textOf(page.body, 'webhook'), explained);
        assert.equal(textOf(page.body, 'owner'), texts.ownerChosen('shop', 'GH_ORG', 'Ladder (smee)'));
        assert.equal(textOf((await get(`${run.url}/probot/import`)).body, 'webhook'), texts.importWebhook(channel));
        assert.match(await readFile(join(run.dir, '.env'), 'utf8'), new RegExp(`^WEBHOOK_PROXY_URL=${channel}$`, 'm'));
        const manifest = JSON.parse(attributeOf(page.body, /<input[^>]*name="manifest"[^>]*>/, 'value')!) as { hook_attributes: { url: string } };
        assert.equal(manifest.hook_attributes.url, channel);
        const confirmed = await fetch(`${github.url}/organizations/shop/settings/apps/new`, { method: 'POST', redirect: 'manual', body: new URLSearchParams({ manifest: JSON.stringify(manifest) }) });
        const exchanged = await get(confirmed.headers.get('location')!);
        assert.equal(exchanged.status, 302, exchanged.body);
        await fetch(exchanged.location!, { method: 'POST', body: new URLSearchParams({ account: 'shop' }) });
      } finally {
        await stop(setup);
      }

      const running = await run.start(smee.env);
      try {
        await eventually(() => messages(running).includes('forwarding deliveries from the webhook proxy channel in WEBHOOK_PROXY_URL'), 'the App to listen to the channel', 60_000, 100);
        assert.ok(!running.stdout().includes(channel), 'the channel, which reads every delivery, stays out of the log');
        await eventually(async () => (await get(`${run.url}/readyz`)).status === 200, 'the App to authenticate with GitHub', 60_000, 200);
        const { codeRepo, manifestRepo } = await createService(github, { service: 'through-smee' });
        await mergePullRequest(github, codeRepo, { branch: 'feature', title: 'Through smee', files: { 'src/feature.txt': 'on\n' } });
        const pulls = await eventually(async () => {
          const found = await pullsInto(github, manifestRepo, 'dev', 'all');
          return found.length > 0 ? found : undefined;
        }, `a promotion pull request on ${manifestRepo}`, 60_000, 250);
        assert.equal(pulls[0]!.user?.login, 'ladder-smee[bot]', 'opened by the App registered through the channel');
        assert.ok((smee.relayed.get(channel.split('/').pop()!) ?? 0) > 0, 'the deliveries went through the channel');
      } finally {
        await stop(running);
      }
    } finally {
      await smee.stop();
    }
  });
});

describe('the setup page, when the owner or the webhook URL is not given', () => {
  it('GH_ORG chooses the organization before the page opens; the personal account is explained when chosen', async () => {
    const run = await firstRun(github);
    const webhookUrl = 'https://ladder.example.org/api/github/webhooks';
    const setup = await run.start({ LADDER_WEBHOOK_URL: webhookUrl, GH_ORG: 'shop' });
    try {
      assert.ok(messages(setup).includes(texts.ownerFromGhOrgLog('shop')), messages(setup).join('\n'));
      const page = await get(`${run.url}/probot`);
      assert.equal(textOf(page.body, 'owner'), texts.ownerChosen('shop', 'GH_ORG', 'Ladder (shop)'));
      assert.equal(attributeOf(page.body, /<form[^>]*id="register"[^>]*>/, 'action'), `${github.url}/organizations/shop/settings/apps/new`);
      const personal = await get(`${run.url}/probot?personal=1&name=${encodeURIComponent('Ladder for me')}`);
      assert.equal(textOf(personal.body, 'owner'), texts.ownerPersonal('Ladder for me'));
      assert.equal(attributeOf(personal.body, /<form[^>]*id="register"[^>]*>/, 'action'), `${github.url}/settings/apps/new`);
      const tooLong = await get(`${run.url}/probot?org=shop&name=${'x'.repeat(35)}`);
      assert.equal(textOf(tooLong.body, 'problem'), `"${'x'.repeat(35)}" is longer than the 34 characters GitHub allows for an App name`);
    } finally {
      await stop(setup);
    }
  });

  it('without a webhook URL it registers nothing and says what to set, on the setup page, the import page and in the log', async () => {
    const run = await firstRun(github);
    const setup = await run.start({ NO_SMEE_SETUP: 'true' });
    try {
      const none =
        'There is no webhook URL to register the App with: NO_SMEE_SETUP is true, so no smee.io channel is created. Set LADDER_WEBHOOK_URL to the address GitHub can reach this App at (such as https://ladder.example.org/api/github/webhooks), or WEBHOOK_PROXY_URL to a channel from https://smee.io/new, and start Ladder again.';
      assert.ok(messages(setup).includes(`Webhooks: ${none}`), messages(setup).join('\n'));
      const page = await get(`${run.url}/probot?org=shop`);
      assert.equal(textOf(page.body, 'webhook'), none);
      assert.equal(textOf(page.body, 'register'), 'Give Ladder a webhook URL first (step 1).');
      assert.doesNotMatch(page.body, /name="manifest"/);
      assert.equal(textOf((await get(`${run.url}/probot/import`)).body, 'webhook'), none);
    } finally {
      await stop(setup);
    }
  });

  it('when smee.io cannot be reached for a channel, the page says so instead of registering a placeholder', async () => {
    const run = await firstRun(github);
    // Probot's flow asks https://smee.io/new through the proxy smee-client honours; nothing listens there.
    const setup = await run.start({ HTTPS_PROXY: 'http://127.0.0.1:9', NO_PROXY: '127.0.0.1,localhost' });
    try {
      const none = 'There is no webhook URL to register the App with: no smee.io channel could be created (smee.io did not answer).';
      const page = await get(`${run.url}/probot?org=shop`);
      assert.ok(textOf(page.body, 'webhook')!.startsWith(none), textOf(page.body, 'webhook'));
      assert.equal(textOf(page.body, 'register'), 'Give Ladder a webhook URL first (step 1).');
      assert.ok(messages(setup).includes('Unable to connect to smee.io, try restarting your server.'), messages(setup).join('\n'));
      await assert.rejects(readFile(join(run.dir, '.env'), 'utf8'), { code: 'ENOENT' });
    } finally {
      await stop(setup);
    }
  });
});
