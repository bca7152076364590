import { LadderInputError } from '../../errors.js';
import type { SourceFile } from './port.js';

/**
 * Budgets of the trees the external renderers read: a chart or a kustomize
 * tree is source, like templates. Checked by every reader (disk, GitHub)
 * before anything is written for a tool to read.
 */
export const sourceTreeLimits = {
  /** Files in one tree. */
  maxFiles: 2_000,
  /** Bytes of one file (a chart's values or a vendored subchart archive). */
  maxFileBytes: 1024 * 1024,
  /** Bytes of the whole tree. */
  maxTotalBytes: 16 * 1024 * 1024,
} as const;

/** Throws, naming the tree or the file, when a tree passes a budget. */
export function checkSourceTree(root: string, files: readonly Pick<SourceFile, 'path'>[], sizeOf: (index: number) => number): void {
  if (files.length > sourceTreeLimits.maxFiles) {
    throw new LadderInputError(`holds more than ${sourceTreeLimits.maxFiles} files; Ladder reads at most ${sourceTreeLimits.maxFiles} from a chart or kustomize tree`, { file: root });
  }
  let total = 0;
  files.forEach((file, index) => {
    const size = sizeOf(index);
    if (size > sourceTreeLimits.maxFileBytes) {
      throw new LadderInputError(`is ${Math.ceil(size / 1024)} KiB; Ladder reads at most ${sourceTreeLimits.maxFileBytes / 1024} KiB per file of a chart or kustomize tree`, { file: `${root}/${file.path}` });
    }
    total += size;
  });
  if (total > sourceTreeLimits.maxTotalBytes) {
    throw new LadderInputError(`holds ${Math.ceil(total / 1024 / 1024)} MiB; Ladder reads at most ${sourceTreeLimits.maxTotalBytes / 1024 / 1024} MiB from a chart or kustomize tree`, { file: root });
  }
}

/** A tree path Ladder writes for a tool: relative, `/`-separated, no `.` or `..` segment, no empty segment. */
export function isSafeTreePath(path: string): boolean {
  if (path === '' || path.startsWith('/') || path.includes('\\') || path.includes('\0')) return false;
  return path.split('/').every((part) => part !== '' && part !== '.' && part !== '..');
}
