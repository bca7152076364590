import { readFile } from 'node:fs/promises';

/** The last `lines` lines of a log file, or a note saying why there are none. */
export async function readLogTail(path: string, lines = 40): Promise<string> {
  try {
    const text = await readFile(path, 'utf8');
    return text.trimEnd().split('\n').slice(-lines).join('\n') || '(empty)';
  } catch (error) {
    return `(cannot read ${path}: ${(error as Error).message})`;
  }
}
