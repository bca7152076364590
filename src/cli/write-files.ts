import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, normalize, sep } from 'node:path';
import { LadderInputError } from '../core/errors.js';

export interface FileToWrite {
  /** Relative to the output directory, with `/` separators. */
  path: string;
  content: string;
}

/**
 * Writes a set of files so that a failure leaves no half-written file: every
 * file goes to a temporary name beside its target first, and only when all of
 * them are on disk are they renamed into place (a rename within a directory
 * is atomic). On failure the temporary files are removed.
 */
export async function writeFilesAtomically(outDir: string, files: readonly FileToWrite[]): Promise<string[]> {
  const planned = files.map((file) => ({ target: join(outDir, checkRelative(file.path)), content: file.content }));
  const suffix = `.ladder-${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  const written: string[] = [];
  try {
    for (const { target, content } of planned) {
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target + suffix, content, { flag: 'wx' });
      written.push(target + suffix);
    }
    for (const { target } of planned) await rename(target + suffix, target);
  } catch (error) {
    await Promise.all(written.map((temp) => rm(temp, { force: true })));
    throw error;
  }
  return planned.map((p) => p.target);
}

/** Rendered paths come from templates; none may point outside the output directory. */
function checkRelative(path: string): string {
  const normalized = normalize(path);
  if (!path || isAbsolute(path) || normalized === '..' || normalized.startsWith(`..${sep}`)) {
    throw new LadderInputError('a rendered file would be written outside the output directory', { file: path });
  }
  return normalized;
}
