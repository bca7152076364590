/**
 * The two ways into Slack, behind one small interface: the Web API with a bot
 * token (messages have a `ts`, can be edited and threaded) and an incoming
 * webhook (top-level messages only). Plain fetch, no SDK. Calls go out one at
 * a time, so a 429's Retry-After pauses every later call too.
 */

export interface SlackMessage {
  text: string;
  blocks: unknown[];
}

export interface PostOptions {
  /** Reply in the thread of this message (Web API only). */
  threadTs?: string;
  replyBroadcast?: boolean;
  /** The channel id of the thread, when it was not started by this transport (an incident handed over by another leader). */
  channel?: string;
}

export interface SlackTransport {
  /** True when posts return a ts that can be updated and replied to. */
  readonly threads: boolean;
  post(message: SlackMessage, options?: PostOptions): Promise<{ ts?: string; channel?: string }>;
  /** Replaces a message posted earlier (Web API only), in `channel` when given. */
  update(ts: string, message: SlackMessage, channel?: string): Promise<void>;
  /** The workspace's address (`https://team.slack.com/`, from auth.test, asked once); undefined with a webhook. */
  workspaceUrl(): Promise<string | undefined>;
}

/** A message's permanent link, as Slack writes it: `<workspace>/archives/<channel>/p<ts without the dot>`. */
export function threadLink(workspaceUrl: string, channel: string, ts: string): string {
  return `${workspaceUrl.replace(/\/+$/, '')}/archives/${encodeURIComponent(channel)}/p${ts.replace('.', '')}`;
}

/** The channel and ts of a link threadLink wrote; undefined for anything else. */
export function parseThreadLink(link: string): { channel: string; ts: string } | undefined {
  const match = /\/archives\/([A-Za-z0-9]+)\/p(\d{7,})$/.exec(link);
  if (!match) return undefined;
  const digits = match[2]!;
  return { channel: match[1]!, ts: `${digits.slice(0, -6)}.${digits.slice(-6)}` };
}

export type SlackDestination = { webhookUrl: string } | { token: string; channel: string; apiUrl?: string };

/** Slack refused a call (`{ ok: false, error }` or a webhook's error body). Carries no token. */
export class SlackError extends Error {
  override readonly name = 'SlackError';
  constructor(
    readonly method: string,
    readonly code: string,
  ) {
    super(`Slack ${method} failed: ${code}`);
  }
}

export interface TransportOptions {
  /** Attempts per call when rate limited or the network fails (default 5). */
  maxAttempts?: number;
  /** Waits for real time: Retry-After is Slack's time, not the agent's test clock. */
  sleep?: (ms: number) => Promise<void>;
  /**
   * Longest wait for one answer (default 15 s). Calls are serial: without a limit one
   * connection that never answers would hold back every later alert, and shutdown with them.
   */
  requestTimeoutMs?: number;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createSlackTransport(destination: SlackDestination, options: TransportOptions = {}): SlackTransport {
  const maxAttempts = options.maxAttempts ?? 5;
  const sleep = options.sleep ?? realSleep;
  const requestTimeoutMs = options.requestTimeoutMs ?? 15_000;
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(task: () => Promise<T>): Promise<T> => {
    const run = queue.then(task, task);
    queue = run.catch(() => undefined);
    return run;
  };

  async function send(method: string, url: string, init: RequestInit): Promise<Response> {
    for (let attempt = 1; ; attempt++) {
      let response: Response;
      try {
        response = await fetch(url, { ...init, signal: AbortSignal.timeout(requestTimeoutMs) });
      } catch (error) {
        if (attempt >= maxAttempts) throw new SlackError(method, `network: ${(error as Error).message}`);
        await sleep(1000 * attempt);
        continue;
      }
      if (response.status !== 429 || attempt >= maxAttempts) return response;
      await response.arrayBuffer();
      await sleep(retryAfterMs(response.headers.get('retry-after')));
    }
  }

  if ('webhookUrl' in destination) {
    return {
      threads: false,
      post: (message) =>
        serial(async () => {
          const response = await send('webhook', destination.webhookUrl, {
            method: 'POST',
            headers: { 'content-type': 'application/json; charset=utf-8' },
            body: JSON.stringify({ text: message.text, blocks: message.blocks }),
          });
          const body = (await response.text()).trim();
          if (!response.ok) throw new SlackError('webhook', `${response.status} ${body.slice(0, 100)}`);
          return {};
        }),
      update: () => Promise.reject(new SlackError('webhook', 'cant_update_message')),
      workspaceUrl: async () => undefined,
    };
  }

  const apiUrl = (destination.apiUrl ?? 'https://slack.com/api/').replace(/\/?$/, '/');
  let channelId: string | undefined;
  let workspace: Promise<string | undefined> | undefined;
  const call = (method: string, params: Record<string, unknown>) =>
    serial(async () => {
      const response = await send(method, apiUrl + method, {
        method: 'POST',
        headers: { authorization: `Bearer ${destination.token}`, 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify(params),
      });
      const body = (await response.json().catch(() => ({ ok: false, error: `http_${response.status}` }))) as Record<string, unknown>;
      if (body.ok !== true) throw new SlackError(method, String(body.error ?? `http_${response.status}`));
      return body;
    });

  return {
    threads: true,
    async post(message, post = {}) {
      const params: Record<string, unknown> = { channel: post.channel ?? channelId ?? destination.channel, text: message.text, blocks: message.blocks, unfurl_links: false };
      if (post.threadTs) params.thread_ts = post.threadTs;
      if (post.threadTs && post.replyBroadcast) params.reply_broadcast = true;
      const body = await call('chat.postMessage', params);
      // chat.update wants the channel id; postMessage answers with it whatever name we gave.
      if (typeof body.channel === 'string' && !post.channel) channelId = body.channel;
      return { ts: String(body.ts), ...(typeof body.channel === 'string' ? { channel: body.channel } : {}) };
    },
    workspaceUrl() {
      workspace ??= call('auth.test', {}).then(
        (body) => (typeof body.url === 'string' ? body.url : undefined),
        () => {
          workspace = undefined; // asked again next time
          return undefined;
        },
      );
      return workspace;
    },
    async update(ts, message, channel) {
      await call('chat.update', { channel: channel ?? channelId ?? destination.channel, ts, text: message.text, blocks: message.blocks });
    },
  };
}

/** Retry-After is whole seconds; a missing or odd header waits a second, and never more than five minutes. */
function retryAfterMs(header: string | null): number {
  const seconds = Number(header);
  if (!Number.isFinite(seconds) || seconds < 0) return 1000;
  // A little margin: the limit is counted on Slack's side, from when it answered.
  return Math.min(seconds, 300) * 1000 + 50;
}
