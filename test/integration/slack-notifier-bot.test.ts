// The Slack notifier with a bot token, against the local Slack receiver: one
// message per incident, edited in place, with thread replies for changes and
// a "resolved" reply, paced to one message per incident per minute.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createSlackNotifier } from '../../src/adapters/slack/index.js';
import { startSlackReceiver, type SlackReceiver } from '../bed/slack/index.js';
import { commit, imageIncident } from '../fixtures/drift/incidents.js';
import { ManualClock } from '../support/manual-clock.js';

let slack: SlackReceiver;
before(async () => {
  slack = await startSlackReceiver({ channels: ['ladder-alerts', 'other'] });
});
after(() => slack.stop());

const blocksText = (blocks: unknown) => JSON.stringify(blocks);

describe('Slack notifier, bot mode', () => {
  it('posts one Block Kit message naming environment, object, fields, values, writer and the manifest link', async () => {
    const clock = new ManualClock();
    const notifier = createSlackNotifier({ token: slack.token, channel: 'ladder-alerts', apiUrl: slack.url }, { clock, repository: 'shop/manifests' });
    await notifier.driftDetected(imageIncident({ id: 'bot-1' }));
    await notifier.flush();
    const [message, ...others] = slack.messages('ladder-alerts');
    assert.deepEqual(others, []);
    assert.match(message!.text ?? '', /^Drift in prd: Deployment shop-prd\/checkout/);
    const text = blocksText(message!.blocks);
    for (const expected of [
      'prd',
      'Deployment shop-prd/checkout',
      'spec.template.spec.containers[name=checkout].image',
      'registry.example.com/shop/checkout:1.4.2',
      'registry.example.com/shop/checkout:hotfix',
      'kubectl-edit',
      '2026-01-05 09:59:58 UTC',
      '`2` → `5`',
      `https://github.com/shop/manifests/blob/${commit}/services/checkout/deployment.yaml`,
    ]) {
      assert.ok(text.includes(expected), `message lacks ${expected}: ${text}`);
    }
    assert.deepEqual(slack.violations, []);
    await notifier.close();
  });

  it('edits the message and replies in its thread as the incident changes, then replies "resolved" at once, otherwise one message a minute', async () => {
    const clock = new ManualClock();
    const notifier = createSlackNotifier({ token: slack.token, channel: 'other', apiUrl: slack.url }, { clock, repository: 'shop/manifests', baseUrl: 'https://ghe.example.com' });
    const first = imageIncident({ id: 'bot-2' });
    await notifier.driftDetected(first);
    await notifier.flush();
    const parent = slack.messages('other')[0]!;

    // Two changes inside the first minute: nothing is sent until the minute is up, then only the latest.
    clock.advance(10_000);
    await notifier.driftDetected({ ...first, revision: 2, changes: first.changes.slice(0, 1) });
    clock.advance(10_000);
    const third = { ...first, revision: 3, changes: [{ ...first.changes[0]!, live: 'registry.example.com/shop/checkout:hotfix-2' }] };
    await notifier.driftDetected(third);
    await notifier.flush();
    assert.equal(slack.thread('other', parent.ts).length, 1, 'no reply before a minute has passed');

    clock.advance(40_000);
    await notifier.flush();
    let thread = slack.thread('other', parent.ts);
    assert.equal(thread.length, 2, 'one reply once the minute is up');
    assert.match(blocksText(thread[1]!.blocks), /hotfix-2/);
    assert.equal(thread[0]!.history.length, 1, 'the parent was edited in place');
    assert.match(blocksText(thread[0]!.blocks), /hotfix-2/);
    assert.match(blocksText(thread[0]!.blocks), /ghe\.example\.com\/shop\/manifests\/blob\//);

    // A change 5 s later waits for the next minute; the fix 5 s after that is said at once, and takes its place.
    clock.advance(5_000);
    await notifier.driftDetected({ ...third, revision: 4, changes: first.changes.slice(0, 1) });
    await notifier.flush();
    assert.equal(slack.thread('other', parent.ts).length, 2, 'the change waits for the minute');
    clock.advance(5_000);
    const resolvedAt = clock.now();
    await notifier.driftResolved({ ...third, revision: 4, resolvedAt, observedAt: resolvedAt, resolution: 'fixed' });
    await notifier.flush();
    thread = slack.thread('other', parent.ts);
    assert.equal(thread.length, 3);
    assert.match(thread[2]!.text ?? '', /^Resolved: Deployment shop-prd\/checkout matches Git again/);
    assert.match(blocksText(thread[0]!.blocks), /Resolved/);
    assert.equal(slack.messages('other').length, 1, 'replies stay in the thread');

    clock.advance(120_000);
    await notifier.flush();
    assert.equal(slack.thread('other', parent.ts).length, 3, 'the held-back change is not sent after the resolution');

    // Nothing more for a resolved incident.
    await notifier.driftDetected({ ...third, revision: 5 });
    clock.advance(120_000);
    await notifier.flush();
    assert.equal(slack.thread('other', parent.ts).length, 3);
    assert.deepEqual(slack.violations, []);
    await notifier.close();
  });

  it('keeps separate incidents in separate threads', async () => {
    const receiver = await startSlackReceiver();
    try {
      const notifier = createSlackNotifier({ token: receiver.token, channel: 'ladder-alerts', apiUrl: receiver.url }, { clock: new ManualClock() });
      await notifier.driftDetected(imageIncident({ id: 'a' }));
      await notifier.driftDetected(imageIncident({ id: 'b', object: { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'shop-prd', name: 'checkout' }, kind: 'deleted', changes: [] }));
      await notifier.flush();
      const messages = receiver.messages();
      assert.equal(messages.length, 2);
      assert.match(messages[1]!.text ?? '', /ConfigMap shop-prd\/checkout \(deleted\)/);
      assert.match(blocksText(messages[1]!.blocks), /gone from the cluster/);
      assert.match(blocksText(messages[1]!.blocks), /Manifest: `services\/checkout\/deployment.yaml`/, 'without a repository the file is named, not linked');
      assert.deepEqual(receiver.violations, []);
    } finally {
      await receiver.stop();
    }
  });

  it('logs a refused message without the token and carries on', async () => {
    const logged: unknown[] = [];
    const log = { info: (...args: unknown[]) => logged.push(args), warn: (...args: unknown[]) => logged.push(args) } as never;
    const notifier = createSlackNotifier({ token: slack.token, channel: 'no-such-channel', apiUrl: slack.url }, { clock: new ManualClock(), log });
    await notifier.driftDetected(imageIncident({ id: 'lost' }));
    await notifier.flush();
    assert.equal(logged.length, 1);
    assert.match(JSON.stringify(logged), /channel_not_found/);
    assert.equal(JSON.stringify(logged).includes(slack.token), false);
    await notifier.close();
  });
});
