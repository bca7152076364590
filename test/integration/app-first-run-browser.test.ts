// Issue 12's first run as a person sees it: the setup page and the import page of `npm start`
// (`ladder app` without credentials) in headless Chromium (Debian's, through playwright-core), against
// the GitHub test bed's App-manifest flow. What the person reads is asserted on the rendered pages.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startGitHubServer, type GitHubServer } from '../bed/github/index.js';
import { eventually } from '../support/agent/log.js';
import { openBrowser, type Browser } from '../support/browser.js';
import { firstRun } from '../support/first-run.js';
import type { LadderProcess } from '../support/ladder-process.js';

let github: GitHubServer;
let browser: Browser;
before(async () => {
  github = await startGitHubServer();
  browser = await openBrowser();
});
after(async () => {
  await browser?.close();
  await github?.stop();
});

async function stop(app: LadderProcess): Promise<void> {
  app.child.kill('SIGTERM');
  assert.equal(await app.exited, 0, app.stderr());
}

const visible = (selector: string) => browser.page.locator(selector).innerText().then((text) => text.replace(/\s+/g, ' ').trim());

describe('the first run in a browser', () => {
  it('the setup page asks for the organization, then GitHub registers the App and the browser lands on its installation page', async () => {
    const run = await firstRun(github);
    const webhookUrl = `${run.url}/api/github/webhooks`;
    const setup = await run.start({ LADDER_WEBHOOK_URL: webhookUrl });
    const { page } = browser;
    try {
      await page.goto(`${run.url}/`);
      assert.equal(page.url(), `${run.url}/probot`);
      assert.equal(await page.title(), 'Register Ladder with GitHub');
      assert.equal(await visible('h1'), 'Register Ladder with GitHub');
      assert.deepEqual(await page.locator('h2').allInnerTexts(), ['1. Webhooks', '2. Owner', '3. Register']);
      assert.equal(await visible('#webhook'), `GitHub will send webhooks to ${webhookUrl}, the address in LADDER_WEBHOOK_URL. It must reach this server's webhook path once Ladder runs there.`);
      assert.match(await visible('main'), /A GitHub App is private to the account that registers it, and only that account can install it: an App registered on your personal account cannot be installed on an organization\./);
      assert.equal(await visible('#register'), 'Choose the owner first (step 2).');
      assert.equal(await page.locator('button', { hasText: /^Register / }).count(), 0, 'nothing to register before the owner is chosen');

      await page.fill('#org', 'shop');
      await page.fill('#name', 'Ladder (browser)');
      await page.click('button:has-text("Continue")');
      assert.equal(page.url(), `${run.url}/probot?org=shop&name=Ladder+%28browser%29`);
      assert.equal(await visible('#owner'), 'Ladder will be registered on the organization shop (from the form) as Ladder (browser). Change');
      assert.match(await visible('#next'), /^GitHub shows you the App to confirm, then sends you back here/);

      // Posts the manifest to GitHub, which (confirmed at once by the bed) sends the browser back with a
      // code; Probot's flow exchanges it and sends the browser on to the App's installation page.
      await page.click('button:has-text("Register Ladder (browser) on GitHub")');
      await page.waitForURL(`${github.url}/apps/ladder-browser/installations/new`);
      assert.equal(await visible('body'), 'Install Ladder (browser) on octocat or one of its organizations: POST account=<login>[&repositories=a,b].');
      const app = github.apps().find((a) => a.slug === 'ladder-browser');
      assert.ok(app);
      assert.equal(app.webhookUrl, webhookUrl);
      assert.match(await readFile(join(run.dir, '.env'), 'utf8'), new RegExp(`^APP_ID=${app.id}$`, 'm'));
      await eventually(() => setup.stdout().includes('Ladder is registered on GitHub and its credentials are saved in .env.'), 'the line after registering');
    } finally {
      await stop(setup);
    }
  });

  it('the import page names the webhook URL to set and saves an existing App\'s credentials', async () => {
    const run = await firstRun(github);
    const webhookUrl = 'https://ladder.example.org/api/github/webhooks';
    const setup = await run.start({ LADDER_WEBHOOK_URL: webhookUrl });
    const { page } = browser;
    try {
      await page.goto(`${run.url}/probot`);
      await page.click('text=Use an existing GitHub App instead');
      assert.equal(page.url(), `${run.url}/probot/import`);
      assert.equal(await visible('h1'), 'Use an existing GitHub App');
      assert.equal(
        await visible('#webhook'),
        `In the App's settings on GitHub (your GitHub Apps, or your organization's Settings, Developer settings, GitHub Apps), set its Webhook URL to ${webhookUrl} and give it the permissions and events listed in app.yml.`,
      );
      const keyFile = join(run.dir, 'existing.pem');
      await writeFile(keyFile, github.app.privateKey);
      await page.fill('#appId', String(github.app.id));
      await page.fill('#whs', github.app.webhookSecret);
      await page.setInputFiles('#pem', keyFile);
      await page.click('button:has-text("Save")');
      await page.waitForURL(`${run.url}/probot/success`);
      assert.equal(await visible('#saved'), "The App's credentials are saved in .env. Stop this server (Ctrl-C) and start it again: it then runs the App and receives its webhooks.");
      const dotenv = await readFile(join(run.dir, '.env'), 'utf8');
      assert.match(dotenv, new RegExp(`^APP_ID=${github.app.id}$`, 'm'));
      assert.match(dotenv, new RegExp(`^WEBHOOK_SECRET=${github.app.webhookSecret}$`, 'm'));
      await eventually(() => setup.stdout().includes("The App's credentials are saved in .env. Stop this server (Ctrl-C) and start it again to run the App."), 'the line after saving');
    } finally {
      await stop(setup);
    }
  });
});
