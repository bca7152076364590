/**
 * `reference` (POSIX, relative) resolved against the directory `dir` of a tree
 * ('' is the tree's root), or undefined when it is absolute or climbs out of
 * the tree. Purely textual: a chart's symbolic link and a kustomization's
 * reference are judged by their text before anything is read.
 */
export function resolveInsideTree(dir: string, reference: string): string | undefined {
  if (reference.startsWith('/')) return undefined;
  const parts = dir === '' ? [] : dir.split('/');
  for (const part of reference.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) return undefined;
      parts.pop();
    } else parts.push(part);
  }
  return parts.join('/');
}
