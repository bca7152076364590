import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { runGit } from './run.js';
import type { GitStore } from './store.js';

/**
 * A fork as GitHub keeps one: a repository of its own (its refs) in the
 * same network (objects shared), so a pull request from the fork can be
 * compared and merged in the parent and the fork sees the parent's history.
 * Here: `git clone --bare --shared`, and the fork's objects added to the
 * parent's alternates.
 */
export async function forkRepository(store: GitStore, parent: string, fork: string, defaultBranchOnly: string | undefined): Promise<void> {
  const parentDir = store.path(parent);
  const forkDir = store.path(fork);
  await mkdir(dirname(forkDir), { recursive: true });
  const branch = defaultBranchOnly ? ['--single-branch', '--branch', defaultBranchOnly] : [];
  await runGit(parentDir, ['clone', '--quiet', '--bare', '--shared', '--no-tags', ...branch, parentDir, forkDir]);
  const alternates = join(parentDir, 'objects', 'info', 'alternates');
  const existing = await readFile(alternates, 'utf8').catch(() => '');
  await mkdir(dirname(alternates), { recursive: true });
  await appendFile(alternates, `${existing && !existing.endsWith('\n') ? '\n' : ''}${join(forkDir, 'objects')}\n`);
  // The parent's object reader started before the alternate existed: a fresh one sees the fork's objects.
  store.forget(parent);
}
