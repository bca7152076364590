// The Slack notifier through an incoming webhook (no ts: every state change is
// a new message, still one per incident per minute), Retry-After on 429, Secret
// values, and deploy-failure / source-outage messages.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { systemClock } from '../../src/adapters/clock/clock.js';
import { createSlackNotifier } from '../../src/adapters/slack/index.js';
import { compareWithSnapshot } from '../../src/core/drift/index.js';
import { startSlackReceiver, type SlackReceiver } from '../bed/slack/index.js';
import { commit, imageIncident } from '../fixtures/drift/incidents.js';
import { secretValue } from '../fixtures/drift/manifests.js';
import { ManualClock } from '../support/manual-clock.js';

let slack: SlackReceiver;
before(async () => {
  slack = await startSlackReceiver({ channels: ['hooks', 'limited', 'secrets', 'ops'] });
});
after(() => slack.stop());

describe('Slack notifier, webhook mode', () => {
  it('posts a new message per state change, at most one per incident per minute, the resolution at once', async () => {
    const clock = new ManualClock();
    const notifier = createSlackNotifier({ webhookUrl: slack.webhookUrlFor('hooks') }, { clock, repository: 'shop/manifests' });
    const incident = imageIncident({ id: 'hook-1' });
    await notifier.driftDetected(incident);
    await notifier.driftDetected({ ...incident, revision: 2 });
    await notifier.flush();
    assert.equal(slack.messages('hooks').length, 1);
    clock.advance(59_999);
    await notifier.flush();
    assert.equal(slack.messages('hooks').length, 1);
    clock.advance(1);
    await notifier.flush();
    clock.advance(30_000);
    await notifier.driftDetected({ ...incident, revision: 3 });
    await notifier.flush();
    assert.equal(slack.messages('hooks').length, 2, 'a change within the minute waits');
    // The fix is said at once, in place of the change held back.
    await notifier.driftResolved({ ...incident, revision: 3, resolvedAt: clock.now(), resolution: 'fixed' });
    await notifier.flush();
    clock.advance(60_000);
    await notifier.flush();
    const messages = slack.messages('hooks');
    assert.equal(messages.length, 3);
    assert.ok(messages.every((m) => m.via === 'webhook'));
    assert.match(messages[2]!.text ?? '', /^Resolved drift in prd: Deployment shop-prd\/checkout/);
    assert.deepEqual(slack.violations, []);
    await notifier.close();
  });
});

describe('Slack notifier, rate limits', () => {
  it('waits as long as Retry-After says before calling again (Web API and webhook)', async () => {
    const bot = createSlackNotifier({ token: slack.token, channel: 'limited', apiUrl: slack.url }, { clock: systemClock });
    slack.rateLimit({ times: 2, retryAfterSeconds: 1, endpoint: 'chat.postMessage' });
    await bot.driftDetected(imageIncident({ id: 'limited-1' }));
    await bot.flush();
    const hook = createSlackNotifier({ webhookUrl: slack.webhookUrlFor('limited') }, { clock: systemClock });
    slack.rateLimit({ times: 1, retryAfterSeconds: 1, endpoint: 'webhook' });
    await hook.driftDetected(imageIncident({ id: 'limited-2' }));
    await hook.flush();

    assert.equal(slack.messages('limited').length, 2, 'both messages arrived after the limits');
    const delays = slack.retryDelays();
    assert.equal(delays.length, 3);
    for (const { endpoint, retryAfterMs, waitedMs } of delays) {
      assert.ok(waitedMs !== undefined && waitedMs >= retryAfterMs, `${endpoint}: waited ${waitedMs} ms of ${retryAfterMs}`);
    }
    assert.deepEqual(slack.violations, []);
    await Promise.all([bot.close(), hook.close()]);
  });
});

