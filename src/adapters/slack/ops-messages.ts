import { describeObject, type DeployFailure, type SourceProblem } from '../../core/alerts/types.js';
import { code, context, escapeMrkdwn, fields, formatTime, header, link, section, sectionsOf, truncate } from './blocks.js';
import type { LinkOptions } from './drift-message.js';
import type { SlackMessage } from './transport.js';

export function deployFailedMessage(report: DeployFailure, links: LinkOptions): SlackMessage {
  const lines = (report.failures ?? []).map((failure) => {
    const what = failure.object ? code(describeObject(failure.object)) : failure.file ? code(failure.file) : 'the commit';
    return `• ${what}: ${escapeMrkdwn(truncate(failure.message, 400))}`;
  });
  return {
    text: truncate(`Deploy failed in ${report.environment} at ${report.commit.slice(0, 7)}: ${report.message}`, 3000),
    blocks: [
      header(`Deploy failed: ${report.environment}`),
      fields([
        ['Environment', code(report.environment)],
        ['Commit', commitText(report.commit, links)],
      ]),
      section(`:x: ${escapeMrkdwn(truncate(report.message, 2000))}`),
      ...(lines.length > 0 ? sectionsOf(lines, 5) : []),
      context(`At ${formatTime(report.at)}`),
    ],
  };
}

export function sourceUnreachableMessage(info: SourceProblem): SlackMessage {
  const where = `${info.repository}${info.branch ? `@${info.branch}` : ''}`;
  const serving = info.lastGoodCommit ? `Still serving ${code(info.lastGoodCommit.slice(0, 7))}.` : 'Nothing applied yet.';
  return {
    text: truncate(`Source unreachable for ${info.environment}: ${where}`, 3000),
    blocks: [
      section(`:warning: *Ladder cannot read ${code(where)}* for ${code(info.environment)} since ${formatTime(info.at)}. ${serving}`),
      ...(info.error ? [context(`Error: ${escapeMrkdwn(truncate(info.error, 500))}`)] : []),
    ],
  };
}

export function sourceRecoveredMessage(info: SourceProblem, since?: Date): SlackMessage {
  const where = `${info.repository}${info.branch ? `@${info.branch}` : ''}`;
  const outage = since ? ` after ${Math.max(1, Math.round((info.at.getTime() - since.getTime()) / 60_000))} min` : '';
  return {
    text: truncate(`Source recovered for ${info.environment}: ${where}`, 3000),
    blocks: [section(`:white_check_mark: Ladder reads ${code(where)} again for ${code(info.environment)}${outage} (${formatTime(info.at)}).`)],
  };
}

function commitText(commit: string, links: LinkOptions): string {
  if (!links.repository) return code(commit.slice(0, 7));
  const base = (links.baseUrl ?? 'https://github.com').replace(/\/+$/, '');
  return link(`${base}/${links.repository}/commit/${commit}`, commit.slice(0, 7));
}
