// Block elements that can appear in messages. Buttons and images are checked
// field by field (Ladder's alerts use them); the other interactive elements are
// recognised by type and action_id only, which is enough to catch a typo'd type
// without re-implementing every select menu.
import { LIMITS } from './limits.js';
import { allowKeys, expectObject, expectString, isObject, type Issues, type Json } from './check.js';
import { checkTextField } from './text.js';

const OTHER_INTERACTIVE = [
  'checkboxes',
  'datepicker',
  'datetimepicker',
  'multi_static_select',
  'multi_external_select',
  'multi_users_select',
  'multi_conversations_select',
  'multi_channels_select',
  'overflow',
  'radio_buttons',
  'static_select',
  'external_select',
  'users_select',
  'conversations_select',
  'channels_select',
  'timepicker',
  'workflow_button',
] as const;

/** Element types allowed in an actions block. */
export const ACTION_ELEMENT_TYPES: readonly string[] = ['button', ...OTHER_INTERACTIVE];
/** Element types allowed as a section accessory. */
export const ACCESSORY_TYPES: readonly string[] = ['button', 'image', ...OTHER_INTERACTIVE];

export function checkElement(issues: Issues, value: unknown, pointer: string, allowed: readonly string[]): void {
  const element = expectObject(issues, value, pointer);
  if (!element) return;
  const type = expectString(issues, element, 'type', pointer, { required: true });
  if (type === undefined) return;
  if (!allowed.includes(type)) {
    issues.add(`${pointer}/type`, `unsupported type: ${type}`);
    return;
  }
  if (type === 'button') checkButton(issues, element, pointer);
  else if (type === 'image') checkImageElement(issues, element, pointer);
  else expectString(issues, element, 'action_id', pointer, { max: LIMITS.actionId });
}

export function checkButton(issues: Issues, button: Json, pointer: string): void {
  allowKeys(issues, button, pointer, ['type', 'text', 'action_id', 'url', 'value', 'style', 'confirm', 'accessibility_label']);
  checkTextField(issues, button, 'text', pointer, { required: true, plainOnly: true, max: LIMITS.buttonText });
  expectString(issues, button, 'action_id', pointer, { max: LIMITS.actionId });
  expectString(issues, button, 'url', pointer, { min: 1, max: LIMITS.buttonUrl });
  expectString(issues, button, 'value', pointer, { max: LIMITS.buttonValue });
  expectString(issues, button, 'style', pointer, { oneOf: ['primary', 'danger'] });
  expectString(issues, button, 'accessibility_label', pointer, { max: LIMITS.buttonAccessibilityLabel });
  if (button.confirm !== undefined) checkConfirm(issues, button.confirm, `${pointer}/confirm`);
}

function checkConfirm(issues: Issues, value: unknown, pointer: string): void {
  const confirm = expectObject(issues, value, pointer);
  if (!confirm) return;
  allowKeys(issues, confirm, pointer, ['title', 'text', 'confirm', 'deny', 'style']);
  checkTextField(issues, confirm, 'title', pointer, { required: true, plainOnly: true, max: LIMITS.confirmTitle });
  checkTextField(issues, confirm, 'text', pointer, { required: true, plainOnly: true, max: LIMITS.confirmText });
  checkTextField(issues, confirm, 'confirm', pointer, { required: true, plainOnly: true, max: LIMITS.confirmButton });
  checkTextField(issues, confirm, 'deny', pointer, { required: true, plainOnly: true, max: LIMITS.confirmButton });
  expectString(issues, confirm, 'style', pointer, { oneOf: ['primary', 'danger'] });
}

/** The image *element* (context blocks, section accessories): no title, no block_id. */
export function checkImageElement(issues: Issues, image: Json, pointer: string): void {
  allowKeys(issues, image, pointer, ['type', 'image_url', 'slack_file', 'alt_text']);
  expectString(issues, image, 'alt_text', pointer, { required: true, max: LIMITS.imageAltText });
  checkImageSource(issues, image, pointer);
}

/** Exactly one of image_url or slack_file, for image blocks and elements alike. */
export function checkImageSource(issues: Issues, image: Json, pointer: string): void {
  const hasUrl = image.image_url !== undefined;
  const hasFile = image.slack_file !== undefined;
  if (hasUrl === hasFile) {
    issues.add(pointer, 'must provide exactly one of image_url or slack_file');
    return;
  }
  if (hasUrl) expectString(issues, image, 'image_url', pointer, { min: 1, max: LIMITS.imageUrl });
  else if (!isObject(image.slack_file) || (image.slack_file.url === undefined && image.slack_file.id === undefined)) {
    issues.add(`${pointer}/slack_file`, 'must provide an object with url or id');
  }
}
