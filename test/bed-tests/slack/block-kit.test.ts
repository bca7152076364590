// Block Kit validation: each documented limit is probed at the limit (valid)
// and one past it (refused with Slack's error text and pointer), and an
// invalid message over HTTP gets Slack's response and is recorded.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LIMITS, startSlackReceiver, validateBlocks, type SlackReceiver } from '../../bed/slack/index.js';

const plain = (text: string) => ({ type: 'plain_text', text });
const mrkdwn = (text: string) => ({ type: 'mrkdwn', text });
const section = (text: string) => ({ type: 'section', text: mrkdwn(text) });
const button = (fields: Record<string, unknown> = {}) => ({ type: 'button', text: plain('Open'), ...fields });
const chars = (count: number) => 'x'.repeat(count);

/** Each case: blocks at the limit pass; blocks past it fail with exactly `error`. */
const limitCases: Array<{ name: string; at: unknown[]; over: unknown[]; error: string }> = [
  {
    name: 'section text',
    at: [section(chars(LIMITS.sectionText))],
    over: [section(chars(LIMITS.sectionText + 1))],
    error: 'must be less than 3001 characters [json-pointer:/blocks/0/text/text]',
  },
  {
    name: 'section field count',
    at: [{ type: 'section', fields: Array.from({ length: 10 }, () => mrkdwn('f')) }],
    over: [{ type: 'section', fields: Array.from({ length: 11 }, () => mrkdwn('f')) }],
    error: 'no more than 10 items allowed [json-pointer:/blocks/0/fields]',
  },
  {
    name: 'section field text',
    at: [{ type: 'section', fields: [mrkdwn(chars(2000))] }],
    over: [{ type: 'section', fields: [mrkdwn(chars(2001))] }],
    error: 'must be less than 2001 characters [json-pointer:/blocks/0/fields/0/text]',
  },
  {
    name: 'header text',
    at: [{ type: 'header', text: plain(chars(150)) }],
    over: [{ type: 'header', text: plain(chars(151)) }],
    error: 'must be less than 151 characters [json-pointer:/blocks/0/text/text]',
  },
  {
    name: 'context elements',
    at: [{ type: 'context', elements: Array.from({ length: 10 }, () => mrkdwn('c')) }],
    over: [{ type: 'context', elements: Array.from({ length: 11 }, () => mrkdwn('c')) }],
    error: 'no more than 10 items allowed [json-pointer:/blocks/0/elements]',
  },
  {
    name: 'blocks per message',
    at: Array.from({ length: 50 }, () => ({ type: 'divider' })),
    over: Array.from({ length: 51 }, () => ({ type: 'divider' })),
    error: 'no more than 50 items allowed [json-pointer:/blocks]',
  },
  {
    name: 'block_id',
    at: [{ type: 'divider', block_id: chars(255) }],
    over: [{ type: 'divider', block_id: chars(256) }],
    error: 'must be less than 256 characters [json-pointer:/blocks/0/block_id]',
  },
  {
    name: 'button text',
    at: [{ type: 'actions', elements: [{ type: 'button', text: plain(chars(75)) }] }],
    over: [{ type: 'actions', elements: [{ type: 'button', text: plain(chars(76)) }] }],
    error: 'must be less than 76 characters [json-pointer:/blocks/0/elements/0/text/text]',
  },
  {
    name: 'button url',
    at: [{ type: 'actions', elements: [button({ url: `https://x/${chars(2990)}` })] }],
    over: [{ type: 'actions', elements: [button({ url: `https://x/${chars(2991)}` })] }],
    error: 'must be less than 3001 characters [json-pointer:/blocks/0/elements/0/url]',
  },
  {
    name: 'markdown block text',
    at: [{ type: 'markdown', text: chars(12_000) }],
    over: [{ type: 'markdown', text: chars(12_001) }],
    error: 'must be less than 12001 characters [json-pointer:/blocks/0/text]',
  },
  {
    name: 'markdown total per message',
    at: [{ type: 'markdown', text: chars(6_000) }, { type: 'markdown', text: chars(6_000) }],
    over: [{ type: 'markdown', text: chars(6_000) }, { type: 'markdown', text: chars(6_001) }],
    error: 'markdown blocks must total less than 12001 characters per message [json-pointer:/blocks/1/text]',
  },
  {
    name: 'image alt_text',
    at: [{ type: 'image', image_url: 'https://x/a.png', alt_text: chars(2000) }],
    over: [{ type: 'image', image_url: 'https://x/a.png', alt_text: chars(2001) }],
    error: 'must be less than 2001 characters [json-pointer:/blocks/0/alt_text]',
  },
];

