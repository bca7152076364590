import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { verify } from '@octokit/webhooks-methods';
import { createNodeMiddleware, Probot } from 'probot';
import { startGitHubServer, type GitHubServer } from '../../bed/github/index.js';
import { installationOctokit, userOctokit, type BedOctokit } from '../../bed/github/clients.js';
import { startWebhookReceiver, type WebhookReceiver } from '../../bed/github/receiver.js';

const owner = 'shop';
const repo = 'hooks';
const fullName = `${owner}/${repo}`;

interface Example {
  name: string;
  examples: Record<string, unknown>[];
}
const examples = createRequire(import.meta.url)('@octokit/webhooks-examples') as Example[];

function exampleOf(event: string, action: string | undefined): Record<string, unknown> {
  const found = examples.find((e) => e.name === event)?.examples.find((e) => e.action === action);
  assert.ok(found, `@octokit/webhooks-examples has ${event}.${action}`);
  return found;
}

/** Keys the recorded example has that ours lacks, at the top and one level down. */
function missingKeys(ours: Record<string, unknown>, example: Record<string, unknown>): string[] {
  const missing: string[] = [];
  for (const [key, value] of Object.entries(example)) {
    if (!(key in ours)) missing.push(key);
    else if (value && typeof value === 'object' && !Array.isArray(value)) {
      const mine = (ours[key] ?? {}) as Record<string, unknown>;
      for (const inner of Object.keys(value)) if (!(inner in mine)) missing.push(`${key}.${inner}`);
    }
  }
  return missing;
}

