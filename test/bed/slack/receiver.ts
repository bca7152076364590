// A local stand-in for Slack: Web API methods under /api/, incoming webhooks
// under /services/, every message validated as Block Kit and recorded per
// channel with its thread and edit history. See docs/testing-slack.md.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { decodeRequest, readBody, sendJson, sendText } from './http.js';
import { observeRetries, RateLimiter } from './rate-limit.js';
import { SlackStore } from './store.js';
import type { RecordedRequest, SlackChannel, SlackReceiver, SlackReceiverOptions, Violation } from './types.js';
import { waitForMessage } from './wait.js';
import { handleWebhook } from './webhook.js';
import { METHODS, slackError, type Identity } from './web-api.js';

const IDENTITY: Identity = {
  url: 'https://ladder-test-bed.slack.com/',
  team: 'Ladder Test Bed',
  team_id: 'T0000000001',
  user: 'ladder',
  user_id: 'U0000000001',
  bot_id: 'B0000000001',
};

export async function startSlackReceiver(options: SlackReceiverOptions = {}): Promise<SlackReceiver> {
  const token = options.token ?? `xoxb-${randomDigits(12)}-${randomDigits(13)}-${randomBytes(12).toString('hex')}`;
  const store = new SlackStore(options.channels ?? ['ladder-alerts'], options.now ?? Date.now);
  const firstChannel = store.channels[0];
  if (!firstChannel) throw new Error('startSlackReceiver: at least one channel is needed');
  const violations: Violation[] = [];
  const requests: RecordedRequest[] = [];
  const limiter = new RateLimiter();
  const webhooks = new Map<string, SlackChannel>(
    store.channels.map((channel, index) => [
      `/services/${IDENTITY.team_id}/B${String(index + 2).padStart(10, '0')}/${randomBytes(12).toString('hex')}`,
      channel,
    ]),
  );
  const waiters = new Set<(error: Error) => void>();

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const at = performance.now();
    const url = new URL(request.url ?? '/', 'http://receiver');
    const method = url.pathname.match(/^\/api\/([A-Za-z0-9_.]+)$/)?.[1];
    const webhookChannel = request.method === 'POST' ? webhooks.get(url.pathname) : undefined;
    const endpoint = method ?? (webhookChannel ? 'webhook' : url.pathname);
    const log = (status: number, error?: string, retryAfterSeconds?: number): void => {
      requests.push({ endpoint, at, status, ...(error !== undefined && { error }), ...(retryAfterSeconds !== undefined && { retryAfterSeconds }) });
    };
    const body = await readBody(request);

    if (method === undefined && webhookChannel === undefined) {
      log(404, 'no_service');
      return sendText(response, 404, 'no_service');
    }
    const retryAfter = limiter.take(endpoint);
    if (retryAfter !== undefined) {
      log(429, 'ratelimited', retryAfter);
      const headers = { 'retry-after': String(retryAfter) };
      if (webhookChannel) return sendText(response, 429, 'rate_limited', headers);
      return sendJson(response, 429, { ok: false, error: 'ratelimited' }, headers);
    }
    const recordViolation = (violation: Omit<Violation, 'endpoint'>): void => {
      violations.push({ endpoint, ...violation });
    };
    if (webhookChannel) {
      const result = handleWebhook(webhookChannel, request.headers['content-type'] ?? '', body, { store, recordViolation });
      log(result.status, result.status === 200 ? undefined : result.text);
      return sendText(response, result.status, result.text);
    }

    const handler = method === undefined ? undefined : METHODS[method];
    if (!handler) {
      log(404, 'unknown_method');
      return sendJson(response, 404, { ...slackError('unknown_method'), req_method: method });
    }
    const decoded = decodeRequest(request, body, url);
    let result: Record<string, unknown>;
    if (decoded.error !== undefined) result = slackError(decoded.error);
    else if (decoded.token === undefined) result = slackError('not_authed');
    else if (decoded.token !== token) result = slackError('invalid_auth');
    else result = handler(decoded.params, { store, identity: IDENTITY, recordViolation });
    if (decoded.missingCharset) result = withWarning(result, 'missing_charset');
    log(200, result.ok === true ? undefined : String(result.error));
    sendJson(response, 200, result);
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) sendJson(response, 500, { ok: false, error: 'internal_error', detail: String(error) });
      else response.destroy();
    });
  });
  const base = await listen(server);
  const webhookUrlFor = (reference: string): string => {
    const channel = store.resolveChannel(reference);
    const path = [...webhooks].find(([, bound]) => bound === channel)?.[0];
    if (!path) throw new Error(`webhookUrlFor: no channel ${reference}; known: ${store.channels.map((c) => c.name).join(', ')}`);
    return `${base}${path}`;
  };
  const channelId = (reference: string): string => {
    const channel = store.resolveChannel(reference);
    if (!channel) throw new Error(`unknown channel ${reference}; known: ${store.channels.map((c) => c.name).join(', ')}`);
    return channel.id;
  };

  return {
    url: `${base}/api/`,
    webhookUrl: webhookUrlFor(firstChannel.id),
    token,
    channels: store.channels,
    webhookUrlFor,
    messages: (channel) => store.history(channel === undefined ? undefined : channelId(channel)),
    thread: (channel, ts) => store.thread(channelId(channel), ts),
    waitForMessage: (predicate, timeoutMs = 30_000) => waitForMessage(store, waiters, predicate, timeoutMs),
    get violations() {
      return structuredClone(violations);
    },
    get requests() {
      return [...requests];
    },
    rateLimit: (rateLimitOptions) => limiter.arm(rateLimitOptions),
    retryDelays: () => observeRetries(requests),
    stop: async () => {
      for (const cancel of waiters) cancel(new Error('Slack receiver stopped'));
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

function withWarning(result: Record<string, unknown>, warning: string): Record<string, unknown> {
  const metadata = (result.response_metadata ?? {}) as Record<string, unknown>;
  return { ...result, warning, response_metadata: { ...metadata, warnings: [warning] } };
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // Port 0: the OS picks a free port, so parallel test files never collide.
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return `http://127.0.0.1:${port}`;
}

function randomDigits(count: number): string {
  return Array.from(randomBytes(count), (byte) => String(byte % 10)).join('');
}
