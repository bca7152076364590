import type { Logger } from 'pino';
import type { AlertSink, DeployFailure, DriftIncident, SourceProblem } from '../../core/alerts/types.js';
import type { Clock } from '../../core/time/clock.js';
import { driftMessage, driftResolvedReply, driftUpdateReply, type LinkOptions } from './drift-message.js';
import { IncidentThread } from './incident-thread.js';
import { deployFailedMessage, sourceRecoveredMessage, sourceUnreachableMessage } from './ops-messages.js';
import { createSlackTransport, SlackError, type SlackDestination, type SlackMessage, type SlackTransport, type TransportOptions } from './transport.js';

export interface SlackNotifierOptions extends LinkOptions, TransportOptions {
  /** Paces messages (at most one per incident per minIntervalMs); the agent passes the system clock. */
  clock: Clock;
  log?: Pick<Logger, 'info' | 'warn'>;
  /** At most one message per incident per this many ms (default one minute). */
  minIntervalMs?: number;
  /** Also show thread replies in the channel (bot mode). */
  replyBroadcast?: boolean;
}

export interface SlackNotifier extends AlertSink {
  flush(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Drift incidents, deploy failures and source outages as Slack messages.
 * With a bot token, an incident is one message edited in place plus thread
 * replies for each change and a "resolved" reply; with an incoming webhook
 * (no editing, no threads) each state change is a new message. Either way at
 * most one message per incident per minute. The token is never logged.
 */
export function createSlackNotifier(destination: SlackDestination, options: SlackNotifierOptions): SlackNotifier {
  const clock = options.clock;
  const minIntervalMs = options.minIntervalMs ?? 60_000;
  const transport = createSlackTransport(destination, options);
  const threads = new Map<string, IncidentThread>();
  const outages = new Map<string, { since: Date; ts?: string }>();
  const inFlight = new Set<Promise<unknown>>();
  let lastDeployFailure: string | undefined;
  let closed = false;

  const track = <T>(promise: Promise<T>): Promise<T> => {
    inFlight.add(promise);
    void promise.finally(() => inFlight.delete(promise)).catch(() => undefined);
    return promise;
  };

  /** Sends and logs failures: an alert that cannot be delivered must never break the agent. */
  async function attempt<T>(what: string, send: () => Promise<T>): Promise<T | undefined> {
    try {
      return await track(send());
    } catch (error) {
      const code = error instanceof SlackError ? error.code : (error as Error).message;
      options.log?.warn({ slack: what, error: code }, 'Slack message not delivered');
      return undefined;
    }
  }

  async function deliverDrift(thread: IncidentThread, incident: DriftIncident, before: { revision: number; resolved: boolean }): Promise<void> {
    const main = driftMessage(incident, options);
    if (incident.resolvedAt) threads.delete(incident.id);
    if (!transport.threads) {
      await attempt('drift', () => transport.post(main));
      return;
    }
    if (!thread.ts) {
      thread.ts = (await attempt('drift', () => transport.post(main)))?.ts;
      return;
    }
    const ts = thread.ts;
    await attempt('drift update', () => transport.update(ts, main));
    const reply: SlackMessage = incident.resolvedAt && !before.resolved ? driftResolvedReply(incident) : driftUpdateReply(incident);
    await attempt('drift reply', () => transport.post(reply, { threadTs: ts, replyBroadcast: options.replyBroadcast ?? false }));
  }

  function threadFor(incident: DriftIncident): IncidentThread | undefined {
    if (closed) return undefined;
    let thread = threads.get(incident.id);
    if (!thread) {
      thread = new IncidentThread(incident, clock, minIntervalMs, (t, i, b) => track(deliverDrift(t, i, b)));
      threads.set(incident.id, thread);
    }
    return thread;
  }

  return {
    async driftDetected(incident) {
      threadFor(incident)?.change(incident);
    },
    async driftResolved(incident) {
      const thread = threads.get(incident.id);
      // Resolved before anything was said (and nothing is waiting): nobody needs to hear about it.
      if (!thread || closed) return;
      thread.change(incident);
    },
    async deployFailed(report: DeployFailure) {
      const key = `${report.environment}\0${report.commit}\0${report.message}`;
      if (closed || key === lastDeployFailure) return;
      lastDeployFailure = key;
      await attempt('deploy failure', () => transport.post(deployFailedMessage(report, options)));
    },
    async sourceUnreachable(info: SourceProblem) {
      const key = `${info.environment}\0${info.repository}`;
      if (closed || outages.has(key)) return;
      const outage: { since: Date; ts?: string } = { since: info.at };
      outages.set(key, outage);
      const posted = await attempt('source unreachable', () => transport.post(sourceUnreachableMessage(info)));
      if (posted?.ts) outage.ts = posted.ts;
    },
    async sourceRecovered(info: SourceProblem) {
      const key = `${info.environment}\0${info.repository}`;
      const outage = outages.get(key);
      if (closed || !outage) return;
      outages.delete(key);
      const message = sourceRecoveredMessage(info, outage.since);
      await attempt('source recovered', () => transport.post(message, outage.ts ? { threadTs: outage.ts, replyBroadcast: true } : {}));
    },
    async flush() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    async close() {
      closed = true;
      for (const thread of threads.values()) thread.cancel();
      await this.flush();
    },
  };
}
