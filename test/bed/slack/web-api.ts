// The Web API methods the receiver implements. Each answers HTTP 200 with
// `{ ok: false, error }` on failure, as Slack does; only transport-level
// problems (rate limits, unknown methods) change the status code.
import { checkContent } from './content.js';
import type { SlackStore } from './store.js';
import type { SlackChannel, SlackMessage, Violation } from './types.js';

export type Params = Record<string, unknown>;
export type Json = Record<string, unknown>;

export interface Identity {
  url: string;
  team: string;
  team_id: string;
  user: string;
  user_id: string;
  bot_id: string;
}

export interface ApiContext {
  store: SlackStore;
  identity: Identity;
  recordViolation(violation: Omit<Violation, 'endpoint'>): void;
}

export type ApiHandler = (params: Params, context: ApiContext) => Json;

export const METHODS: Readonly<Record<string, ApiHandler>> = {
  'auth.test': (_params, { identity }) => ({ ok: true, ...identity, is_enterprise_install: false }),
  'chat.postMessage': postMessage,
  'chat.update': updateMessage,
};

/** `{ ok: false, error }`, with Slack's `errors` and `response_metadata.messages` detail when given. */
export function slackError(error: string, errors: string[] = []): Json {
  if (errors.length === 0) return { ok: false, error };
  return { ok: false, error, errors, response_metadata: { messages: errors.map((line) => `[ERROR] ${line}`) } };
}

function postMessage(params: Params, context: ApiContext): Json {
  const channel = findChannel(params, context);
  if (!channel) return slackError('channel_not_found');
  if (!channel.member) return slackError('not_in_channel');
  const content = checkContent(params.text, params.blocks);
  if (!content.ok) {
    context.recordViolation({ kind: content.error, channel: channel.id, errors: content.errors, rejected: true, payload: params });
    return slackError(content.error, content.errors);
  }
  let threadTs: string | undefined;
  if (params.thread_ts !== undefined && params.thread_ts !== '') {
    const resolved = resolveThread(String(params.thread_ts), channel, params, context);
    if (typeof resolved !== 'string') return resolved;
    threadTs = resolved;
  }
  const message = context.store.post({
    channel,
    ...(content.text !== undefined && { text: content.text }),
    ...(content.blocks !== undefined && { blocks: content.blocks }),
    ...(threadTs !== undefined && { thread_ts: threadTs, reply_broadcast: isTrue(params.reply_broadcast) }),
    via: 'web-api',
  });
  return { ok: true, channel: channel.id, ts: message.ts, message: toApiMessage(message, context.identity) };
}

/**
 * Returns the ts to thread under, or an error response. Slack accepts a
 * well-formed thread_ts that names no message and the reply is then visible
 * nowhere; the receiver accepts it too but records a violation, because that
 * is exactly the silent loss a drift alert must not suffer.
 */
function resolveThread(threadTs: string, channel: SlackChannel, params: Params, context: ApiContext): string | Json {
  if (!/^\d+\.\d+$/.test(threadTs)) {
    const errors = [`${threadTs} is not a valid thread_ts`];
    context.recordViolation({ kind: 'invalid_thread_ts', channel: channel.id, errors, rejected: true, payload: params });
    return slackError('invalid_thread_ts', errors);
  }
  const target = context.store.find(channel.id, threadTs);
  if (!target) {
    const errors = [`thread_ts ${threadTs} names no message in ${channel.id}; Slack accepts the reply but nobody sees it`];
    context.recordViolation({ kind: 'thread_not_found', channel: channel.id, errors, rejected: false, payload: params });
    return threadTs;
  }
  if (target.thread_ts !== undefined && target.thread_ts !== target.ts) {
    const errors = [`thread_ts ${threadTs} is a reply; thread under its parent ${target.thread_ts} instead`];
    context.recordViolation({ kind: 'thread_ts_is_reply', channel: channel.id, errors, rejected: false, payload: params });
    return target.thread_ts;
  }
  return threadTs;
}

function updateMessage(params: Params, context: ApiContext): Json {
  const channel = findChannel(params, context);
  if (!channel) return slackError('channel_not_found');
  const message = typeof params.ts === 'string' ? context.store.find(channel.id, params.ts) : undefined;
  if (!message) return slackError('message_not_found');
  // Webhook posts belong to the webhook, not to the bot token.
  if (message.via === 'webhook') return slackError('cant_update_message');
  const content = checkContent(params.text, params.blocks);
  if (!content.ok) {
    context.recordViolation({ kind: content.error, channel: channel.id, errors: content.errors, rejected: true, payload: params });
    return slackError(content.error, content.errors);
  }
  const updated = context.store.update(message, content);
  return {
    ok: true,
    channel: channel.id,
    ts: updated.ts,
    text: updated.text ?? '',
    message: toApiMessage(updated, context.identity),
  };
}

function findChannel(params: Params, context: ApiContext): SlackChannel | undefined {
  return typeof params.channel === 'string' ? context.store.resolveChannel(params.channel) : undefined;
}

function toApiMessage(message: SlackMessage, identity: Identity): Json {
  return {
    type: 'message',
    text: message.text ?? '',
    user: identity.user_id,
    bot_id: identity.bot_id,
    team: identity.team_id,
    ts: message.ts,
    ...(message.blocks !== undefined && { blocks: message.blocks }),
    ...(message.thread_ts !== undefined && { thread_ts: message.thread_ts }),
    ...(message.edited !== undefined && { edited: { user: identity.user_id, ts: message.edited.ts } }),
  };
}

function isTrue(value: unknown): boolean {
  return value === true || value === 'true' || value === '1' || value === 1;
}
