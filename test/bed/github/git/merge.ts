import { gitText, runGit } from './run.js';
import { isSha, type GitIdentity } from './objects.js';
import type { GitStore } from './store.js';

export interface TreeMerge {
  /** Set when the merge is clean. */
  tree: string | null;
  conflicts: string[];
}

/** Three-way merge of two commits without a work tree (git ≥ 2.38 `merge-tree --write-tree`). */
export function mergeTrees(store: GitStore, repo: string, ours: string, theirs: string): Promise<TreeMerge> {
  return store.memo(`merge ${repo} ${ours} ${theirs}`, isSha(ours) && isSha(theirs), () =>
    computeMerge(store, repo, ours, theirs),
  );
}

async function computeMerge(store: GitStore, repo: string, ours: string, theirs: string): Promise<TreeMerge> {
  const { stdout, code } = await runGit(
    store.path(repo),
    ['merge-tree', '--write-tree', '--name-only', '--no-messages', '-z', ours, theirs],
    { okCodes: [1] },
  );
  const [tree, ...conflicts] = stdout.toString('utf8').split('\0').filter(Boolean);
  if (code === 0) return { tree: tree ?? null, conflicts: [] };
  return { tree: null, conflicts: [...new Set(conflicts)] };
}

export interface MergeRequest {
  base: string;
  head: string;
  method: 'merge' | 'squash' | 'rebase';
  message: string;
  committer: GitIdentity;
  /** The merger for a merge commit, the pull request's author for a squash (rebases keep each commit's). */
  author: GitIdentity;
  /** GitHub signs the commits a merge makes (its web-flow key). */
  sign?: (payload: string) => string;
}

/**
 * Produces the commit a pull request merge would put on the base branch, or
 * the conflicting paths. Rebase replays each head commit with merge-tree
 * against the growing tip (git 2.39 has no `--merge-base`, so each step merges
 * from the fork point; identical changes on both sides resolve cleanly).
 */
export async function mergeCommits(
  store: GitStore,
  repo: string,
  request: MergeRequest,
): Promise<{ sha: string } | { conflicts: string[] }> {
  if (request.method === 'rebase') return rebaseCommits(store, repo, request);
  const merged = await mergeTrees(store, repo, request.base, request.head);
  if (!merged.tree) return { conflicts: merged.conflicts };
  const parents = request.method === 'merge' ? [request.base, request.head] : [request.base];
  const author = request.author;
  const sha = await store.createCommit(repo, {
    tree: merged.tree,
    parents,
    message: request.message,
    author,
    committer: request.committer,
  }, request.sign);
  return { sha };
}

async function rebaseCommits(
  store: GitStore,
  repo: string,
  request: MergeRequest,
): Promise<{ sha: string } | { conflicts: string[] }> {
  let tip = request.base;
  for (const sha of await store.commitsBetween(repo, request.base, request.head)) {
    const original = await store.readCommit(repo, sha);
    if (!original) throw new Error(`commit ${sha} vanished during rebase`);
    if (original.parents.length > 1) continue;
    const merged = await mergeTrees(store, repo, tip, sha);
    if (!merged.tree) return { conflicts: merged.conflicts };
    tip = await store.createCommit(repo, {
      tree: merged.tree,
      parents: [tip],
      message: original.message,
      author: original.author,
      committer: request.committer,
    }, request.sign);
  }
  return { sha: tip };
}

export type DiffStatus = 'added' | 'removed' | 'modified' | 'renamed' | 'copied' | 'changed';

export interface FileDiff {
  status: DiffStatus;
  path: string;
  previousPath?: string;
  /** Blob on the head side; the base side's blob for removed files. */
  sha: string;
  additions: number;
  deletions: number;
  patch?: string;
}

const statusNames: Record<string, DiffStatus> = { A: 'added', D: 'removed', M: 'modified', R: 'renamed', C: 'copied', T: 'changed' };

/** The per-file changes between two commits with rename detection, as compare and PR files list them. */
export function diffCommits(store: GitStore, repo: string, base: string, head: string): Promise<FileDiff[]> {
  return store.memo(`diff ${repo} ${base} ${head}`, isSha(base) && isSha(head), () => computeDiff(store, repo, base, head));
}

async function computeDiff(store: GitStore, repo: string, base: string, head: string): Promise<FileDiff[]> {
  const dir = store.path(repo);
  const raw = (await gitText(dir, ['diff-tree', '-r', '-z', '-M', base, head])).split('\0');
  const numstat = (await gitText(dir, ['diff-tree', '-r', '-z', '-M', '--numstat', base, head])).split('\0');
  const patches = splitPatches(await gitText(dir, ['diff-tree', '-r', '-M', '-p', base, head]));
  const files: FileDiff[] = [];
  let r = 0;
  let n = 0;
  while (r < raw.length && raw[r]) {
    const [, , oldSha, newSha, code] = (raw[r++] ?? '').slice(1).split(' ');
    const letter = (code ?? 'M').charAt(0);
    const renamed = letter === 'R' || letter === 'C';
    const first = raw[r++] ?? '';
    const second = renamed ? (raw[r++] ?? '') : undefined;
    const [adds, dels, inlinePath] = (numstat[n++] ?? '').split('\t');
    if (!inlinePath) n += 2;
    const file: FileDiff = {
      status: statusNames[letter] ?? 'modified',
      path: second ?? first,
      sha: letter === 'D' ? (oldSha ?? '') : (newSha ?? ''),
      // Binary files show "-" in numstat; GitHub counts them as 0.
      additions: Number(adds) || 0,
      deletions: Number(dels) || 0,
    };
    if (second !== undefined) file.previousPath = first;
    const patch = patches[files.length];
    if (patch) file.patch = patch;
    files.push(file);
  }
  return files;
}

/** GitHub's `patch` field is the hunks only: everything from the first `@@`. */
function splitPatches(fullPatch: string): (string | undefined)[] {
  return fullPatch
    .split(/^diff --git .*$/m)
    .slice(1)
    .map((section) => {
      const start = section.indexOf('\n@@');
      return start === -1 ? undefined : section.slice(start + 1).replace(/\n$/, '');
    });
}
