import type { Logger } from 'pino';
import { createSlackNotifier } from '../../adapters/slack/index.js';
import { systemClock } from '../../adapters/clock/clock.js';
import type { AlertSink, IncidentLedger } from '../../core/alerts/types.js';
import type { AgentConfig } from './config.js';
import type { SourceEvents } from '../source/branch-source.js';

/** The Slack notifier for the configured destination (webhook, or bot token + channel); open incidents kept in `ledger` for the next leader. */
export function createAlertSink(config: AgentConfig, log: Logger, ledger?: IncidentLedger): AlertSink {
  const slack = config.slack!;
  const destination = slack.webhookUrl !== undefined
    ? { webhookUrl: slack.webhookUrl }
    : { token: slack.token!, channel: slack.channel!, ...(slack.apiUrl ? { apiUrl: slack.apiUrl } : {}) };
  return createSlackNotifier(destination, {
    clock: systemClock,
    repository: config.repository,
    baseUrl: webUrlOf(config.github.apiUrl),
    log: log.child({ part: 'slack' }),
    reminderIntervalMs: (slack.reminderMinutes ?? 0) * 60_000,
    ...(ledger ? { ledger } : {}),
  });
}

/** Where people browse the repository: github.com for api.github.com, the host for GitHub Enterprise's /api/v3. */
export function webUrlOf(apiUrl: string): string {
  const url = new URL(apiUrl);
  if (url.hostname === 'api.github.com') return 'https://github.com';
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/api\/v3\/?$/, '').replace(/\/+$/, '')}`;
}

/** A source outage and its end, as the alert sink wants them (the source already says each once per outage). */
export function sourceEventsFor(alerts: AlertSink, environment: string, branch: string): SourceEvents {
  return {
    unreachable: (outage) =>
      alerts.sourceUnreachable({ environment, repository: outage.repository, branch, error: outage.reason, lastGoodCommit: outage.servingCommit, at: outage.since }),
    recovered: (outage) => alerts.sourceRecovered({ environment, repository: outage.repository, branch, lastGoodCommit: outage.servingCommit, at: outage.until }),
  };
}
