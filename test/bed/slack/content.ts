// The message content rules shared by the Web API and incoming webhooks:
// something to show (text or blocks), blocks that parse and pass Block Kit
// validation, and text within the length Slack keeps.
import { formatBlockKitError, LIMITS, validateBlocks } from './block-kit/validate.js';

export type ContentError = 'no_text' | 'invalid_arguments' | 'invalid_blocks_format' | 'invalid_blocks' | 'msg_too_long';

export type ContentResult =
  | { ok: true; text?: string; blocks?: unknown[] }
  | { ok: false; error: ContentError; errors: string[] };

/**
 * `blocks` may arrive as an array (JSON bodies) or as a JSON string (form
 * bodies, where Slack documents it as "a JSON-based array … URL-encoded").
 */
export function checkContent(text: unknown, blocks: unknown): ContentResult {
  if (text !== undefined && typeof text !== 'string') {
    return { ok: false, error: 'invalid_arguments', errors: ['must be a string [json-pointer:/text]'] };
  }
  const parsed = parseBlocks(blocks);
  if (!parsed.ok) return parsed;
  const hasBlocks = parsed.blocks !== undefined && parsed.blocks.length > 0;
  if (!text && !hasBlocks) return { ok: false, error: 'no_text', errors: ['no text or blocks provided'] };
  if (parsed.blocks !== undefined) {
    const problems = validateBlocks(parsed.blocks);
    if (problems.length > 0) return { ok: false, error: 'invalid_blocks', errors: problems.map(formatBlockKitError) };
  }
  // Slack silently truncates here; the receiver refuses instead, so a test
  // notices an alert that would lose its tail in production.
  if (text !== undefined && [...text].length > LIMITS.messageText) {
    return { ok: false, error: 'msg_too_long', errors: [`must be less than ${LIMITS.messageText + 1} characters [json-pointer:/text]`] };
  }
  return { ok: true, ...(text !== undefined && { text }), ...(parsed.blocks !== undefined && { blocks: parsed.blocks }) };
}

function parseBlocks(blocks: unknown): { ok: true; blocks?: unknown[] } | { ok: false; error: ContentError; errors: string[] } {
  if (blocks === undefined) return { ok: true };
  let value = blocks;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return { ok: false, error: 'invalid_blocks_format', errors: ['blocks is not valid JSON'] };
    }
  }
  if (!Array.isArray(value)) return { ok: false, error: 'invalid_blocks_format', errors: ['blocks must be an array'] };
  return { ok: true, blocks: value };
}
