// Validates the `blocks` of a message the way Slack does before accepting it:
// array shape, block count, per-block rules, unique block_ids, and the
// cumulative markdown budget that no single block can see on its own.
import { LIMITS } from './limits.js';
import { BLOCK_TYPES, checkBlock } from './blocks.js';
import { expectObject, Issues, type BlockKitError } from './check.js';

export type { BlockKitError } from './check.js';
export { LIMITS } from './limits.js';
export { BLOCK_TYPES };

export function validateBlocks(blocks: unknown): BlockKitError[] {
  const issues = new Issues();
  if (!Array.isArray(blocks)) {
    issues.add('/blocks', 'must provide an array');
    return issues.list;
  }
  if (blocks.length > LIMITS.blocksPerMessage) issues.add('/blocks', `no more than ${LIMITS.blocksPerMessage} items allowed`);
  const blockIds = new Set<string>();
  let markdownTotal = 0;
  blocks.forEach((value, index) => {
    const pointer = `/blocks/${index}`;
    const block = expectObject(issues, value, pointer);
    if (!block) return;
    checkBlock(issues, block, pointer);
    if (typeof block.block_id === 'string') {
      // Slack refuses a message whose blocks share an id: interactions could not tell them apart.
      if (blockIds.has(block.block_id)) issues.add(`${pointer}/block_id`, `duplicate block_id: ${block.block_id}`);
      blockIds.add(block.block_id);
    }
    if (block.type === 'markdown' && typeof block.text === 'string') {
      const length = [...block.text].length;
      const before = markdownTotal;
      markdownTotal += length;
      // Reported once, on the block that crosses the budget; a block over the
      // limit by itself already has its own error.
      if (before <= LIMITS.markdownText && markdownTotal > LIMITS.markdownText && length <= LIMITS.markdownText) {
        issues.add(`${pointer}/text`, `markdown blocks must total less than ${LIMITS.markdownText + 1} characters per message`);
      }
    }
  });
  return issues.list;
}

/** `must be less than 3001 characters [json-pointer:/blocks/0/text/text]`, Slack's `errors[]` form. */
export function formatBlockKitError(error: BlockKitError): string {
  return `${error.message} [json-pointer:${error.pointer}]`;
}
