// Incoming webhooks: POST a JSON body (or a form field `payload` holding JSON)
// to a secret URL bound to one channel. Unlike the Web API they answer with a
// plain-text body and real HTTP status codes: `ok`, or e.g. 400 `invalid_blocks`.
import { checkContent } from './content.js';
import type { SlackStore } from './store.js';
import type { SlackChannel, Violation } from './types.js';

export interface WebhookResult {
  status: number;
  text: string;
}

export interface WebhookContext {
  store: SlackStore;
  recordViolation(violation: Omit<Violation, 'endpoint'>): void;
}

export function handleWebhook(channel: SlackChannel, contentType: string, body: string, context: WebhookContext): WebhookResult {
  const payload = parsePayload(contentType, body);
  if (payload === undefined) return { status: 400, text: 'invalid_payload' };
  const content = checkContent(payload.text, payload.blocks);
  if (!content.ok) {
    context.recordViolation({ kind: content.error, channel: channel.id, errors: content.errors, rejected: true, payload });
    return { status: 400, text: content.error };
  }
  context.store.post({
    channel,
    ...(content.text !== undefined && { text: content.text }),
    ...(content.blocks !== undefined && { blocks: content.blocks }),
    via: 'webhook',
  });
  return { status: 200, text: 'ok' };
}

function parsePayload(contentType: string, body: string): Record<string, unknown> | undefined {
  const json = contentType.startsWith('application/x-www-form-urlencoded') ? new URLSearchParams(body).get('payload') : body;
  if (json === null) return undefined;
  try {
    const value: unknown = JSON.parse(json);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
