// Public shapes of the Slack receiver. Field names follow Slack's own
// (ts, thread_ts, reply_count, reply_broadcast) so assertions read like the
// payloads a real workspace would return.

export interface SlackChannel {
  id: string;
  name: string;
  /** False models a channel the bot was never invited to: posting answers `not_in_channel`. */
  member: boolean;
}

export type ChannelOption = string | { name: string; id?: string; member?: boolean };

/** An earlier version of a message, kept when chat.update replaces it. */
export interface MessageVersion {
  text?: string;
  blocks?: unknown[];
  /** ts of the chat.update call that replaced this version. */
  replacedAt: string;
}

export interface SlackMessage {
  /** Channel id, whatever form (name, #name, id) the client used. */
  channel: string;
  ts: string;
  /** On replies: the parent's ts. On a parent with replies: its own ts, as Slack reports it. */
  thread_ts?: string;
  text?: string;
  blocks?: unknown[];
  via: 'web-api' | 'webhook';
  reply_broadcast?: boolean;
  reply_count: number;
  edited?: { ts: string };
  /** Earlier versions, oldest first; empty when never edited. */
  history: MessageVersion[];
}

export type ViolationKind =
  | 'invalid_arguments'
  | 'invalid_blocks'
  | 'invalid_blocks_format'
  | 'msg_too_long'
  | 'no_text'
  | 'invalid_thread_ts'
  | 'thread_not_found'
  | 'thread_ts_is_reply';

/** Something a client sent that Slack would refuse, or accept and then mishandle. */
export interface Violation {
  kind: ViolationKind;
  endpoint: string;
  channel?: string;
  /** Slack-style lines, e.g. `must be less than 151 characters [json-pointer:/blocks/0/text/text]`. */
  errors: string[];
  /** True when the receiver answered with an error; false when Slack would accept the call anyway. */
  rejected: boolean;
  payload: unknown;
}

export interface RecordedRequest {
  /** `chat.postMessage`, `auth.test`, …, or `webhook`. */
  endpoint: string;
  /** Monotonic milliseconds (performance.now()), for measuring gaps between calls. */
  at: number;
  status: number;
  error?: string;
  retryAfterSeconds?: number;
}

export interface RateLimitOptions {
  /** How many of the next matching requests answer 429. */
  times: number;
  retryAfterSeconds: number;
  /** Only limit this endpoint (`chat.postMessage`, `webhook`, …); all when absent. */
  endpoint?: string;
}

export interface RetryObservation {
  endpoint: string;
  retryAfterMs: number;
  /** Time until the next request to the same endpoint; undefined when the client never retried. */
  waitedMs?: number;
}

export interface SlackReceiverOptions {
  /** Bot token the receiver accepts; a random `xoxb-…` when absent. */
  token?: string;
  /** Known channels; anything else is `channel_not_found`. Default: one channel, `ladder-alerts`. */
  channels?: ChannelOption[];
  /** Wall clock in ms, used for message ts. */
  now?: () => number;
}

export interface SlackReceiver {
  /** Web API base URL ending in `/api/`, the form Slack SDKs take as `slackApiUrl`. */
  url: string;
  /** Incoming webhook for the first channel. */
  webhookUrl: string;
  token: string;
  channels: readonly SlackChannel[];
  webhookUrlFor(channel: string): string;
  /** Channel history as conversations.history has it: top-level messages and broadcast replies. */
  messages(channel?: string): SlackMessage[];
  /** The parent followed by its replies, as conversations.replies has it. */
  thread(channel: string, ts: string): SlackMessage[];
  /** Resolves with the first message (reply or edit included) that satisfies `predicate`. */
  waitForMessage(predicate: (message: SlackMessage) => boolean, timeoutMs?: number): Promise<SlackMessage>;
  readonly violations: readonly Violation[];
  readonly requests: readonly RecordedRequest[];
  rateLimit(options: RateLimitOptions): void;
  /** For every 429 answered: the Retry-After given and how long the client actually waited. */
  retryDelays(): RetryObservation[];
  stop(): Promise<void>;
}
