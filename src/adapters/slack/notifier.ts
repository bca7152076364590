import type { Logger } from 'pino';
import type { AlertSink, DeployFailure, DriftIncident, IncidentLedger, SourceProblem } from '../../core/alerts/types.js';
import type { Clock } from '../../core/time/clock.js';
import { driftContinuedReply, driftMessage, driftReminderReply, driftResolvedReply, driftUpdateReply, type LinkOptions } from './drift-message.js';
import { IncidentThread } from './incident-thread.js';
import { deployFailedMessage, sourceRecoveredMessage, sourceUnreachableMessage } from './ops-messages.js';
import { createSlackTransport, parseThreadLink, SlackError, threadLink, type SlackDestination, type SlackMessage, type SlackTransport, type TransportOptions } from './transport.js';

export interface SlackNotifierOptions extends LinkOptions, TransportOptions {
  /** Paces messages (at most one per incident per minIntervalMs); the agent passes the system clock. */
  clock: Clock;
  log?: Pick<Logger, 'info' | 'warn'>;
  /** At most one message per incident per this many ms (default one minute). */
  minIntervalMs?: number;
  /** Also show thread replies in the channel (bot mode). */
  replyBroadcast?: boolean;
  /**
   * Where open incidents are kept for the next leader: asked before an
   * incident's thread is started (one found is continued), told each state
   * sent with the thread's link.
   */
  ledger?: IncidentLedger;
  /** A reply to an incident still open, this long after its last message (0 or absent: none). */
  reminderIntervalMs?: number;
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

  async function deliverDrift(thread: IncidentThread, latest: DriftIncident, before: { revision: number; resolved: boolean }): Promise<void> {
    if (latest.resolvedAt) threads.delete(latest.id);
    if (!transport.threads) {
      await attempt('drift', () => transport.post(driftMessage(latest, options)));
      await options.ledger?.record(latest, undefined);
      return;
    }
    let continued = false;
    if (!thread.ts) {
      // An incident another leader (or this agent before a restart) opened goes on in its thread.
      const handed = await options.ledger?.openThread(latest);
      const found = handed ? parseThreadLink(handed.link) : undefined;
      if (found) {
        thread.ts = found.ts;
        thread.channel = found.channel;
        if (handed!.openedAt) thread.openedAt = handed!.openedAt;
        continued = true;
        options.log?.info({ incident: latest.id, thread: handed!.link }, 'drift incident continues in the thread opened earlier');
      }
    }
    const incident = thread.openedAt === latest.openedAt ? latest : { ...latest, openedAt: thread.openedAt };
    const main = driftMessage(incident, options);
    if (!thread.ts) {
      const posted = await attempt('drift', () => transport.post(main));
      thread.ts = posted?.ts;
      thread.channel = posted?.channel;
    } else {
      const ts = thread.ts;
      const channel = thread.channel;
      await attempt('drift update', () => transport.update(ts, main, channel));
      const reply: SlackMessage = incident.resolvedAt && !before.resolved ? driftResolvedReply(incident) : continued ? driftContinuedReply(incident) : driftUpdateReply(incident);
      await attempt('drift reply', () => transport.post(reply, { threadTs: ts, replyBroadcast: options.replyBroadcast ?? false, ...(channel ? { channel } : {}) }));
    }
    await recordThread(thread, incident);
  }

  /** Tells the ledger the state just sent, with the thread's link (after Slack: the message never waits for GitHub). */
  async function recordThread(thread: IncidentThread, incident: DriftIncident): Promise<void> {
    if (!options.ledger) return;
    const workspace = thread.ts && thread.channel ? await transport.workspaceUrl() : undefined;
    await options.ledger.record(incident, workspace ? threadLink(workspace, thread.channel!, thread.ts!) : undefined);
  }

  async function remind(thread: IncidentThread): Promise<void> {
    const ts = thread.ts;
    if (!ts) return;
    const channel = thread.channel;
    const reply = driftReminderReply(thread.latest, thread.openedAt, clock.now());
    await track(attempt('drift reminder', () => transport.post(reply, { threadTs: ts, replyBroadcast: options.replyBroadcast ?? false, ...(channel ? { channel } : {}) })));
  }

  function threadFor(incident: DriftIncident): IncidentThread | undefined {
    if (closed) return undefined;
    let thread = threads.get(incident.id);
    if (!thread) {
      const reminders = transport.threads && options.reminderIntervalMs ? { everyMs: options.reminderIntervalMs, remind } : undefined;
      thread = new IncidentThread(incident, clock, minIntervalMs, (t, i, b) => track(deliverDrift(t, i, b)), reminders);
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
