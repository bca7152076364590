import { describeObject, type DriftFieldChange, type DriftIncident } from '../../core/alerts/types.js';
import { code, context, divider, fields, formatTime, header, link, section, sectionsOf, truncate, type Block } from './blocks.js';
import type { SlackMessage } from './transport.js';

/** Where manifest files are browsed: `<baseUrl>/<repository>/blob/<commit>/<path>`. */
export interface LinkOptions {
  /** `owner/name` of the manifest repository. */
  repository?: string;
  /** Default `https://github.com`. */
  baseUrl?: string;
}

const maxChangeSections = 8;
const valueLength = 120;

export function manifestUrl(incident: Pick<DriftIncident, 'commit' | 'file'>, links: LinkOptions): string | undefined {
  if (!links.repository || !incident.file || !incident.commit) return undefined;
  const base = (links.baseUrl ?? 'https://github.com').replace(/\/+$/, '');
  const path = incident.file.split('/').map(encodeURIComponent).join('/');
  return `${base}/${links.repository}/blob/${incident.commit}/${path}`;
}

/** The incident's main message: posted once, then edited in place (bot) or posted again (webhook). */
export function driftMessage(incident: DriftIncident, links: LinkOptions): SlackMessage {
  const object = describeObject(incident.object);
  const status = statusOf(incident);
  const blocks: Block[] = [
    header(`${incident.resolvedAt ? 'Resolved drift' : 'Drift'}: ${object}`),
    fields([
      ['Environment', code(incident.environment)],
      ['Object', code(`${incident.object.apiVersion} ${object}`)],
      ['Status', status],
      ['Applied commit', commitLink(incident, links)],
    ]),
    divider(),
    ...changeBlocks(incident),
  ];
  if (incident.selfHeal) blocks.push(section(selfHealLine(incident)));
  blocks.push(context(footer(incident, links)));
  return { text: fallbackText(incident), blocks };
}

/** A thread reply saying what changed since the last message. */
export function driftUpdateReply(incident: DriftIncident): SlackMessage {
  const object = describeObject(incident.object);
  const lead = incident.kind === 'deleted' ? `${object} was deleted.` : `Drift changed on ${object}:`;
  const blocks: Block[] = [section(`*${lead}*`), ...(incident.kind === 'deleted' ? [] : changeBlocks(incident))];
  if (incident.selfHeal) blocks.push(section(selfHealLine(incident)));
  return { text: truncate(`Drift changed: ${object}`, 3000), blocks };
}

/** A thread reply from a new leader (or a restarted agent) that found the incident open: the thread goes on. */
export function driftContinuedReply(incident: DriftIncident): SlackMessage {
  const object = describeObject(incident.object);
  const text = `Still drifted: ${object}. A new Ladder agent replica took over and continues this incident.`;
  return { text, blocks: [section(`:arrows_counterclockwise: ${code(object)} is still drifted; a new Ladder agent replica took over and continues this incident.`)] };
}

/** A thread reply for drift that lasts: how long it has. */
export function driftReminderReply(incident: DriftIncident, openedAt: Date, now: Date): SlackMessage {
  const object = describeObject(incident.object);
  const text = `Still drifted after ${formatDuration(now.getTime() - openedAt.getTime())}: ${object} (since ${formatTime(openedAt)}).`;
  return { text, blocks: [section(`:hourglass: ${code(object)} has not matched Git for ${formatDuration(now.getTime() - openedAt.getTime())} (since ${formatTime(openedAt)}).`)] };
}

/** `45 min`, `4 h`, `2 h 5 min`, `3 d 1 h`. */
export function formatDuration(ms: number): string {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  const days = Math.floor(hours / 24);
  return hours % 24 ? `${days} d ${hours % 24} h` : `${days} d`;
}

