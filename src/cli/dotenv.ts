import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';

export interface DotEnv {
  /** The environment with the file's variables added. */
  env: Record<string, string | undefined>;
  /** The file that was read, when one was. */
  read?: string;
  /** A file that exists but was left alone, and why. */
  ignored?: { file: string; reason: string };
}

/**
 * `.env` in the working directory, where Probot's setup page writes the App's
 * credentials: read outside production, so `npm start` after registering runs
 * the App it registered. Variables already set win over the file (Probot's
 * `probot run` lets the file win, which hid exported settings behind a
 * forgotten file). In production the file is never read: a container's
 * settings are its variables, and a stray file must not change them.
 */
export function withDotEnv(env: Readonly<Record<string, string | undefined>>, cwd: string): DotEnv {
  const file = join(cwd, '.env');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return { env: { ...env } };
  }
  if (env.NODE_ENV === 'production') return { env: { ...env }, ignored: { file, reason: 'NODE_ENV is production: only the environment is read' } };
  const merged: Record<string, string | undefined> = { ...env };
  for (const [name, value] of Object.entries(parseEnv(text))) {
    if (merged[name] === undefined || merged[name] === '') merged[name] = value;
  }
  return { env: merged, read: file };
}
