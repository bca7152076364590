import { LadderInputError } from '../../core/errors.js';
import { maxTemplateBytes, templateTooLarge } from '../../core/limits.js';
import type { TemplateFile } from '../../core/render/render.js';
import { decodeUtf8OrThrow } from '../../core/text/utf8.js';
import type { GitHubClient } from './client.js';
import { branchHead, listFiles, readBlob, readCommit, readTextFile } from './git.js';
import { commitsBetween } from './history.js';
import type { CodeRepo } from './port.js';
import { readSourceTree } from './source-tree.js';
import type { RepoRef } from './types.js';

/** Blob contents by git object id; immutable, so one cache serves every repository and promotion. */
export class BlobCache {
  private readonly entries = new Map<string, string>();
  constructor(private readonly limit = 2000) {}
  get(sha: string): string | undefined {
    return this.entries.get(sha);
  }
  set(sha: string, text: string): void {
    if (this.entries.size >= this.limit) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(sha, text);
  }
}

/** A service's code repository. Template blobs are read through `templateBlobs`, shared by the whole process. */
export function codeRepoOf(octokit: GitHubClient, repo: RepoRef, templateBlobs: BlobCache): CodeRepo {
  return {
    repo,
    readTextFile: (path, ref) => readTextFile(octokit, repo, path, ref),
    branchHead: (branch) => branchHead(octokit, repo, branch),
    treeOf: async (commit) => (await readCommit(octokit, repo, commit)).tree,
    async defaultBranch() {
      return (await octokit.rest.repos.get({ ...repo })).data.default_branch;
    },
    readTemplates: (commit, dir, configFile) => readTemplates(octokit, repo, { commit, dir, configFile }, templateBlobs),
    readSourceTree: (commit, dir, at) => readSourceTree(octokit, repo, commit, dir, at),
    commitsBetween: (base, head) => commitsBetween(octokit, repo, base, head),
  };
}

/**
 * The `*.hbs` templates under `dir` of the code repository at `commit`: the
 * directory's tree id, its recursive tree, and a blob read only for templates
 * not seen before (blobs are cached by id). `configFile` is where an error
 * about the directory itself points.
 */
async function readTemplates(
  octokit: GitHubClient,
  repo: RepoRef,
  at: { commit: string; dir: string; configFile: string },
  cache: BlobCache,
): Promise<TemplateFile[]> {
  const { commit, dir, configFile } = at;
  const missing = (what: string) => new LadderInputError(`manifests.templates: ${dir} ${what} at ${commit.slice(0, 12)}`, { file: configFile, key: 'manifests.templates' });
  if (dir.replace(/^\/+|\/+$/g, '') === '') throw missing('is not a directory in the repository');
  const files = await listFiles(octokit, repo, commit, dir, true);
  if (!files) throw missing('is not a directory in the repository');
  const entries = files.filter((file) => file.path.endsWith('.hbs') && !file.path.split('/').some((part) => part.startsWith('.')));
  if (entries.length === 0) throw missing('holds no templates (files ending .hbs)');
  const templates: TemplateFile[] = [];
  for (const entry of entries) {
    const file = `${dir}/${entry.path}`;
    // A link's blob is its target's path: never followed (GitHub cannot) and never shown (it names the author's machine, or aims at the App's).
    if (entry.mode === '120000') throw new LadderInputError('is a symbolic link; Ladder reads templates only from regular files in the repository, and does not follow links', { file });
    if (entry.size > maxTemplateBytes) throw templateTooLarge(entry.size, file);
    let content = cache.get(entry.blob);
    if (content === undefined) {
      content = decodeUtf8OrThrow(await readBlob(octokit, repo, entry.blob), file, 'template');
      cache.set(entry.blob, content);
    }
    templates.push({ path: entry.path, content });
  }
  return templates.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
