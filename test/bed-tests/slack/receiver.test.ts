// The Slack receiver over real HTTP: Web API methods, threads, edits,
// incoming webhooks, auth errors and scripted rate limits.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startSlackReceiver, type SlackReceiver } from '../../bed/slack/index.js';

interface CallOptions {
  token?: string | null;
  form?: boolean;
  contentType?: string;
}

async function call(receiver: SlackReceiver, method: string, params: Record<string, unknown>, options: CallOptions = {}): Promise<{ status: number; body: any; headers: Headers }> {
  const token = options.token === undefined ? receiver.token : options.token;
  const headers: Record<string, string> = {};
  if (token !== null) headers.authorization = `Bearer ${token}`;
  let body: string;
  if (options.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, typeof v === 'string' ? v : JSON.stringify(v)])).toString();
  } else {
    headers['content-type'] = options.contentType ?? 'application/json; charset=utf-8';
    body = JSON.stringify(params);
  }
  const response = await fetch(`${receiver.url}${method}`, { method: 'POST', headers, body });
  return { status: response.status, body: await response.json(), headers: response.headers };
}

const alertBlocks = [
  { type: 'header', text: { type: 'plain_text', text: 'Drift in checkout-prd' } },
  { type: 'section', text: { type: 'mrkdwn', text: '*Deployment/checkout* `spec.replicas`: desired 3, live 5' } },
  { type: 'context', elements: [{ type: 'mrkdwn', text: 'changed by kubectl-edit at 10:42' }] },
  { type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open PR' }, url: 'https://github.com/shop/x/pull/1' }] },
];

describe('Slack receiver: Web API', () => {
  let receiver: SlackReceiver;
  before(async () => {
    receiver = await startSlackReceiver({ channels: ['ladder-alerts', { name: 'secret', member: false }] });
  });
  after(() => receiver.stop());

  it('posts a Block Kit message and a threaded reply, and reads them back as one thread', async () => {
    const parent = await call(receiver, 'chat.postMessage', { channel: '#ladder-alerts', text: 'Drift in checkout-prd', blocks: alertBlocks });
    assert.equal(parent.status, 200);
    assert.equal(parent.body.ok, true, JSON.stringify(parent.body));
    const channelId = receiver.channels[0]!.id;
    assert.equal(parent.body.channel, channelId, 'the response names the channel by id, not by the name used');
    assert.match(parent.body.ts, /^\d+\.\d{6}$/);

    const reply = await call(receiver, 'chat.postMessage', { channel: channelId, thread_ts: parent.body.ts, text: 'Resolved: live matches Git again' });
    assert.equal(reply.body.ok, true, JSON.stringify(reply.body));
    assert.equal(reply.body.message.thread_ts, parent.body.ts);

    const thread = receiver.thread('ladder-alerts', parent.body.ts);
    assert.deepEqual(thread.map((m) => m.text), ['Drift in checkout-prd', 'Resolved: live matches Git again']);
    assert.equal(thread[0]!.reply_count, 1);
    assert.deepEqual(thread[0]!.blocks, alertBlocks);
    assert.deepEqual(receiver.messages('ladder-alerts').map((m) => m.ts), [parent.body.ts], 'a reply stays out of channel history');
    assert.deepEqual(receiver.violations, []);
  });

  it('shows a reply_broadcast reply in channel history too', async () => {
    const parent = await call(receiver, 'chat.postMessage', { channel: 'ladder-alerts', text: 'parent' });
    const reply = await call(receiver, 'chat.postMessage', { channel: 'ladder-alerts', text: 'broadcast', thread_ts: parent.body.ts, reply_broadcast: true });
    const history = receiver.messages('ladder-alerts').map((m) => m.ts);
    assert.ok(history.includes(reply.body.ts));
  });

  it('edits a message in place with chat.update and keeps the earlier version', async () => {
    const posted = await call(receiver, 'chat.postMessage', { channel: 'ladder-alerts', text: 'Drift: 1 field', blocks: alertBlocks.slice(0, 2) });
    const newBlocks = [{ type: 'section', text: { type: 'mrkdwn', text: 'Drift: 2 fields' } }];
    const updated = await call(receiver, 'chat.update', { channel: 'ladder-alerts', ts: posted.body.ts, text: 'Drift: 2 fields', blocks: newBlocks });
    assert.equal(updated.body.ok, true, JSON.stringify(updated.body));
    assert.equal(updated.body.ts, posted.body.ts, 'an edit keeps the ts');

    const textOnly = await call(receiver, 'chat.update', { channel: 'ladder-alerts', ts: posted.body.ts, text: 'Drift: 3 fields' });
    assert.equal(textOnly.body.ok, true);

    const [message] = receiver.messages('ladder-alerts').filter((m) => m.ts === posted.body.ts);
    assert.ok(message);
    assert.equal(message.text, 'Drift: 3 fields');
    assert.deepEqual(message.blocks, newBlocks, 'chat.update without blocks keeps the previous blocks');
    assert.deepEqual(message.history.map((v) => v.text), ['Drift: 1 field', 'Drift: 2 fields']);
    assert.deepEqual(message.history[0]!.blocks, alertBlocks.slice(0, 2));
    assert.equal(message.edited?.ts, message.history[1]!.replacedAt);
  });

  it('answers message_not_found and channel_not_found for what does not exist', async () => {
    const missingTs = await call(receiver, 'chat.update', { channel: 'ladder-alerts', ts: '1.000001', text: 'x' });
    assert.deepEqual(missingTs.body, { ok: false, error: 'message_not_found' });
    const missingChannel = await call(receiver, 'chat.postMessage', { channel: 'C9999999999', text: 'x' });
    assert.equal(missingChannel.status, 200);
    assert.deepEqual(missingChannel.body, { ok: false, error: 'channel_not_found' });
    const notMember = await call(receiver, 'chat.postMessage', { channel: 'secret', text: 'x' });
    assert.deepEqual(notMember.body, { ok: false, error: 'not_in_channel' });
  });

  it('answers not_authed without a token and invalid_auth with a wrong one, both as HTTP 200', async () => {
    const none = await call(receiver, 'chat.postMessage', { channel: 'ladder-alerts', text: 'x' }, { token: null });
    assert.deepEqual([none.status, none.body], [200, { ok: false, error: 'not_authed' }]);
    const wrong = await call(receiver, 'auth.test', {}, { token: 'xoxb-0-0-wrong' });
    assert.deepEqual([wrong.status, wrong.body], [200, { ok: false, error: 'invalid_auth' }]);
    // Slack reads the token only from the header for JSON bodies.
    const inBody = await call(receiver, 'auth.test', { token: receiver.token }, { token: null });
    assert.equal(inBody.body.error, 'not_authed');
    const ok = await call(receiver, 'auth.test', {});
    assert.equal(ok.body.ok, true);
    assert.match(ok.body.team_id, /^T/);
    assert.match(ok.body.bot_id, /^B/);
  });

  it('answers invalid_auth for a malformed Authorization header and reads a token from the query string', async () => {
    const basic = await fetch(`${receiver.url}auth.test`, { method: 'POST', headers: { authorization: `Basic ${receiver.token}` } });
    assert.equal(((await basic.json()) as { error?: string }).error, 'invalid_auth');
    const query = await fetch(`${receiver.url}auth.test?token=${encodeURIComponent(receiver.token)}`);
    assert.equal(((await query.json()) as { ok?: boolean }).ok, true);
  });

  it('answers invalid_json and json_not_object for unusable JSON bodies', async () => {
    const headers = { authorization: `Bearer ${receiver.token}`, 'content-type': 'application/json; charset=utf-8' };
    const broken = await fetch(`${receiver.url}chat.postMessage`, { method: 'POST', headers, body: '{"channel":' });
    assert.deepEqual(await broken.json(), { ok: false, error: 'invalid_json' });
    const array = await fetch(`${receiver.url}chat.postMessage`, { method: 'POST', headers, body: '[]' });
    assert.deepEqual(await array.json(), { ok: false, error: 'json_not_object' });
  });

  it('accepts form-encoded calls with the token as a parameter and blocks as a JSON string', async () => {
    const posted = await call(receiver, 'chat.postMessage', { token: receiver.token, channel: 'ladder-alerts', text: 'form', blocks: alertBlocks }, { token: null, form: true });
    assert.equal(posted.body.ok, true, JSON.stringify(posted.body));
    const stored = receiver.messages('ladder-alerts').find((m) => m.ts === posted.body.ts);
    assert.deepEqual(stored?.blocks, alertBlocks);
  });

  it('warns missing_charset for JSON without a charset, as Slack does', async () => {
    const result = await call(receiver, 'auth.test', {}, { contentType: 'application/json' });
    assert.equal(result.body.ok, true);
    assert.equal(result.body.warning, 'missing_charset');
  });

  it('refuses a malformed thread_ts and records a reply to a message that does not exist', async () => {
    const malformed = await call(receiver, 'chat.postMessage', { channel: 'ladder-alerts', text: 'x', thread_ts: 'abc' });
    assert.equal(malformed.body.error, 'invalid_thread_ts');
    const before = receiver.violations.length;
    const lost = await call(receiver, 'chat.postMessage', { channel: 'ladder-alerts', text: 'lost', thread_ts: '1000.000001' });
    assert.equal(lost.body.ok, true, 'Slack accepts it');
    const violation = receiver.violations[before];
    assert.equal(violation?.kind, 'thread_not_found');
    assert.equal(violation?.rejected, false);
    assert.ok(!receiver.messages('ladder-alerts').some((m) => m.ts === lost.body.ts), 'and nobody sees it');
  });

  it('answers unknown_method with 404', async () => {
    const result = await call(receiver, 'chat.postEphemeral', { channel: 'ladder-alerts', text: 'x' });
    assert.equal(result.status, 404);
    assert.equal(result.body.error, 'unknown_method');
  });

  it('rejects pending waits when stopped', async () => {
    const other = await startSlackReceiver();
    const waiting = other.waitForMessage(() => false, 5_000);
    await other.stop();
    await assert.rejects(waiting, /Slack receiver stopped/);
  });

  it('waits for a message that arrives later, and times out naming what did arrive', async () => {
    const waiting = receiver.waitForMessage((m) => m.text === 'later', 30_000);
    setTimeout(() => void call(receiver, 'chat.postMessage', { channel: 'ladder-alerts', text: 'later' }), 50);
    assert.equal((await waiting).text, 'later');
    await assert.rejects(receiver.waitForMessage((m) => m.text === 'never', 100), /no matching Slack message within 100 ms; \d+ recorded/);
  });
});

describe('Slack receiver: incoming webhooks', () => {
  let receiver: SlackReceiver;
  before(async () => {
    receiver = await startSlackReceiver();
  });
  after(() => receiver.stop());

  it('posts a JSON payload and answers with plain-text ok', async () => {
    assert.match(receiver.webhookUrl, /\/services\/T\w+\/B\w+\/\w+$/);
    const response = await fetch(receiver.webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'Deployed checkout to dev', blocks: alertBlocks.slice(0, 2) }),
    });
    assert.equal(response.status, 200);
    assert.equal(await response.text(), 'ok');
    const [message] = receiver.messages();
    assert.equal(message?.via, 'webhook');
    assert.equal(message?.text, 'Deployed checkout to dev');

    const update = await call(receiver, 'chat.update', { channel: message!.channel, ts: message!.ts, text: 'edited' });
    assert.equal(update.body.error, 'cant_update_message', 'a bot token cannot edit a webhook post');
  });

  it('accepts the form-encoded payload field', async () => {
    const response = await fetch(receiver.webhookUrlFor('ladder-alerts'), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ payload: JSON.stringify({ text: 'via form' }) }).toString(),
    });
    assert.equal(await response.text(), 'ok');
    assert.ok(receiver.messages().some((m) => m.text === 'via form'));
  });

  it('answers 400 invalid_blocks and records the violation', async () => {
    const count = receiver.messages().length;
    const response = await fetch(receiver.webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'x', blocks: [{ type: 'header', text: { type: 'mrkdwn', text: 'bold?' } }] }),
    });
    assert.deepEqual([response.status, await response.text()], [400, 'invalid_blocks']);
    assert.equal(receiver.messages().length, count, 'nothing recorded as posted');
    const violation = receiver.violations.at(-1);
    assert.equal(violation?.endpoint, 'webhook');
    assert.deepEqual(violation?.errors, ['must be one of: plain_text [json-pointer:/blocks/0/text/type]']);
  });

  it('answers 400 invalid_payload for a body that is not JSON, and 404 no_service for an unknown URL', async () => {
    const bad = await fetch(receiver.webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' });
    assert.deepEqual([bad.status, await bad.text()], [400, 'invalid_payload']);
    const unknown = await fetch(receiver.webhookUrl.replace(/\w+$/, 'nope'), { method: 'POST', body: '{}' });
    assert.deepEqual([unknown.status, await unknown.text()], [404, 'no_service']);
  });
});

