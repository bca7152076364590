import { lstat, readdir, readFile, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative } from 'node:path';
import { LadderInputError } from '../../core/errors.js';
import { sourceTreeLimits } from '../../core/render/tools/limits.js';
import type { SourceFile, SourceTree } from '../../core/render/tools/port.js';

/**
 * A chart or a kustomize tree read from disk, whole (`ladder render` with
 * `render: helm | kustomize`). `root` is how errors name it. A symbolic link
 * is read only when it resolves to a regular file inside the directory: the
 * tools would follow a link to `/etc/passwd` (Helm's loader does) and put the
 * file in a manifest or an error. A link to a directory is refused.
 */
export async function readSourceTree(dir: string, root: string = dir): Promise<SourceTree> {
  const info = await stat(dir).catch((error: unknown) => {
    throw new LadderInputError(`cannot read the directory: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { file: root }, { cause: error });
  });
  if (!info.isDirectory()) throw new LadderInputError('is not a directory', { file: root });
  const real = await realpath(dir);
  const files: SourceFile[] = [];
  let total = 0;
  const walk = async (prefix: string): Promise<void> => {
    for (const entry of (await readdir(join(dir, prefix), { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (entry.name === '.git') continue;
      const path = prefix ? `${prefix}/${entry.name}` : entry.name;
      const where = `${root}/${path}`;
      if (entry.isDirectory()) {
        await walk(path);
        continue;
      }
      if (!entry.isFile() && !entry.isSymbolicLink()) continue;
      const resolved = await realpath(join(dir, path)).catch(() => undefined);
      const inside = resolved === undefined ? '..' : relative(real, resolved);
      if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) {
        throw new LadderInputError('is a symbolic link to something outside the directory; Ladder reads only files inside it', { file: where });
      }
      const target = await lstat(resolved!);
      if (!target.isFile()) throw new LadderInputError('is a symbolic link to a directory; Ladder follows links only to files', { file: where });
      if (target.size > sourceTreeLimits.maxFileBytes) {
        throw new LadderInputError(`is ${Math.ceil(target.size / 1024)} KiB; Ladder reads at most ${sourceTreeLimits.maxFileBytes / 1024} KiB per file of a chart or kustomize tree`, { file: where });
      }
      total += target.size;
      if (total > sourceTreeLimits.maxTotalBytes || files.length >= sourceTreeLimits.maxFiles) {
        throw new LadderInputError(`holds more than ${sourceTreeLimits.maxFiles} files or ${sourceTreeLimits.maxTotalBytes / 1024 / 1024} MiB; Ladder reads at most that from a chart or kustomize tree`, { file: root });
      }
      files.push({ path, content: new Uint8Array(await readFile(resolved!)) });
    }
  };
  await walk('');
  return { root, files };
}
