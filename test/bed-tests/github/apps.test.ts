import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createAppAuth } from '@octokit/auth-app';
import { Octokit } from '@octokit/rest';
import { verify } from '@octokit/webhooks-methods';
import { signAppJwt, startGitHubServer, startWebhookReceiver, type GitHubServer, type WebhookReceiver } from '../../bed/github/index.js';
import { installationOctokit } from '../../bed/github/clients.js';
import { rejection } from '../../bed/github/expect.js';

const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
const seconds = () => Math.floor(Date.now() / 1000);

// The App-manifest flow Probot's setup drives (a form posted to /settings/apps/new, a redirect with
// a code, POST /app-manifests/{code}/conversions), the new App working like any other (JWT,
// installations, its own webhooks), an App's webhook deliveries API with redelivery, and the
// GitHub Enterprise Server prefix /api/v3 that Probot's GHE_HOST points at.
describe('GitHub server: Apps — the manifest flow, several Apps, the deliveries API', () => {
  let github: GitHubServer;
  let ladderHooks: WebhookReceiver;
  let otherHooks: WebhookReceiver;
  let created: { id: number; slug: string; pem: string; webhook_secret: string | null; client_id: string; client_secret: string; html_url: string; owner: { login: string } | null; events: string[] };

  before(async () => {
    github = await startGitHubServer({ deliveries: { inOrder: 'reads the delivery log in the order events were raised' } });
    ladderHooks = await startWebhookReceiver();
    otherHooks = await startWebhookReceiver();
    github.webhooks.url = ladderHooks.url;
    await github.createRepo('shop/both');
  });

  after(async () => {
    await github.stop();
    await ladderHooks.close();
    await otherHooks.close();
  });

  it('creates an App from a manifest: the form redirects with a code, the code converts once into credentials', async () => {
    const manifest = {
      name: 'Ladder Staging',
      url: 'https://ladder.example.com',
      hook_attributes: { url: otherHooks.url },
      redirect_url: 'http://127.0.0.1:9/probot/setup',
      setup_url: 'http://127.0.0.1:9/probot/success',
      public: false,
      default_events: ['push', 'check_suite'],
      default_permissions: { contents: 'read', checks: 'write' },
    };
    github.web.signedInAs = 'ana';
    const form = await fetch(`${github.url}/organizations/shop/settings/apps/new?state=xyz`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ manifest: JSON.stringify(manifest) }),
      redirect: 'manual',
    });
    assert.equal(form.status, 302);
    const location = new URL(form.headers.get('location') ?? '');
    assert.equal(`${location.origin}${location.pathname}`, manifest.redirect_url);
    assert.equal(location.searchParams.get('state'), 'xyz');
    const code = location.searchParams.get('code') ?? '';
    assert.match(code, /^[0-9a-f]{40}$/);

    // As Probot's setup calls it: no credentials, through GitHub Enterprise Server's /api/v3 prefix.
    const anonymous = new Octokit({ baseUrl: `${github.url}/api/v3`, log: quiet });
    const { data, status } = await anonymous.request('POST /app-manifests/{code}/conversions', { code });
    created = data as typeof created;
    assert.equal(status, 201);
    assert.deepEqual([created.slug, created.owner?.login, created.events], ['ladder-staging', 'shop', ['push', 'check_suite']]);
    assert.match(created.pem, /^-----BEGIN RSA PRIVATE KEY-----/);
    assert.ok(created.webhook_secret && created.client_secret && created.client_id.startsWith('Iv23'));
    assert.notEqual(created.pem, github.app.privateKey, 'a key of its own');
    assert.equal((await rejection(anonymous.request('POST /app-manifests/{code}/conversions', { code }))).status, 404, 'a code works once');
    github.contract.assertClean();
  });

  it('authenticates the new App with its own key only, and installs it next to the first', async () => {
    const jwt = (key: string, iss: number | string) => signAppJwt(key, { iss, iat: seconds() - 30, exp: seconds() + 500 });
    const asNew = new Octokit({ baseUrl: github.url, auth: jwt(created.pem, created.id), log: quiet });
    assert.equal((await asNew.rest.apps.getAuthenticated()).data?.slug, 'ladder-staging');
    const byClientId = new Octokit({ baseUrl: github.url, auth: jwt(created.pem, created.client_id), log: quiet });
    assert.equal((await byClientId.rest.apps.getAuthenticated()).data?.id, created.id);
    const wrongKey = new Octokit({ baseUrl: github.url, auth: jwt(github.app.privateKey, created.id), log: quiet });
    assert.equal((await rejection(wrongKey.rest.apps.getAuthenticated())).status, 401);

    const installation = github.installations.install('shop', { appId: created.id });
    assert.deepEqual((await asNew.rest.apps.listInstallations()).data.map((i) => i.id), [installation], 'it sees only its own installations');
    assert.equal((await rejection(asNew.rest.apps.getInstallation({ installation_id: github.installations.idFor('shop/both') }))).status, 404);
    const client = new Octokit({ baseUrl: github.url, authStrategy: createAppAuth, auth: { appId: created.id, privateKey: created.pem, installationId: installation }, log: quiet });
    assert.equal((await client.rest.repos.get({ owner: 'shop', repo: 'both' })).data.full_name, 'shop/both');
    const refused = await rejection(client.rest.issues.createLabel({ owner: 'shop', repo: 'both', name: 'x' }));
    assert.equal(refused.status, 403, 'it asked for no issues permission');
    github.contract.assertClean();
  });

  it('delivers each event to every App installed that subscribes to it, signed with its secret', async () => {
    await github.seed.commitFiles('shop/both', 'main', { 'x.txt': 'x\n' });
    const app = installationOctokit(github, 'shop/both');
    const { data: sha } = await app.rest.repos.getBranch({ owner: 'shop', repo: 'both', branch: 'main' });
    await app.rest.repos.createCommitStatus({ owner: 'shop', repo: 'both', sha: sha.commit.sha, state: 'success', context: 'ci' });
    await github.webhooks.settled();
    assert.deepEqual(ladderHooks.received.map((h) => h.event), ['push', 'status']);
    assert.deepEqual(otherHooks.received.map((h) => h.event), ['push', 'check_suite'], 'the new App subscribes to push and check_suite (which a push requests of it), not status');
    const [push] = otherHooks.received;
    assert.equal(push!.headers['x-github-hook-installation-target-id'], String(created.id));
    assert.equal((push!.payload.installation as { id: number }).id, github.installations.idFor('shop/both', created.id));
    assert.equal(await verify(created.webhook_secret!, push!.body, String(push!.headers['x-hub-signature-256'])), true);
    assert.equal(await verify(github.app.webhookSecret, push!.body, String(push!.headers['x-hub-signature-256'])), false);
  });

  it('lists an App\'s deliveries newest first by cursor, shows one with request and response, and redelivers it', async () => {
    const asLadder = new Octokit({ baseUrl: github.url, auth: signAppJwt(github.app.privateKey, { iss: github.app.id, iat: seconds() - 30, exp: seconds() + 500 }), log: quiet });
    const { data: firstPage, headers } = await asLadder.rest.apps.listWebhookDeliveries({ per_page: 1 });
    assert.deepEqual(firstPage.map((d) => [d.event, d.status, d.status_code, d.redelivery]), [['status', 'OK', 200, false]]);
    const cursor = new URL(/<([^>]+)>; rel="next"/.exec(headers.link ?? '')?.[1] ?? 'http://x').searchParams.get('cursor');
    const { data: secondPage } = await asLadder.rest.apps.listWebhookDeliveries({ per_page: 1, cursor: cursor ?? '' });
    assert.deepEqual(secondPage.map((d) => d.event), ['push']);

    const { data: one } = await asLadder.rest.apps.getWebhookDelivery({ delivery_id: firstPage[0]!.id });
    assert.equal((one.request.payload as { context?: string } | null)?.context, 'ci');
    assert.equal(one.response.payload, 'ok');
    assert.equal(one.guid, ladderHooks.received.find((h) => h.event === 'status')?.deliveryId);

    const accepted = await asLadder.rest.apps.redeliverWebhookDelivery({ delivery_id: firstPage[0]!.id });
    assert.equal(accepted.status, 202);
    await github.webhooks.settled();
    const again = ladderHooks.received.filter((h) => h.event === 'status');
    assert.equal(again.length, 2);
    assert.equal(again[1]!.deliveryId, again[0]!.deliveryId, 'a redelivery keeps the GUID');
    assert.equal(again[1]!.body, again[0]!.body);
    const { data: afterwards } = await asLadder.rest.apps.listWebhookDeliveries({ per_page: 5 });
    assert.deepEqual(afterwards.map((d) => [d.event, d.redelivery]), [['status', true], ['status', false], ['push', false]]);
    assert.equal((await asLadder.rest.apps.getWebhookConfigForApp()).data.url, ladderHooks.url);
    const asOther = new Octokit({ baseUrl: github.url, auth: signAppJwt(created.pem, { iss: created.id, iat: seconds() - 30, exp: seconds() + 500 }), log: quiet });
    assert.deepEqual((await asOther.rest.apps.listWebhookDeliveries()).data.map((d) => d.event), ['check_suite', 'push'], 'each App sees its own');
    assert.equal((await rejection(asOther.rest.apps.getWebhookDelivery({ delivery_id: firstPage[0]!.id }))).status, 404);
    github.contract.assertClean();
  });

  it('installs an App from its installation page, then sends people to its setup URL', async () => {
    await github.createRepo('ana/tools', { ownerType: 'User', install: false });
    const page = await fetch(`${github.url}/apps/ladder-staging/installations/new`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ account: 'ana', repositories: 'tools' }),
      redirect: 'manual',
    });
    assert.equal(page.status, 302);
    const location = new URL(page.headers.get('location') ?? '');
    assert.equal(location.pathname, '/probot/success');
    assert.equal(location.searchParams.get('setup_action'), 'install');
    assert.equal(Number(location.searchParams.get('installation_id')), github.installations.idFor('ana/tools', created.id));
    assert.equal((await fetch(`${github.url}/apps/no-such-app/installations/new`)).status, 404);
  });

  it('serves the REST API under /api/v3 as GitHub Enterprise Server does, for Probot\'s GHE_HOST', async () => {
    const ghes = new Octokit({ baseUrl: `${github.url}/api/v3`, authStrategy: createAppAuth, auth: { appId: github.app.id, privateKey: github.app.privateKey, installationId: github.installations.idFor('shop/both') }, log: quiet });
    const { data } = await ghes.rest.repos.get({ owner: 'shop', repo: 'both' });
    assert.equal(data.full_name, 'shop/both');
    assert.ok(github.requests.entries.some((r) => r.path === '/repos/shop/both' && r.route === '/repos/{owner}/{repo}'), 'logged under the route it matched');
    assert.equal((await fetch(`${github.url}/api/v3/settings/apps/new`, { method: 'POST' })).status, 404, 'pages are not under the API prefix');
    github.contract.assertClean();
  });
});
