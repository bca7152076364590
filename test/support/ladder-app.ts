import assert from 'node:assert/strict';
import type { GitHubServer } from '../bed/github/index.js';
import { signWebhook } from '../bed/github/index.js';
import { eventually } from './agent/log.js';
import { createService, mergePullRequest } from './github-service.js';
import { pullsInto } from './promotion-fixtures.js';

// Checks shared by the tests that run `ladder app` as a process and as a
// container: the probes, a signed webhook that leads to a promotion pull
// request, and a delivery with a wrong signature refused.

/** The environment `ladder app` needs to talk to the GitHub test bed (the key is passed as a file). */
export function appEnvironment(github: GitHubServer, privateKeyPath: string, port: number): Record<string, string> {
  return {
    APP_ID: String(github.app.id),
    PRIVATE_KEY_PATH: privateKeyPath,
    WEBHOOK_SECRET: github.app.webhookSecret,
    LADDER_GITHUB_API_URL: github.url,
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: 'debug',
    // JSON lines, as in production (the default outside it is readable lines).
    LOG_FORMAT: 'json',
  };
}

export async function probe(url: string): Promise<{ status: number; body: string }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  return { status: response.status, body: await response.text() };
}

/** Waits until /readyz answers 200; fails with its last answer. */
export async function waitUntilReady(baseUrl: string, timeoutMs = 60_000): Promise<void> {
  let last = 'no answer';
  try {
    await eventually(
      async () => {
        try {
          const answer = await probe(`${baseUrl}/readyz`);
          last = `${answer.status} ${answer.body.trim()}`;
          return answer.status === 200;
        } catch (error) {
          last = String(error);
          return false;
        }
      },
      'the App to be ready',
      timeoutMs,
      200,
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}; /readyz last said: ${last}`);
  }
}

/**
 * A merge in a code repository reaches the App as a signed `pull_request`
 * webhook from the test bed; the App renders and opens the dev promotion pull
 * request on the manifest repository. Returns that pull request's title.
 */
export async function promotionFromSignedWebhook(github: GitHubServer, webhookUrl: string, service: string): Promise<string> {
  github.webhooks.url = webhookUrl;
  const { codeRepo, manifestRepo } = await createService(github, { service });
  const merged = await mergePullRequest(github, codeRepo, { branch: 'feature', title: 'Add a feature', files: { 'src/feature.txt': 'on\n' } });
  await github.webhooks.settled();
  const delivery = github.webhooks.deliveries.find((d) => d.event === 'pull_request' && d.action === 'closed' && d.body.includes(merged.mergeSha));
  assert.ok(delivery, 'the test bed sent the merge webhook');
  assert.deepEqual(
    delivery.attempts.filter((a) => !a.duplicate).map((a) => a.status),
    [200],
    'the App accepted the signed delivery',
  );
  // GitHub may deliver an event twice (the bed does, from its seed): a duplicate is accepted too.
  assert.ok(delivery.attempts.every((a) => a.status === 200), JSON.stringify(delivery.attempts.map((a) => a.status)));
  let titles: string[] = [];
  await eventually(
    async () => {
      titles = (await pullsInto(github, manifestRepo, 'dev', 'all')).map((pull) => pull.title);
      return titles.length > 0;
    },
    `a promotion pull request on ${manifestRepo}`,
    60_000,
    250,
  );
  assert.equal(titles.length, 1, `one promotion pull request: ${titles.join(', ')}`);
  return titles[0]!;
}

/** A delivery signed with another secret is refused with 401, and nothing of it is processed. */
export async function deliveryWithWrongSignature(webhookUrl: string): Promise<number> {
  const body = JSON.stringify({ zen: 'Keep it logically awesome.', hook_id: 1 });
  const response = await fetch(webhookUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': 'ping',
      'x-github-delivery': '00000000-0000-4000-8000-000000000001',
      'x-hub-signature-256': signWebhook('not-the-secret', body),
    },
    body,
  });
  await response.text();
  return response.status;
}
