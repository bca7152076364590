import type { ManifestRepo } from '../../adapters/github/port.js';
import { hasErrors } from '../../core/findings.js';
import type { KubeObject } from '../../core/manifests/document.js';
import { parseManifests } from '../../core/manifests/parse.js';
import { isSopsFileName } from '../../core/secrets/sops-file.js';
import { isSopsObject, type SopsDocumentInput } from '../../core/diff/sops-diff.js';

/**
 * Parsed objects of a manifest set, or the first reason it cannot be read.
 * `sops` holds the SOPS-encrypted documents, apart, when they were asked for.
 */
export type ManifestSet = { ok: true; objects: KubeObject[]; files: number; sops?: SopsDocumentInput[] } | { ok: false; problem: string };

/** Past this many files a `/ladder diff` says so instead of reading blob after blob. */
const maxFiles = 500;

/**
 * The Kubernetes objects Ladder owns in `path` of a manifest repository at
 * `ref` (YAML files directly in it): the folder's listing, then one blob per
 * file. An environment branch without the folder yet is an empty set (the
 * first promotion adds it). With `sops`, the SOPS-encrypted files there too,
 * as encrypted documents apart from the objects (a promotion PR compares
 * branch with branch, where a person may have changed one).
 */
export async function readManifestSet(repo: ManifestRepo, ref: string, path: string, options: { sops?: boolean } = {}): Promise<ManifestSet> {
  const listed = await repo.listFiles(ref, path, { recursive: false });
  if (!listed) return { ok: true, objects: [], files: 0 };
  // Only files directly in `path` are Ladder's (a promotion never touches sub-folders), so only they can change.
  // SOPS-encrypted files are kept per environment and never rendered: a render is not compared with them.
  const files = listed.filter((entry) => /\.ya?ml$/.test(entry.path) && (options.sops === true || !isSopsFileName(entry.path)));
  if (files.length > maxFiles) return { ok: false, problem: `${ref} has ${files.length} manifest files under \`${path || '/'}\`; the diff stops at ${maxFiles}` };
  const objects: KubeObject[] = [];
  const sops: SopsDocumentInput[] = [];
  for (const file of files) {
    const parsed = parseManifests(await repo.readBlob(file.blob), file.path);
    if (hasErrors(parsed.findings)) {
      const first = parsed.findings[0]!;
      return { ok: false, problem: `${file.path}:${first.line}:${first.column}: ${first.message}` };
    }
    for (const doc of parsed.documents) {
      if (options.sops === true && isSopsObject(doc.object)) sops.push({ object: doc.object, file: file.path });
      else objects.push(doc.object);
    }
  }
  return { ok: true, objects, files: files.length, ...(options.sops === true ? { sops } : {}) };
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