describe('Block Kit limits', () => {
  for (const limit of limitCases) {
    it(`${limit.name}: at the limit passes, one past is refused`, () => {
      assert.deepEqual(validateBlocks(limit.at), []);
      const errors = validateBlocks(limit.over).map((e) => `${e.message} [json-pointer:${e.pointer}]`);
      assert.deepEqual(errors, [limit.error]);
    });
  }

  it('counts characters, not UTF-16 units: 150 emoji fit a header', () => {
    assert.deepEqual(validateBlocks([{ type: 'header', text: plain('🚀'.repeat(150)) }]), []);
  });
});

describe('Block Kit structure', () => {
  const refused: Array<{ name: string; blocks: unknown; errors: string[] }> = [
    { name: 'blocks not an array', blocks: { type: 'divider' }, errors: ['/blocks: must provide an array'] },
    { name: 'unknown block type', blocks: [{ type: 'table' }], errors: ['/blocks/0/type: unsupported type: table'] },
    { name: 'block without type', blocks: [{ text: mrkdwn('x') }], errors: ['/blocks/0: missing required field: type'] },
    { name: 'section without text or fields', blocks: [{ type: 'section' }], errors: ['/blocks/0: must provide either text or fields'] },
    { name: 'empty text', blocks: [section('')], errors: ['/blocks/0/text/text: must be more than 0 characters'] },
    { name: 'text object of unknown type', blocks: [{ type: 'section', text: { type: 'markdown', text: 'x' } }], errors: ['/blocks/0/text/type: must be one of: plain_text, mrkdwn'] },
    { name: 'header in mrkdwn', blocks: [{ type: 'header', text: mrkdwn('x') }], errors: ['/blocks/0/text/type: must be one of: plain_text'] },
    { name: 'emoji flag on mrkdwn', blocks: [{ type: 'section', text: { ...mrkdwn('x'), emoji: true } }], errors: ['/blocks/0/text/emoji: invalid additional property: emoji'] },
    { name: 'unknown property', blocks: [{ type: 'divider', color: 'red' }], errors: ['/blocks/0/color: invalid additional property: color'] },
    { name: 'input element in actions', blocks: [{ type: 'actions', elements: [{ type: 'plain_text_input' }] }], errors: ['/blocks/0/elements/0/type: unsupported type: plain_text_input'] },
    { name: 'button style', blocks: [{ type: 'actions', elements: [button({ style: 'green' })] }], errors: ['/blocks/0/elements/0/style: must be one of: primary, danger'] },
    { name: 'duplicate action_id', blocks: [{ type: 'actions', elements: [button({ action_id: 'a' }), button({ action_id: 'a' })] }], errors: ['/blocks/0/elements/1/action_id: duplicate action_id: a'] },
    { name: 'duplicate block_id', blocks: [{ type: 'divider', block_id: 'b' }, { type: 'divider', block_id: 'b' }], errors: ['/blocks/1/block_id: duplicate block_id: b'] },
    { name: 'image without alt_text', blocks: [{ type: 'image', image_url: 'https://x/a.png' }], errors: ['/blocks/0: missing required field: alt_text'] },
    { name: 'image with url and file', blocks: [{ type: 'image', image_url: 'https://x/a.png', slack_file: { id: 'F1' }, alt_text: 'a' }], errors: ['/blocks/0: must provide exactly one of image_url or slack_file'] },
    { name: 'rich_text list without style', blocks: [{ type: 'rich_text', elements: [{ type: 'rich_text_list', elements: [] }] }], errors: ['/blocks/0/elements/0: missing required field: style'] },
    { name: 'rich_text inline without text', blocks: [{ type: 'rich_text', elements: [{ type: 'rich_text_section', elements: [{ type: 'text' }] }] }], errors: ['/blocks/0/elements/0/elements/0: missing required field: text'] },
    { name: 'context with a button', blocks: [{ type: 'context', elements: [button()] }], errors: ['/blocks/0/elements/0/type: must be one of: plain_text, mrkdwn', '/blocks/0/elements/0/text: must be a string'] },
  ];

  for (const testCase of refused) {
    it(`refuses ${testCase.name}`, () => {
      const errors = validateBlocks(testCase.blocks).map((e) => `${e.pointer}: ${e.message}`);
      assert.deepEqual(errors, testCase.errors);
    });
  }

  it('accepts every supported block type used the documented way', () => {
    const blocks = [
      { type: 'header', block_id: 'h', text: { ...plain('Drift'), emoji: true } },
      { type: 'section', text: mrkdwn('*x*'), fields: [mrkdwn('a'), plain('b')], accessory: button({ action_id: 'open', url: 'https://x', style: 'primary' }) },
      { type: 'section', text: plain('with image'), accessory: { type: 'image', image_url: 'https://x/a.png', alt_text: 'a' } },
      { type: 'divider' },
      { type: 'context', elements: [{ type: 'image', image_url: 'https://x/i.png', alt_text: 'i' }, mrkdwn('by kubectl')] },
      {
        type: 'actions',
        elements: [
          button({ action_id: 'approve', value: 'v', confirm: { title: plain('Sure?'), text: plain('Really'), confirm: plain('Yes'), deny: plain('No') } }),
          { type: 'static_select', action_id: 'pick' },
        ],
      },
      { type: 'image', image_url: 'https://x/a.png', alt_text: 'graph', title: plain('Graph') },
      { type: 'markdown', text: '**bold** and a [link](https://x)' },
      {
        type: 'rich_text',
        elements: [
          { type: 'rich_text_section', elements: [{ type: 'text', text: 'hi ', style: { bold: true } }, { type: 'user', user_id: 'U1' }, { type: 'emoji', name: 'rocket' }] },
          { type: 'rich_text_list', style: 'bullet', elements: [{ type: 'rich_text_section', elements: [{ type: 'link', url: 'https://x' }] }] },
          { type: 'rich_text_preformatted', elements: [{ type: 'text', text: 'code' }] },
          { type: 'rich_text_quote', elements: [{ type: 'date', timestamp: 1700000000, format: '{date_short}' }] },
        ],
      },
    ];
    assert.deepEqual(validateBlocks(blocks), []);
  });
});