export function driftResolvedReply(incident: DriftIncident): SlackMessage {
  const object = describeObject(incident.object);
  const how = incident.resolution === 'healed' ? 'Ladder re-applied it' : incident.resolution === 'superseded' ? 'a new commit was applied' : 'it was fixed';
  const text = `Resolved: ${object} matches Git again (${how}) at ${formatTime(incident.resolvedAt ?? incident.observedAt)}.`;
  return { text, blocks: [section(`:white_check_mark: ${code(object)} matches Git again: ${how}, ${formatTime(incident.resolvedAt ?? incident.observedAt)}.`)] };
}

function statusOf(incident: DriftIncident): string {
  if (incident.resolvedAt) return ':white_check_mark: Resolved';
  if (incident.selfHeal?.ok) return ':adhesive_bandage: Healed by Ladder';
  return incident.kind === 'deleted' ? ':x: Deleted' : ':warning: Drifted';
}

function changeBlocks(incident: DriftIncident): Block[] {
  if (incident.kind === 'deleted') return [section(`*The object is gone from the cluster* (seen ${formatTime(incident.observedAt)}).`)];
  const secret = incident.object.kind === 'Secret' && !incident.object.apiVersion.includes('/');
  const lines = incident.changes.map((change) => changeLine(change, secret, incident.observedAt));
  return sectionsOf([`*${incident.changes.length === 1 ? '1 field differs' : `${incident.changes.length} fields differ`}* (desired → live):`, ...lines], maxChangeSections);
}

/** `• spec.replicas: 2 → 5 — kubectl-scale (Update, scale) at …`; a Secret's values are never shown. */
function changeLine(change: DriftFieldChange, secret: boolean, observedAt: Date): string {
  const values =
    change.masked || secret
      ? 'changed (value hidden)'
      : `${code(formatValue(change.desired))} → ${change.missing ? '_(removed)_' : code(formatValue(change.live))}`;
  return `• ${code(truncate(change.path, 300))}: ${values} — ${writerText(change, observedAt)}`;
}

function writerText(change: DriftFieldChange, observedAt: Date): string {
  const writer = change.changedBy;
  if (!writer) return `by an unknown writer, seen ${formatTime(observedAt)}`;
  const how = [writer.operation, writer.subresource].filter(Boolean).join(', ');
  const when = writer.time ? `at ${formatTime(writer.time)}` : `seen ${formatTime(observedAt)}`;
  return `${writer.inferred ? 'probably ' : ''}by *${code(truncate(writer.manager, 100))}* (${how}) ${when}`;
}

function formatValue(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? 'null');
  return truncate(text, valueLength);
}

function selfHealLine(incident: DriftIncident): string {
  const heal = incident.selfHeal!;
  if (heal.ok) return `:adhesive_bandage: *Self-heal:* Ladder re-applied the object from Git at ${formatTime(heal.at)}.`;
  return `:x: *Self-heal failed* at ${formatTime(heal.at)}: ${truncate(heal.message ?? 'unknown error', 500)}`;
}

function commitLink(incident: DriftIncident, links: LinkOptions): string {
  const short = incident.commit.slice(0, 7);
  if (!links.repository) return code(short);
  const base = (links.baseUrl ?? 'https://github.com').replace(/\/+$/, '');
  return link(`${base}/${links.repository}/commit/${incident.commit}`, short);
}

function footer(incident: DriftIncident, links: LinkOptions): string {
  const url = manifestUrl(incident, links);
  const file = url ? `Manifest: ${link(url, incident.file!)}` : incident.file ? `Manifest: ${code(incident.file)}` : 'Manifest file unknown';
  return `${file} · opened ${formatTime(incident.openedAt)} · incident ${code(incident.id)}`;
}

function fallbackText(incident: DriftIncident): string {
  const object = describeObject(incident.object);
  const what = incident.kind === 'deleted' ? 'deleted' : incident.changes.map((c) => c.path).join(', ');
  const prefix = incident.resolvedAt ? 'Resolved drift' : 'Drift';
  return truncate(`${prefix} in ${incident.environment}: ${object} (${what})`, 3000);
}
