// rich_text blocks: containers (section, list, preformatted, quote) holding
// inline elements. Only the fields Slack requires are checked; styles are
// passed through, because a wrong style renders plainly rather than failing.
import { expectArray, expectObject, expectString, type Issues } from './check.js';

/** Inline element type → the field it cannot do without. */
const INLINE_REQUIRED: Readonly<Record<string, string>> = {
  text: 'text',
  link: 'url',
  emoji: 'name',
  user: 'user_id',
  channel: 'channel_id',
  usergroup: 'usergroup_id',
  team: 'team_id',
  broadcast: 'range',
  date: 'timestamp',
  color: 'value',
};

const CONTAINERS = ['rich_text_section', 'rich_text_list', 'rich_text_preformatted', 'rich_text_quote'];

export function checkRichTextElements(issues: Issues, elements: unknown[], pointer: string): void {
  elements.forEach((value, index) => checkContainer(issues, value, `${pointer}/${index}`, CONTAINERS));
}

function checkContainer(issues: Issues, value: unknown, pointer: string, allowed: readonly string[]): void {
  const container = expectObject(issues, value, pointer);
  if (!container) return;
  const type = expectString(issues, container, 'type', pointer, { required: true });
  if (type === undefined) return;
  if (!allowed.includes(type)) {
    issues.add(`${pointer}/type`, `unsupported type: ${type}`);
    return;
  }
  const children = expectArray(issues, container, 'elements', pointer, { required: true });
  if (!children) return;
  if (type === 'rich_text_list') {
    expectString(issues, container, 'style', pointer, { required: true, oneOf: ['bullet', 'ordered'] });
    children.forEach((child, index) => checkContainer(issues, child, `${pointer}/elements/${index}`, ['rich_text_section']));
    return;
  }
  children.forEach((child, index) => checkInline(issues, child, `${pointer}/elements/${index}`));
}

function checkInline(issues: Issues, value: unknown, pointer: string): void {
  const inline = expectObject(issues, value, pointer);
  if (!inline) return;
  const type = expectString(issues, inline, 'type', pointer, { required: true });
  if (type === undefined) return;
  const required = INLINE_REQUIRED[type];
  if (required === undefined) {
    issues.add(`${pointer}/type`, `unsupported type: ${type}`);
    return;
  }
  if (inline[required] === undefined) issues.add(pointer, `missing required field: ${required}`);
  if (type === 'broadcast') expectString(issues, inline, 'range', pointer, { oneOf: ['here', 'channel', 'everyone'] });
  if (type === 'date' && typeof inline.timestamp !== 'number' && inline.timestamp !== undefined) {
    issues.add(`${pointer}/timestamp`, 'must be a number');
  }
  if (type === 'date') expectString(issues, inline, 'format', pointer, { required: true });
}
