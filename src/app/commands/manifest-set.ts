import type { ManifestRepo } from '../../adapters/github/port.js';
import { hasErrors } from '../../core/findings.js';
import type { KubeObject } from '../../core/manifests/document.js';
import { parseManifests } from '../../core/manifests/parse.js';
import { isSopsFileName } from '../../core/secrets/sops-file.js';

/** Parsed objects of a manifest set, or the first reason it cannot be read. */
export type ManifestSet = { ok: true; objects: KubeObject[]; files: number } | { ok: false; problem: string };

/** Past this many files a `/ladder diff` says so instead of reading blob after blob. */
const maxFiles = 500;

/**
 * The Kubernetes objects Ladder owns in `path` of a manifest repository at
 * `ref` (YAML files directly in it): the folder's listing, then one blob per
 * file. An environment branch without the folder yet is an empty set (the
 * first promotion adds it).
 */
export async function readManifestSet(repo: ManifestRepo, ref: string, path: string): Promise<ManifestSet> {
  const listed = await repo.listFiles(ref, path, { recursive: false });
  if (!listed) return { ok: true, objects: [], files: 0 };
  // Only files directly in `path` are Ladder's (a promotion never touches sub-folders), so only they can change.
  // SOPS-encrypted files are kept per environment and never rendered: a render is not compared with them.
  const files = listed.filter((entry) => /\.ya?ml$/.test(entry.path) && !isSopsFileName(entry.path));
  if (files.length > maxFiles) return { ok: false, problem: `${ref} has ${files.length} manifest files under \`${path || '/'}\`; the diff stops at ${maxFiles}` };
  const objects: KubeObject[] = [];
  for (const file of files) {
    const parsed = parseManifests(await repo.readBlob(file.blob), file.path);
    if (hasErrors(parsed.findings)) {
      const first = parsed.findings[0]!;
      return { ok: false, problem: `${file.path}:${first.line}:${first.column}: ${first.message}` };
    }
    objects.push(...parsed.documents.map((doc) => doc.object));
  }
  return { ok: true, objects, files: files.length };
}

/** Rendered files as a manifest set, through the same parser as files read from Git. */
export function parseRendered(files: readonly { path: string; content: string }[]): ManifestSet {
  const objects: KubeObject[] = [];
  for (const file of files) {
    const parsed = parseManifests(file.content, file.path);
    if (hasErrors(parsed.findings)) return { ok: false, problem: `${file.path}: ${parsed.findings[0]!.message}` };
    objects.push(...parsed.documents.map((doc) => doc.object));
  }
  return { ok: true, objects, files: files.length };
}
