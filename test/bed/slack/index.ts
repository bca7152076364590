export { startSlackReceiver } from './receiver.js';
export { validateBlocks, formatBlockKitError, LIMITS, BLOCK_TYPES } from './block-kit/validate.js';
export type { BlockKitError } from './block-kit/validate.js';
export type * from './types.js';
