// One checker per block type that Ladder's messages may use. Unknown block
// types are refused, as Slack refuses them, so a typo never reaches a channel.
import { LIMITS } from './limits.js';
import { allowKeys, expectArray, expectBoolean, expectString, isObject, type Issues, type Json } from './check.js';
import { ACCESSORY_TYPES, ACTION_ELEMENT_TYPES, checkElement, checkImageElement, checkImageSource } from './elements.js';
import { checkRichTextElements } from './rich-text.js';
import { checkTextField, checkTextObject } from './text.js';

type BlockChecker = (issues: Issues, block: Json, pointer: string) => void;

const CHECKERS: Readonly<Record<string, BlockChecker>> = {
  section: checkSection,
  header: checkHeader,
  divider: (issues, block, pointer) => allowKeys(issues, block, pointer, ['type', 'block_id']),
  context: checkContext,
  actions: checkActions,
  image: checkImageBlock,
  markdown: checkMarkdown,
  rich_text: checkRichText,
};

export const BLOCK_TYPES: readonly string[] = Object.keys(CHECKERS);

export function checkBlock(issues: Issues, block: Json, pointer: string): void {
  const type = expectString(issues, block, 'type', pointer, { required: true });
  if (type === undefined) return;
  const checker = CHECKERS[type];
  if (!checker) {
    issues.add(`${pointer}/type`, `unsupported type: ${type}`);
    return;
  }
  expectString(issues, block, 'block_id', pointer, { min: 1, max: LIMITS.blockId });
  checker(issues, block, pointer);
}

function checkSection(issues: Issues, block: Json, pointer: string): void {
  allowKeys(issues, block, pointer, ['type', 'block_id', 'text', 'fields', 'accessory', 'expand']);
  if (block.text === undefined && block.fields === undefined) {
    issues.add(pointer, 'must provide either text or fields');
  }
  checkTextField(issues, block, 'text', pointer, { max: LIMITS.sectionText });
  const fields = expectArray(issues, block, 'fields', pointer, { min: 1, max: LIMITS.sectionFields });
  fields?.forEach((field, index) => checkTextObject(issues, field, `${pointer}/fields/${index}`, { max: LIMITS.sectionFieldText }));
  if (block.accessory !== undefined) checkElement(issues, block.accessory, `${pointer}/accessory`, ACCESSORY_TYPES);
  expectBoolean(issues, block, 'expand', pointer);
}

function checkHeader(issues: Issues, block: Json, pointer: string): void {
  allowKeys(issues, block, pointer, ['type', 'block_id', 'text']);
  checkTextField(issues, block, 'text', pointer, { required: true, plainOnly: true, max: LIMITS.headerText });
}

function checkContext(issues: Issues, block: Json, pointer: string): void {
  allowKeys(issues, block, pointer, ['type', 'block_id', 'elements']);
  const elements = expectArray(issues, block, 'elements', pointer, { required: true, min: 1, max: LIMITS.contextElements });
  elements?.forEach((element, index) => {
    const at = `${pointer}/elements/${index}`;
    if (isObject(element) && element.type === 'image') checkImageElement(issues, element, at);
    else checkTextObject(issues, element, at, { max: LIMITS.textObject });
  });
}

function checkActions(issues: Issues, block: Json, pointer: string): void {
  allowKeys(issues, block, pointer, ['type', 'block_id', 'elements']);
  const elements = expectArray(issues, block, 'elements', pointer, { required: true, min: 1, max: LIMITS.actionsElements });
  if (!elements) return;
  const seen = new Set<string>();
  elements.forEach((element, index) => {
    const at = `${pointer}/elements/${index}`;
    checkElement(issues, element, at, ACTION_ELEMENT_TYPES);
    const actionId = isObject(element) ? element.action_id : undefined;
    if (typeof actionId !== 'string') return;
    // Interaction payloads are routed by action_id, so two alike in one block are ambiguous.
    if (seen.has(actionId)) issues.add(`${at}/action_id`, `duplicate action_id: ${actionId}`);
    seen.add(actionId);
  });
}

function checkImageBlock(issues: Issues, block: Json, pointer: string): void {
  allowKeys(issues, block, pointer, ['type', 'block_id', 'image_url', 'slack_file', 'alt_text', 'title']);
  expectString(issues, block, 'alt_text', pointer, { required: true, max: LIMITS.imageAltText });
  checkImageSource(issues, block, pointer);
  checkTextField(issues, block, 'title', pointer, { plainOnly: true, max: LIMITS.imageTitle });
}

function checkMarkdown(issues: Issues, block: Json, pointer: string): void {
  allowKeys(issues, block, pointer, ['type', 'block_id', 'text']);
  expectString(issues, block, 'text', pointer, { required: true, min: 1, max: LIMITS.markdownText });
}

function checkRichText(issues: Issues, block: Json, pointer: string): void {
  allowKeys(issues, block, pointer, ['type', 'block_id', 'elements']);
  const elements = expectArray(issues, block, 'elements', pointer, { required: true, min: 1 });
  if (elements) checkRichTextElements(issues, elements, `${pointer}/elements`);
}
