import { LadderInputError } from '../../core/errors.js';
import { checkSourceTree } from '../../core/render/tools/limits.js';
import type { SourceFile, SourceTree } from '../../core/render/tools/port.js';
import type { GitHubClient } from './client.js';
import { listFiles, readBlob } from './git.js';
import type { RepoRef } from './types.js';
import { resolveInsideTree } from '../../core/text/relative-path.js';

const symlinkMode = '120000';

/**
 * A directory of the code repository at a commit, whole: the Helm chart or
 * kustomize tree the App hands to the tool. A symbolic link is kept only when
 * it points at a file of the same directory (it becomes a copy of that file);
 * one leading anywhere else is refused, as `ladder render` refuses it on disk.
 */
export async function readSourceTree(octokit: GitHubClient, repo: RepoRef, commit: string, dir: string, at: { configFile: string; key: string }): Promise<SourceTree> {
  const root = dir.replace(/^\/+|\/+$/g, '');
  const missing = () => new LadderInputError(`${at.key}: ${dir} is not a directory in the repository at ${commit.slice(0, 12)}`, { file: at.configFile, key: at.key });
  if (root === '') throw missing();
  const entries = await listFiles(octokit, repo, commit, root, true);
  if (!entries) throw missing();
  checkSourceTree(root, entries, (index) => entries[index]!.size);
  const byPath = new Map(entries.map((entry) => [entry.path, entry]));
  const files: SourceFile[] = [];
  for (const entry of entries) {
    let blob = entry.blob;
    if (entry.mode === symlinkMode) {
      const target = resolveInsideTree(entry.path.split('/').slice(0, -1).join('/'), new TextDecoder().decode(await readBlob(octokit, repo, entry.blob)));
      const file = target === undefined ? undefined : byPath.get(target);
      if (!file || file.mode === symlinkMode) {
        throw new LadderInputError('is a symbolic link to something outside the directory; Ladder reads only files inside it', { file: `${root}/${entry.path}` });
      }
      blob = file.blob;
    }
    files.push({ path: entry.path, content: new Uint8Array(await readBlob(octokit, repo, blob)) });
  }
  return { root, files };
}
