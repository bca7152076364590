import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/**
 * The directory of Ladder's package.json: the nearest one above this module
 * named `ladder`. Files the package ships beside its code (the schemas, the
 * default templates, package.json itself) are found from here, so they are
 * found from src/ (tsx), dist/ (tsc) and the bundled CLI (dist/cli/, where
 * code of every directory shares one file) alike.
 */
export function packageRoot(): string {
  if (root !== undefined) return root;
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === 'ladder') return (root = dir);
    if (dirname(dir) === dir) throw new Error(`Ladder's package.json was not found above ${start}; reinstall Ladder`);
  }
}

/** A file of the package, by its path from the package root. */
export function packageFile(...parts: string[]): string {
  return join(packageRoot(), ...parts);
}
