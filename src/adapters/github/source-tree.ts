import { LadderInputError } from '../../core/errors.js';
import { checkSourceTree } from '../../core/render/tools/limits.js';
import type { SourceFile, SourceTree } from '../../core/render/tools/port.js';
import type { GitHubClient } from './client.js';
import { listFiles, readBlob } from './git.js';
import type { TreeFile } from './port.js';
import type { RepoRef } from './types.js';
import { resolveInsideTree } from '../../core/text/relative-path.js';

const symlinkMode = '120000';
/** Links followed from one link at most: a longer chain (or a loop) is refused. */
const maxHops = 8;

/**
 * A directory of the code repository at a commit, whole: the Helm chart or
 * kustomize tree the App hands to the tool. A symbolic link (a tree entry of
 * mode 120000 whose blob is the target path, as GitHub keeps one) is kept
 * only when it leads, through at most 8 links, to a file of the same
 * directory; it becomes a copy of that file, counted in the tree's budget as
 * one. A link leading out of the directory, to a directory or to nothing is
 * refused, as `ladder render` refuses it on disk (src/adapters/fs/source-tree.ts).
 */
export async function readSourceTree(octokit: GitHubClient, repo: RepoRef, commit: string, dir: string, at: { configFile: string; key: string }): Promise<SourceTree> {
  const root = dir.replace(/^\/+|\/+$/g, '');
  const missing = () => new LadderInputError(`${at.key}: ${dir} is not a directory in the repository at ${commit.slice(0, 12)}`, { file: at.configFile, key: at.key });
  if (root === '') throw missing();
  const entries = await listFiles(octokit, repo, commit, root, true);
  if (!entries) throw missing();
  checkSourceTree(root, entries, (index) => entries[index]!.size);
  const follow = linkFollower(entries, (blob) => readBlob(octokit, repo, blob), root);
  const resolved: TreeFile[] = [];
  for (const entry of entries) resolved.push(entry.mode === symlinkMode ? await follow(entry) : entry);
  // A link is read as a copy of its target: the copies count, so links cannot multiply one large file past the budget.
  checkSourceTree(root, entries, (index) => resolved[index]!.size);
  const files: SourceFile[] = [];
  for (const [index, entry] of entries.entries()) files.push({ path: entry.path, content: new Uint8Array(await readBlob(octokit, repo, resolved[index]!.blob)) });
  return { root, files };
}

function linkFollower(entries: readonly TreeFile[], read: (blob: string) => Promise<Buffer>, root: string): (link: TreeFile) => Promise<TreeFile> {
  const byPath = new Map(entries.map((entry) => [entry.path, entry]));
  const directories = new Set(['', ...entries.flatMap((entry) => entry.path.split('/').slice(0, -1).map((_, i, parts) => parts.slice(0, i + 1).join('/')))]);
  // Links with the same blob have the same text: read it once.
  const targets = new Map<string, string>();
  const textOf = async (blob: string) => targets.get(blob) ?? targets.set(blob, new TextDecoder().decode(await read(blob))).get(blob)!;
  return async (link) => {
    const refuse = (reason: string) => new LadderInputError(reason, { file: `${root}/${link.path}` });
    let current = link;
    for (let hop = 0; hop < maxHops; hop++) {
      const target = resolveInsideTree(current.path.split('/').slice(0, -1).join('/'), await textOf(current.blob));
      if (target !== undefined && directories.has(target)) throw refuse('is a symbolic link to a directory; Ladder follows links only to files');
      const next = target === undefined ? undefined : byPath.get(target);
      if (!next) throw refuse('is a symbolic link to something outside the directory; Ladder reads only files inside it');
      if (next.mode !== symlinkMode) return next;
      current = next;
    }
    throw refuse(`is a chain of more than ${maxHops} symbolic links; Ladder follows at most ${maxHops}`);
  };
}
