import { createHash } from 'node:crypto';
import { isSopsFileName } from '../secrets/sops-file.js';

/** A file Ladder rendered, at its path relative to `manifests.path`. */
export interface ManifestFile {
  path: string;
  content: string;
}

/** One entry of a `POST git/trees` body: new content inline, or `sha: null` to delete. */
export type TreeEdit = { path: string; mode: '100644'; type: 'blob'; content: string } | { path: string; mode: '100644'; type: 'blob'; sha: null };

export interface ManifestChanges {
  /** Tree edits over the environment branch's tree; empty when the render equals it. */
  edits: TreeEdit[];
  added: string[];
  modified: string[];
  removed: string[];
}

/**
 * Git's object id of a blob, `sha1("blob <bytes>\0<content>")`: comparing it
 * with the ids in a recursive tree tells which files changed without reading
 * a single blob back.
 */
export function gitBlobSha(content: string): string {
  const bytes = Buffer.from(content, 'utf8');
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

/** `dir/file`, or `file` when the service lives at the repository root. */
export function manifestPath(dir: string, file: string): string {
  const trimmed = dir.replace(/\/+$/, '');
  return trimmed ? `${trimmed}/${file}` : file;
}

/**
 * Files Ladder owns in `dir`: manifest files directly in it (rendered files
 * are flat, `<kind>-<name>.yaml`). Anything else — a README, a nested folder
 * another tool writes, a SOPS-encrypted `*.sops.yaml` kept per environment
 * (docs/secrets.md) — is never deleted.
 */
export function isOwnedManifest(dir: string, path: string): boolean {
  const prefix = dir.replace(/\/+$/, '');
  const rest = prefix ? (path.startsWith(`${prefix}/`) ? path.slice(prefix.length + 1) : undefined) : path;
  return rest !== undefined && !rest.includes('/') && /\.(ya?ml|json)$/.test(rest) && !isSopsFileName(rest);
}

/**
 * What to write so that `dir` on the branch holds exactly `files`:
 * new or changed files inline, owned files that were not rendered deleted.
 * `existing` maps every blob path of the branch's recursive tree to its id.
 */
export function computeManifestChanges(files: readonly ManifestFile[], existing: ReadonlyMap<string, string>, dir: string): ManifestChanges {
  const changes: ManifestChanges = { edits: [], added: [], modified: [], removed: [] };
  const rendered = new Set<string>();
  for (const file of files) {
    const path = manifestPath(dir, file.path);
    rendered.add(path);
    const current = existing.get(path);
    if (current === gitBlobSha(file.content)) continue;
    changes.edits.push({ path, mode: '100644', type: 'blob', content: file.content });
    (current === undefined ? changes.added : changes.modified).push(path);
  }
  for (const path of [...existing.keys()].sort()) {
    if (rendered.has(path) || !isOwnedManifest(dir, path)) continue;
    changes.edits.push({ path, mode: '100644', type: 'blob', sha: null });
    changes.removed.push(path);
  }
  return changes;
}
