import { LadderInputError } from './errors.js';

/**
 * Budgets for inputs that more than one reader takes (a file on disk, a blob
 * from GitHub): one number and one message, whichever door the input came in by.
 */

/** A template is source code, not data: 256 KiB is far more than any needs, and bounds what one render reads. */
export const maxTemplateBytes = 256 * 1024;

/** A config file is a few kilobytes; more is the wrong file. */
export const maxConfigBytes = 1024 * 1024;

export function templateTooLarge(size: number, file: string): LadderInputError {
  return new LadderInputError(`template is ${Math.ceil(size / 1024)} KiB; Ladder reads at most ${maxTemplateBytes / 1024} KiB per template`, { file });
}

export function configTooLarge(size: number, file: string): LadderInputError {
  return new LadderInputError(`file is ${size} bytes; a Ladder config is at most ${maxConfigBytes} bytes`, { file });
}
