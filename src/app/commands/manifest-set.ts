import type { GitHubClient, RepoRef } from '../../adapters/github/types.js';
import { hasErrors } from '../../core/findings.js';
import type { KubeObject } from '../../core/manifests/document.js';
import { parseManifests } from '../../core/manifests/parse.js';

/** Parsed objects of a manifest set, or the first reason it cannot be read. */
export type ManifestSet = { ok: true; objects: KubeObject[]; files: number } | { ok: false; problem: string };

/** Past this many files a `/ladder diff` says so instead of reading blob after blob. */
const maxFiles = 500;

/**
 * The Kubernetes objects Ladder owns in `path` of a manifest repository
 * at `ref` (YAML files directly in it): one tree listing per path segment,
 * then one blob per file. An environment branch
 * without the directory yet is an empty set (the first promotion adds it).
 */
export async function readManifestSet(octokit: GitHubClient, repo: RepoRef, ref: string, path: string): Promise<ManifestSet> {
  // Walk down to `path` one level at a time: a shared manifest repository may be large.
  let tree = ref;
  for (const segment of path.split('/').filter(Boolean)) {
    const { data } = await octokit.rest.git.getTree({ ...repo, tree_sha: tree });
    const entry = data.tree.find((e) => e.path === segment && e.type === 'tree');
    // No directory yet: the first promotion adds it.
    if (!entry?.sha) return { ok: true, objects: [], files: 0 };
    tree = entry.sha;
  }
  const { data } = await octokit.rest.git.getTree({ ...repo, tree_sha: tree });
  // Only files directly in `path` are Ladder's (a promotion never touches sub-folders), so only they can change.
  const files = data.tree.filter((entry) => entry.type === 'blob' && /\.ya?ml$/.test(entry.path ?? ''));
  if (files.length > maxFiles) return { ok: false, problem: `${ref} has ${files.length} manifest files under \`${path || '/'}\`; the diff stops at ${maxFiles}` };
  const objects: KubeObject[] = [];
  for (const file of files) {
    const { data: blob } = await octokit.rest.git.getBlob({ ...repo, file_sha: file.sha! });
    const parsed = parseManifests(Buffer.from(blob.content, blob.encoding === 'base64' ? 'base64' : 'utf8'), file.path!);
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
