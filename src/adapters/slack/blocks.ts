// Small Block Kit builders that keep within Slack's limits (header text 150,
// text objects 3,000, 50 blocks), so a long drift report is cut short rather
// than refused.

export type Block = Record<string, unknown>;

export const limits = { header: 150, text: 3000, blocks: 50, fallbackText: 3000 } as const;

/** Escapes the three characters mrkdwn treats as control characters. */
export function escapeMrkdwn(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** Inline code; a backtick inside would end the span, so it becomes a similar quote. */
export function code(text: string): string {
  return `\`${escapeMrkdwn(text.replaceAll('`', 'ˋ'))}\``;
}

/** A link; `|` and `>` would end the URL part, so they are percent-encoded. */
export function link(url: string, label: string): string {
  const safeUrl = url.replaceAll('|', '%7C').replaceAll('>', '%3E').replaceAll('<', '%3C');
  return `<${safeUrl}|${escapeMrkdwn(label)}>`;
}

export function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

export function header(text: string): Block {
  return { type: 'header', text: { type: 'plain_text', text: truncate(text, limits.header), emoji: true } };
}

export function section(mrkdwn: string): Block {
  return { type: 'section', text: { type: 'mrkdwn', text: truncate(mrkdwn, limits.text) } };
}

export function fields(pairs: Array<[label: string, value: string]>): Block {
  return {
    type: 'section',
    fields: pairs.slice(0, 10).map(([label, value]) => ({ type: 'mrkdwn', text: truncate(`*${label}*\n${value}`, 2000) })),
  };
}

export function context(mrkdwn: string): Block {
  return { type: 'context', elements: [{ type: 'mrkdwn', text: truncate(mrkdwn, limits.text) }] };
}

export function divider(): Block {
  return { type: 'divider' };
}

/**
 * Lines packed into as few sections as fit (3,000 characters each), at most
 * `maxSections`; lines that do not fit are counted in a last line.
 */
export function sectionsOf(lines: string[], maxSections: number): Block[] {
  const sections: string[] = [];
  let current = '';
  let used = 0;
  for (const line of lines) {
    const piece = truncate(line, limits.text - 100);
    if (current && [...current].length + [...piece].length + 1 > limits.text - 100) {
      if (sections.length + 1 >= maxSections) break;
      sections.push(current);
      current = '';
    }
    current = current ? `${current}\n${piece}` : piece;
    used++;
  }
  if (used < lines.length) current += `\n…and ${lines.length - used} more`;
  if (current) sections.push(current);
  return sections.map(section);
}

/** `2026-11-22 01:36:26 UTC` from an ISO time or a Date. */
export function formatTime(time: string | Date): string {
  const date = typeof time === 'string' ? new Date(time) : time;
  if (Number.isNaN(date.getTime())) return String(time);
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}
