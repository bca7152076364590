import type { Logger } from 'pino';
import type { CommitStatuses } from '../../adapters/github/port.js';
import { describeObject, type AlertObject, type DriftIncident, type IncidentLedger } from '../../core/alerts/types.js';

/** GitHub keeps at most 140 characters of a status description. */
const descriptionLength = 140;
/** How long statuses read for a commit are trusted before they are read again (another leader may have written since). */
const freshForMs = 30_000;
/**
 * Status writes allowed at once, and per minute after that. Each costs two GitHub requests (the
 * port reads before it writes); a drift storm (a namespace deleted by hand) must not spend the
 * installation's rate limit that the branch polls need. Beyond it an incident is still said in
 * Slack, only not recorded: a new leader would open a new thread for it.
 */
const writeBurst = 20;
const writesPerMinute = 20;

/** The status context of drift on one object in one environment: `ladder/drift: prd/london ConfigMap shop/checkout`. */
export function driftContext(environment: string, object: AlertObject): string {
  return `ladder/drift: ${environment} ${describeObject(object)}`;
}

/**
 * Open drift incidents as commit statuses on the deployed commit, read and
 * written through the GitHub port (design §8): one `ladder/drift: …` context
 * per object, `failure` while the incident is open and `success` once it is
 * resolved, linking to the incident's Slack thread, its description saying
 * since when and what drifted. Reads count only statuses written by the
 * agent's own identity (the port's creator filter): a status anyone with
 * `statuses: write` sets does not steer Ladder's threads. The statuses of a
 * commit are read once and kept for 30 s, so a burst of incidents costs one
 * read, and at most 20 statuses a minute are written. GitHub errors are logged and swallowed: the Slack message has gone
 * out already, and a new leader without the record opens a new thread.
 */
export function createDriftLedger(statuses: CommitStatuses, environment: string, log?: Pick<Logger, 'warn'>, now: () => number = Date.now): IncidentLedger {
  let tokens = writeBurst;
  let refilledAt = now();
  let skipped = 0;
  const mayWrite = () => {
    const at = now();
    tokens = Math.min(writeBurst, tokens + ((at - refilledAt) / 60_000) * writesPerMinute);
    refilledAt = at;
    if (tokens < 1) return false;
    tokens -= 1;
    return true;
  };
  const read = new Map<string, { at: number; latest: Promise<Map<string, { state: string; description: string; targetUrl?: string }>> }>();
  const latestOf = (commit: string) => {
    const cached = read.get(commit);
    if (cached && Date.now() - cached.at < freshForMs) return cached.latest;
    const latest = statuses.latest(commit);
    read.set(commit, { at: Date.now(), latest });
    latest.catch(() => read.delete(commit));
    for (const [key, value] of read) if (Date.now() - value.at >= freshForMs) read.delete(key);
    return latest;
  };
  return {
    async openThread(incident) {
      try {
        const status = (await latestOf(incident.commit)).get(driftContext(environment, incident.object));
        if (!status || status.state !== 'failure' || !status.targetUrl) return undefined;
        const openedAt = openedAtOf(status.description);
        return { link: status.targetUrl, ...(openedAt ? { openedAt } : {}) };
      } catch (error) {
        log?.warn({ error: (error as Error).message, commit: incident.commit }, 'open drift incidents could not be read from GitHub');
        return undefined;
      }
    },
    async record(incident, link) {
      const context = driftContext(environment, incident.object);
      const status = { context, state: incident.resolvedAt ? ('success' as const) : ('failure' as const), description: describeIncident(incident), ...(link ? { targetUrl: link } : {}) };
      if (!mayWrite()) {
        if (skipped++ % 100 === 0) log?.warn({ skipped, context }, `drift incidents not recorded on GitHub: more than ${writesPerMinute} a minute`);
        return;
      }
      try {
        await statuses.set(incident.commit, [status]);
        const cached = read.get(incident.commit);
        if (cached) (await cached.latest).set(context, { state: status.state, description: status.description, ...(link ? { targetUrl: link } : {}) });
      } catch (error) {
        log?.warn({ error: (error as Error).message, commit: incident.commit, context }, 'drift incident not recorded on GitHub');
      }
    },
  };
}

/** `Drifted since 2026-12-05T07:12:03Z: data.value, …`, `Deleted since …`, `Resolved … (fixed), drifted since …`. */
export function describeIncident(incident: DriftIncident): string {
  const since = incident.openedAt.toISOString().replace(/\.\d{3}Z$/, 'Z');
  if (incident.resolvedAt) {
    const how = incident.resolution ?? 'fixed';
    return truncate(`Resolved ${incident.resolvedAt.toISOString().replace(/\.\d{3}Z$/, 'Z')} (${how}); drifted since ${since}`);
  }
  if (incident.kind === 'deleted') return truncate(`Deleted since ${since}`);
  const fields = incident.changes.map((c) => c.path).join(', ');
  return truncate(`Drifted since ${since}: ${incident.changes.length === 1 ? '1 field' : `${incident.changes.length} fields`} (${fields})`);
}

function openedAtOf(description: string): Date | undefined {
  const match = /since (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)/.exec(description);
  return match ? new Date(match[1]!) : undefined;
}

function truncate(text: string): string {
  return text.length <= descriptionLength ? text : `${text.slice(0, descriptionLength - 1)}…`;
}