describe('Slack receiver: rate limits', () => {
  let receiver: SlackReceiver;
  before(async () => {
    receiver = await startSlackReceiver();
  });
  after(() => receiver.stop());

  /** A client that does what Slack asks: wait Retry-After seconds, then try again. */
  async function postHonouringRetryAfter(text: string): Promise<Array<{ status: number; body: any; retryAfter: string | null }>> {
    const attempts = [];
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const result = await call(receiver, 'chat.postMessage', { channel: 'ladder-alerts', text });
      attempts.push({ status: result.status, body: result.body, retryAfter: result.headers.get('retry-after') });
      if (result.status !== 429) return attempts;
      await new Promise((resolve) => setTimeout(resolve, Number(result.headers.get('retry-after')) * 1000));
    }
    throw new Error('still rate limited after 5 attempts');
  }

  it('answers 429 with Retry-After, then succeeds, and shows the client waited', async () => {
    receiver.rateLimit({ times: 2, retryAfterSeconds: 1, endpoint: 'chat.postMessage' });
    const attempts = await postHonouringRetryAfter('after back-off');
    assert.deepEqual(
      attempts.map((a) => [a.status, a.retryAfter, a.body.ok, a.body.error]),
      [
        [429, '1', false, 'ratelimited'],
        [429, '1', false, 'ratelimited'],
        [200, null, true, undefined],
      ],
    );
    const delays = receiver.retryDelays();
    assert.equal(delays.length, 2);
    for (const delay of delays) {
      assert.equal(delay.retryAfterMs, 1000);
      assert.ok(delay.waitedMs !== undefined && delay.waitedMs >= 1000, `waited ${delay.waitedMs} ms`);
    }
  });

  it('shows it when a client ignores Retry-After', async () => {
    const before = receiver.retryDelays().length;
    receiver.rateLimit({ times: 1, retryAfterSeconds: 30 });
    await call(receiver, 'chat.postMessage', { channel: 'ladder-alerts', text: 'impatient' });
    const retried = await call(receiver, 'chat.postMessage', { channel: 'ladder-alerts', text: 'impatient' });
    assert.equal(retried.body.ok, true);
    const delay = receiver.retryDelays()[before];
    assert.ok(delay?.waitedMs !== undefined && delay.waitedMs < delay.retryAfterMs, 'the gap is visibly shorter than asked');
  });

  it('limits only the endpoint named, and webhooks answer 429 as plain text', async () => {
    receiver.rateLimit({ times: 1, retryAfterSeconds: 2, endpoint: 'webhook' });
    const api = await call(receiver, 'auth.test', {});
    assert.equal(api.status, 200);
    const hook = await fetch(receiver.webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"text":"x"}' });
    assert.equal(hook.status, 429);
    assert.equal(hook.headers.get('retry-after'), '2');
  });

  it('refuses a nonsense rate-limit script', () => {
    assert.throws(() => receiver.rateLimit({ times: 0, retryAfterSeconds: 1 }), /times must be a positive integer/);
    assert.throws(() => receiver.rateLimit({ times: 1, retryAfterSeconds: 0.5 }), /retryAfterSeconds/);
  });
});
