import { readFileSync } from 'node:fs';
import { packageFile } from '../adapters/fs/package-root.js';

/** The package version, from Ladder's own package.json. */
export function readVersion(): string {
  const pkg = JSON.parse(readFileSync(packageFile('package.json'), 'utf8')) as { version: string };
  return pkg.version;
}