describe('Block Kit over HTTP', () => {
  let receiver: SlackReceiver;
  before(async () => {
    receiver = await startSlackReceiver();
  });
  after(() => receiver.stop());

  async function post(params: Record<string, unknown>): Promise<any> {
    const response = await fetch(`${receiver.url}chat.postMessage`, {
      method: 'POST',
      headers: { authorization: `Bearer ${receiver.token}`, 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ channel: 'ladder-alerts', ...params }),
    });
    assert.equal(response.status, 200, 'Slack reports content errors with HTTP 200');
    return response.json();
  }

  it("answers invalid_blocks with Slack's detail, records a violation, and posts nothing", async () => {
    const blocks = [{ type: 'header', text: plain(chars(151)) }];
    const body = await post({ text: 'fallback', blocks });
    const line = 'must be less than 151 characters [json-pointer:/blocks/0/text/text]';
    assert.deepEqual(body, { ok: false, error: 'invalid_blocks', errors: [line], response_metadata: { messages: [`[ERROR] ${line}`] } });
    assert.deepEqual(receiver.messages(), []);
    const [violation] = receiver.violations;
    assert.equal(violation?.kind, 'invalid_blocks');
    assert.equal(violation?.endpoint, 'chat.postMessage');
    assert.equal(violation?.rejected, true);
    assert.deepEqual(violation?.errors, [line]);
    assert.deepEqual((violation?.payload as { blocks: unknown }).blocks, blocks);
  });

  it('answers no_text, invalid_blocks_format and msg_too_long', async () => {
    assert.equal((await post({})).error, 'no_text');
    assert.equal((await post({ blocks: [] })).error, 'no_text');
    assert.equal((await post({ text: 'x', blocks: '[{' })).error, 'invalid_blocks_format');
    assert.equal((await post({ text: 'x', blocks: { type: 'divider' } })).error, 'invalid_blocks_format');
    assert.equal((await post({ text: chars(LIMITS.messageText) })).ok, true);
    assert.equal((await post({ text: chars(LIMITS.messageText + 1) })).error, 'msg_too_long');
  });

  it('validates chat.update like chat.postMessage and leaves the message untouched', async () => {
    const posted = await post({ text: 'ok', blocks: [section('fine')] });
    const response = await fetch(`${receiver.url}chat.update`, {
      method: 'POST',
      headers: { authorization: `Bearer ${receiver.token}`, 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ channel: posted.channel, ts: posted.ts, blocks: [section(chars(3001))] }),
    });
    const body = (await response.json()) as { error?: string };
    assert.equal(body.error, 'invalid_blocks');
    const message = receiver.messages().find((m) => m.ts === posted.ts);
    assert.deepEqual(message?.blocks, [section('fine')]);
    assert.deepEqual(message?.history, []);
    assert.equal(receiver.violations.at(-1)?.endpoint, 'chat.update');
  });
});
