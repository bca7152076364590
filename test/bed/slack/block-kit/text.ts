// Text composition objects: { type: plain_text | mrkdwn, text, emoji?, verbatim? }.
// Many fields only take plain_text (header, button, image title), and each
// field has its own length limit on top of the text object's own 3,000.
import { LIMITS } from './limits.js';
import { allowKeys, expectBoolean, expectObject, expectString, type Issues, type Json } from './check.js';

export interface TextRule {
  max: number;
  plainOnly?: boolean;
}

export function checkTextObject(issues: Issues, value: unknown, pointer: string, rule: TextRule): void {
  const text = expectObject(issues, value, pointer);
  if (!text) return;
  const type = expectString(issues, text, 'type', pointer, {
    required: true,
    oneOf: rule.plainOnly ? ['plain_text'] : ['plain_text', 'mrkdwn'],
  });
  allowKeys(issues, text, pointer, type === 'mrkdwn' ? ['type', 'text', 'verbatim'] : ['type', 'text', 'emoji']);
  expectString(issues, text, 'text', pointer, { required: true, min: 1, max: Math.min(rule.max, LIMITS.textObject) });
  expectBoolean(issues, text, 'emoji', pointer);
  expectBoolean(issues, text, 'verbatim', pointer);
}

/** A text object held in `object[key]`; absent is fine unless `required`. */
export function checkTextField(
  issues: Issues,
  object: Json,
  key: string,
  pointer: string,
  rule: TextRule & { required?: boolean },
): void {
  if (object[key] === undefined) {
    if (rule.required) issues.add(pointer, `missing required field: ${key}`);
    return;
  }
  checkTextObject(issues, object[key], `${pointer}/${key}`, rule);
}
