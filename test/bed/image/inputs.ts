import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

// What an image is built from, hashed: an image whose inputs have not changed
// is not built again, and a test finds the image of the sources it runs with.

export const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const here = fileURLToPath(new URL('.', import.meta.url));

/**
 * The local stand-in for `node:24-trixie-slim`: Debian's packages and the
 * official Node binary, as the registry image has them. Pinned, so the cache
 * key changes only when these do.
 */
export const baseVersions = { debian: 'trixie', node: '24.22.3', npm: '11.21.3' } as const;

export const BASE_REPOSITORY = 'localhost/ladder-node-base';
export const APP_REPOSITORY = 'localhost/ladder';

/** The sources the Dockerfile copies from the build context (COPY without --from), in order. */
export function dockerfileSources(dockerfile: string): string[] {
  const sources: string[] = [];
  for (const line of dockerfile.split('\n')) {
    const words = line.trim().split(/\s+/);
    if (words[0]?.toUpperCase() !== 'COPY' || words.some((w) => w.startsWith('--from='))) continue;
    const operands = words.slice(1).filter((w) => !w.startsWith('--'));
    sources.push(...operands.slice(0, -1).map((source) => source.replace(/\/$/, '')));
  }
  return sources;
}

/** Hashes files (and every file under directories) by path and content, so a rename counts too. */
export function hashFiles(hash: ReturnType<typeof createHash>, root: string, paths: readonly string[]): void {
  const files = new Set<string>();
  for (const path of paths) {
    const absolute = join(root, path);
    if (statSync(absolute).isDirectory()) {
      for (const entry of readdirSync(absolute, { recursive: true, withFileTypes: true })) {
        if (entry.isFile()) files.add(relative(root, join(entry.parentPath, entry.name)));
      }
    } else files.add(path);
  }
  for (const file of [...files].sort()) {
    hash.update(`${file}\0`);
    hash.update(readFileSync(join(root, file)));
    hash.update('\0');
  }
}

/** The base image's key: its versions and the code and Dockerfile that make it. */
export function baseImageKey(): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify(baseVersions));
  hashFiles(hash, here, ['base.ts', 'base.Dockerfile']);
  return hash.digest('hex').slice(0, 16);
}

/** Ladder's image's key: the base's, the Dockerfile, .dockerignore, and everything the Dockerfile copies. */
export function appImageKey(): string {
  const dockerfile = readFileSync(join(repoRoot, 'Dockerfile'), 'utf8');
  const hash = createHash('sha256');
  hash.update(baseImageKey());
  hashFiles(hash, repoRoot, ['Dockerfile', '.dockerignore', ...dockerfileSources(dockerfile)]);
  return hash.digest('hex').slice(0, 16);
}

export const baseImageReference = (): string => `${BASE_REPOSITORY}:${baseImageKey()}`;
export const appImageReference = (): string => `${APP_REPOSITORY}:${appImageKey()}`;