describe('Slack notifier, a Slack that never answers', () => {
  it('gives up on the call after the request timeout, so later alerts and shutdown are not held back', async () => {
    const held = new Set<Socket>();
    const silent = createServer((socket) => void held.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const warnings: unknown[] = [];
    const notifier = createSlackNotifier(
      { webhookUrl: `http://127.0.0.1:${(silent.address() as AddressInfo).port}/services/T0/B0/x` },
      { clock: systemClock, repository: 'shop/manifests', maxAttempts: 1, requestTimeoutMs: 300, log: { info: () => undefined, warn: (entry: unknown) => void warnings.push(entry) } },
    );
    try {
      const sendAndClose = async () => {
        await notifier.deployFailed({ environment: 'dev', commit, message: 'Apply failed', at: new Date() });
        await notifier.close();
        return 'closed';
      };
      const outcome = await Promise.race([sendAndClose(), new Promise((resolve) => setTimeout(() => resolve('hung'), 5000).unref())]);
      assert.equal(outcome, 'closed');
      assert.equal(warnings.length, 1, 'the undelivered message is logged');
    } finally {
      for (const socket of held) socket.destroy();
      silent.close();
    }
  });
});

describe('Slack notifier, Secrets', () => {
  it('never sends a Secret value, neither from a real comparison nor when a caller passes one', async () => {
    const captured = JSON.parse(readFileSync(new URL('../fixtures/drift/managed-fields.json', import.meta.url), 'utf8'));
    const result = compareWithSnapshot(captured.secretApplied, captured.secretEdited);
    assert.equal(result.status, 'drifted');
    const notifier = createSlackNotifier({ token: slack.token, channel: 'secrets', apiUrl: slack.url }, { clock: new ManualClock() });
    const object = { apiVersion: 'v1', kind: 'Secret', namespace: 'shop-prd', name: 'checkout-db' };
    await notifier.driftDetected(imageIncident({ id: 'secret-1', object, changes: result.status === 'drifted' ? result.changes : [] }));
    // A careless caller: unmasked values on a Secret still never reach Slack.
    await notifier.driftDetected(imageIncident({ id: 'secret-2', object, changes: [{ path: 'data.password', desired: secretValue, live: Buffer.from(secretValue).toString('base64') }] }));
    await notifier.flush();
    const received = JSON.stringify([slack.messages('secrets'), slack.violations]);
    assert.equal(slack.messages('secrets').length, 2);
    assert.match(received, /data\.password/);
    assert.match(received, /value hidden/);
    for (const forbidden of [secretValue, Buffer.from(secretValue).toString('base64'), 'changed-by-hand', Buffer.from('changed-by-hand').toString('base64')]) {
      assert.equal(received.includes(forbidden), false, `Slack received ${forbidden}`);
    }
    await notifier.close();
  });
});

describe('Slack notifier, deploys and source outages', () => {
  it('says a deploy failed once per commit, and a source outage once per episode', async () => {
    const notifier = createSlackNotifier({ token: slack.token, channel: 'ops', apiUrl: slack.url }, { clock: new ManualClock(), repository: 'shop/manifests' });
    const failure = {
      environment: 'stg',
      commit,
      message: 'Deployment shop-stg/checkout did not become ready within 300 s',
      failures: [{ object: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop-stg', name: 'checkout' }, message: 'ProgressDeadlineExceeded <b>' }],
      at: new Date('2026-01-05T10:00:00Z'),
    };
    await notifier.deployFailed(failure);
    await notifier.deployFailed(failure);
    const source = { environment: 'stg', repository: 'shop/manifests', branch: 'env/stg', lastGoodCommit: commit, error: 'connect ECONNREFUSED' };
    for (let poll = 0; poll < 5; poll++) await notifier.sourceUnreachable({ ...source, at: new Date(Date.UTC(2026, 0, 5, 10, poll)) });
    await notifier.sourceRecovered({ ...source, at: new Date('2026-01-05T10:07:00Z') });
    await notifier.sourceRecovered({ ...source, at: new Date('2026-01-05T10:08:00Z') });
    await notifier.flush();

    const top = slack.messages('ops');
    assert.deepEqual(top.map((m) => m.text?.split(':')[0]), ['Deploy failed in stg at 3f9a1c2', 'Source unreachable for stg', 'Source recovered for stg']);
    assert.match(JSON.stringify(top[0]!.blocks), /ProgressDeadlineExceeded &lt;b&gt;/);
    assert.match(JSON.stringify(top[0]!.blocks), new RegExp(`shop/manifests/commit/${commit}`));
    const outage = slack.thread('ops', top[1]!.ts);
    assert.equal(outage.length, 2, 'the recovery is a broadcast reply to the outage message');
    assert.match(JSON.stringify(outage[1]!.blocks), /after 7 min/);
    assert.deepEqual(slack.violations, []);
    await notifier.close();
  });
});

describe('Slack notifier, large and awkward reports', () => {
  it('keeps a 120-field drift with long, markup-laden values within Block Kit limits', async () => {
    const notifier = createSlackNotifier({ webhookUrl: slack.webhookUrlFor('hooks') }, { clock: new ManualClock(), repository: 'shop/manifests' });
    const awkward = '<!channel> & `code` *bold* ' + 'x'.repeat(5000);
    const changes = Array.from({ length: 120 }, (_, i) => ({
      path: `metadata.annotations["example.com/${'k'.repeat(i)}"]`,
      desired: { nested: awkward },
      live: awkward,
      changedBy: { manager: `manager-${'m'.repeat(300)}`, operation: 'Update' },
    }));
    const before = slack.messages('hooks').length;
    await notifier.driftDetected(imageIncident({ id: 'huge', object: { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'n'.repeat(63), name: 'c'.repeat(253) }, changes }));
    await notifier.flush();
    const messages = slack.messages('hooks');
    assert.equal(messages.length, before + 1, 'accepted');
    const text = JSON.stringify(messages.at(-1)!.blocks);
    assert.match(text, /…and \d+ more/);
    assert.equal(text.includes('<!channel>'), false, 'no mention smuggled in through a value');
    assert.deepEqual(slack.violations, []);
    await notifier.close();
  });
});
