// The workspace state behind the receiver: channels and their messages, kept
// in post order. Callers get deep copies, so a test cannot change what the
// receiver recorded by mutating an object it was handed.
import type { ChannelOption, SlackChannel, SlackMessage } from './types.js';

export interface NewMessage {
  channel: SlackChannel;
  text?: string;
  blocks?: unknown[];
  thread_ts?: string;
  reply_broadcast?: boolean;
  via: SlackMessage['via'];
}

export class SlackStore {
  readonly channels: readonly SlackChannel[];
  private readonly byChannel = new Map<string, SlackMessage[]>();
  private readonly listeners = new Set<(message: SlackMessage) => void>();
  private lastMicros = 0;

  constructor(options: ChannelOption[], private readonly now: () => number) {
    this.channels = options.map((option, index) => toChannel(option, index));
    for (const channel of this.channels) this.byChannel.set(channel.id, []);
  }

  /** Accepts an id (`C…`), a name, or `#name`, as chat.postMessage does. */
  resolveChannel(reference: string): SlackChannel | undefined {
    const name = reference.startsWith('#') ? reference.slice(1) : reference;
    return this.channels.find((channel) => channel.id === reference || channel.name === name);
  }

  find(channelId: string, ts: string): SlackMessage | undefined {
    return this.byChannel.get(channelId)?.find((message) => message.ts === ts);
  }

  post(input: NewMessage): SlackMessage {
    const message: SlackMessage = {
      channel: input.channel.id,
      ts: this.nextTs(),
      via: input.via,
      reply_count: 0,
      history: [],
      ...(input.text !== undefined && { text: input.text }),
      ...(input.blocks !== undefined && { blocks: input.blocks }),
    };
    if (input.thread_ts !== undefined) {
      message.thread_ts = input.thread_ts;
      if (input.reply_broadcast) message.reply_broadcast = true;
      const parent = this.find(input.channel.id, input.thread_ts);
      if (parent) {
        parent.thread_ts = parent.ts;
        parent.reply_count += 1;
      }
    }
    this.byChannel.get(input.channel.id)?.push(message);
    this.emit(message);
    return copy(message);
  }

  update(message: SlackMessage, change: { text?: string; blocks?: unknown[] }): SlackMessage {
    const ts = this.nextTs();
    message.history.push({
      ...(message.text !== undefined && { text: message.text }),
      ...(message.blocks !== undefined && { blocks: message.blocks }),
      replacedAt: ts,
    });
    if (change.text !== undefined) message.text = change.text;
    if (change.blocks !== undefined) message.blocks = change.blocks;
    message.edited = { ts };
    this.emit(message);
    return copy(message);
  }

  history(channelId?: string): SlackMessage[] {
    return this.all(channelId).filter((m) => m.thread_ts === undefined || m.thread_ts === m.ts || m.reply_broadcast);
  }

  thread(channelId: string, ts: string): SlackMessage[] {
    return this.all(channelId).filter((m) => m.ts === ts || m.thread_ts === ts);
  }

  all(channelId?: string): SlackMessage[] {
    const lists = channelId === undefined ? [...this.byChannel.values()] : [this.byChannel.get(channelId) ?? []];
    return lists.flat().map(copy);
  }

  onChange(listener: (message: SlackMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Slack ts: seconds.microseconds, unique and increasing within the workspace. */
  private nextTs(): string {
    this.lastMicros = Math.max(Math.floor(this.now() * 1000), this.lastMicros + 1);
    return `${Math.floor(this.lastMicros / 1e6)}.${String(this.lastMicros % 1e6).padStart(6, '0')}`;
  }

  private emit(message: SlackMessage): void {
    for (const listener of this.listeners) listener(copy(message));
  }
}

function toChannel(option: ChannelOption, index: number): SlackChannel {
  const spec = typeof option === 'string' ? { name: option } : option;
  return {
    id: spec.id ?? `C${String(index + 1).padStart(10, '0')}`,
    name: spec.name,
    member: spec.member ?? true,
  };
}

function copy(message: SlackMessage): SlackMessage {
  return structuredClone(message);
}
