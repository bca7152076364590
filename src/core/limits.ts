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

/**
 * How much one render may do (issue #11: three nested `{{#each}}` over a
 * 1,000-item list never finished). Templates are code from the code
 * repository, a fork's included (`/ladder diff`): their work is bounded in
 * iterations, output and resources; the App also runs them off its event
 * loop with a wall-clock and memory limit (src/app/render-worker.ts).
 */
export interface RenderLimits {
  /** `{{#each}}` iterations over the whole render, every template and nesting level together. */
  maxIterations: number;
  /** Characters the templates may produce, counted as they are produced (nested blocks count again). */
  maxOutputChars: number;
  /** Kubernetes resources one render may produce. */
  maxResources: number;
}

export const defaultRenderLimits: RenderLimits = { maxIterations: 100_000, maxOutputChars: 16 * 1024 * 1024, maxResources: 2_000 };