describe('GitHub server: webhooks', () => {
  let github: GitHubServer;
  let app: BedOctokit;
  let receiver: WebhookReceiver;
  let pullNumber: number;

  before(async () => {
    github = await startGitHubServer();
    receiver = await startWebhookReceiver();
    github.webhooks.url = receiver.url;
    await github.createRepo(fullName);
    github.setPermission(fullName, 'dev', 'write');
    app = installationOctokit(github, fullName);
    await github.seed.commitFiles(fullName, 'feature', { 'f.yaml': 'f: 1\n' }, { from: 'main' });
    pullNumber = (await app.rest.pulls.create({ owner, repo, head: 'feature', base: 'main', title: 'Feature' })).data.number;
    await userOctokit(github, 'dev').rest.issues.createComment({ owner, repo, issue_number: pullNumber, body: '/ladder diff' });
    await userOctokit(github, 'dev').rest.pulls.createReview({ owner, repo, pull_number: pullNumber, event: 'APPROVE' });
    await app.rest.pulls.merge({ owner, repo, pull_number: pullNumber });
    const deployment = await app.rest.repos.createDeployment({ owner, repo, ref: 'main', environment: 'dev', auto_merge: false, required_contexts: [] });
    await app.rest.repos.createDeploymentStatus({ owner, repo, deployment_id: (deployment.data as { id: number }).id, state: 'success' });
    await github.webhooks.settled();
  });

  after(async () => {
    await github.stop();
    await receiver.close();
  });

  it('sends each event with GitHub\'s headers and a valid signature', async () => {
    const events = receiver.received.map((h) => `${h.event}.${String(h.payload.action ?? '')}`);
    for (const expected of ['pull_request.opened', 'issue_comment.created', 'pull_request_review.submitted', 'push.', 'pull_request.closed', 'deployment_status.created']) {
      assert.ok(events.includes(expected), `${expected} in ${events.join(', ')}`);
    }
    for (const hook of receiver.received) {
      assert.match(hook.deliveryId, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      assert.equal(hook.headers['content-type'], 'application/json');
      assert.equal(hook.headers['x-github-hook-installation-target-type'], 'integration');
      assert.equal(hook.headers['x-github-hook-installation-target-id'], String(github.app.id));
      assert.equal(await verify(github.app.webhookSecret, hook.body, String(hook.headers['x-hub-signature-256'])), true);
    }
    // One delivery id per event raised; a duplicate delivery (GitHub's at-least-once) repeats an id with the same bytes.
    const byId = new Map<string, string[]>();
    for (const hook of receiver.received) byId.set(hook.deliveryId, [...(byId.get(hook.deliveryId) ?? []), hook.body]);
    assert.equal(byId.size, github.webhooks.emitted.length);
    for (const bodies of byId.values()) assert.equal(new Set(bodies).size, 1);
  });

  it('has every key of the recorded @octokit/webhooks-examples payloads', () => {
    for (const [event, action] of [
      ['pull_request', 'closed'],
      ['push', undefined],
      ['issue_comment', 'created'],
      ['pull_request_review', 'submitted'],
      ['deployment_status', 'created'],
    ] as const) {
      const ours = github.webhooks.emitted.find((e) => e.event === event && e.action === action)?.payload;
      assert.ok(ours, `${event}.${action} was raised`);
      assert.deepEqual(missingKeys(ours as Record<string, unknown>, exampleOf(event, action)), [], `${event}.${action}`);
    }
  });

  it('builds payloads from state for hand-sent webhooks, and Probot accepts them', async () => {
    const seen: { name: string; merged?: boolean; deliveryId: string }[] = [];
    const probot = new Probot({ appId: github.app.id, privateKey: github.app.privateKey, secret: github.app.webhookSecret, baseUrl: github.url, logLevel: 'fatal' });
    const middleware = await createNodeMiddleware(
      (bot) => {
        bot.on('pull_request.closed', async (context) => {
          seen.push({ name: context.name, merged: context.payload.pull_request.merged, deliveryId: context.id });
        });
      },
      { probot },
    );
    const server: Server = createServer((req, res) => void middleware(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/github/webhooks`;
      const payload = await github.payloads.pullRequest(fullName, pullNumber, 'closed');
      const sent = await github.sendWebhook(url, 'pull_request', payload, { deliveryId: 'delivery-1' });
      assert.equal(sent.status, 200);
      const again = await github.redeliver('delivery-1');
      assert.equal(again.status, 200);
      assert.deepEqual(seen, [
        { name: 'pull_request', merged: true, deliveryId: 'delivery-1' },
        { name: 'pull_request', merged: true, deliveryId: 'delivery-1' },
      ]);
      const forged = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-github-event': 'pull_request', 'x-github-delivery': 'x', 'x-hub-signature-256': 'sha256=00' },
        body: JSON.stringify(payload),
      });
      assert.ok(forged.status >= 400, 'Probot refuses a body whose signature does not match');
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('records failed deliveries, and redelivery keeps the id and body', async () => {
    const failing = await startWebhookReceiver(500);
    try {
      const payload = await github.payloads.push(fullName, { ref: 'refs/heads/main', before: null, after: (await app.rest.repos.getBranch({ owner, repo, branch: 'main' })).data.commit.sha });
      const first = await github.sendWebhook(failing.url, 'push', payload);
      assert.equal(first.status, 500);
      await github.redeliver(first.deliveryId);
      const delivery = github.webhooks.deliveries.find((d) => d.id === first.deliveryId);
      assert.deepEqual(delivery?.attempts.map((a) => [a.status, a.redelivery]), [[500, false], [500, true]]);
      assert.equal(failing.received[0]?.body, failing.received[1]?.body);
      assert.equal(failing.received[1]?.deliveryId, first.deliveryId);
    } finally {
      await failing.close();
    }
    const unreachable = await github.sendWebhook('http://127.0.0.1:1/hooks', 'push', { ref: 'x' }, { skipContract: true });
    assert.equal(unreachable.status, null);
    await assert.rejects(github.redeliver('no-such-delivery'), /no delivery/);
  });

  it('raised and sent nothing that GitHub\'s OpenAPI description does not allow', () => github.contract.assertClean());
});
