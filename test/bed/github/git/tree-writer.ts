import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ZERO_SHA, type TreeEdit } from './objects.js';
import { gitText, runGit } from './run.js';
import type { GitStore } from './store.js';

/**
 * Writes a tree from an optional base plus edits through a throwaway index
 * (read-tree, update-index --index-info, write-tree), which handles nested
 * paths and deletions the way GitHub's create-tree does.
 */
export async function writeTree(store: GitStore, repo: string, baseTree: string | undefined, edits: readonly TreeEdit[]): Promise<string> {
  const dir = store.path(repo);
  const env = { GIT_INDEX_FILE: join(tmpdir(), `ladder-bed-index-${randomUUID()}`) };
  try {
    if (baseTree) await runGit(dir, ['read-tree', baseTree], { env });
    else await runGit(dir, ['read-tree', '--empty'], { env });
    for (const edit of edits) await applyEdit(store, repo, edit, env);
    return (await gitText(dir, ['write-tree'], { env })).trim();
  } finally {
    await rm(env.GIT_INDEX_FILE, { force: true });
  }
}

async function applyEdit(store: GitStore, repo: string, edit: TreeEdit, env: Record<string, string>): Promise<void> {
  const dir = store.path(repo);
  // Whatever was at the path (a file, or a directory's contents) goes first,
  // so replacing a file by a directory or the reverse leaves no leftovers.
  const existing = (await gitText(dir, ['ls-files', '-z', '--', edit.path], { env })).split('\0').filter(Boolean);
  const lines = existing.filter((p) => p === edit.path || p.startsWith(`${edit.path}/`)).map((p) => `0 ${ZERO_SHA}\t${p}`);
  if (edit.sha !== null) {
    if (edit.type === 'tree') {
      for (const entry of await store.readTree(repo, edit.sha, true)) {
        if (entry.type !== 'tree') lines.push(`${entry.mode} ${entry.sha}\t${edit.path}/${entry.path}`);
      }
    } else {
      lines.push(`${edit.mode} ${edit.sha}\t${edit.path}`);
    }
  }
  if (lines.length) await runGit(dir, ['update-index', '--index-info'], { input: `${lines.join('\n')}\n`, env });
}
