import { LadderInputError } from '../../core/errors.js';
import { configTooLarge, maxConfigBytes, maxTemplateBytes, templateTooLarge } from '../../core/limits.js';
import type { TemplateFile } from '../../core/render/render.js';
import { decodeUtf8OrThrow } from '../../core/text/utf8.js';
import { isNotFound } from './errors.js';
import type { GitHubClient, RepoRef } from './types.js';

/** A file's text at a ref, or undefined when there is no such file. */
export async function readTextFile(octokit: GitHubClient, repo: RepoRef, path: string, ref?: string): Promise<string | undefined> {
  try {
    const response = await octokit.rest.repos.getContent({ ...repo, path, ...(ref ? { ref } : {}) });
    const data = response.data as { type?: string; content?: string; encoding?: string; size?: number };
    if (Array.isArray(response.data) || data.type !== 'file') return undefined;
    if ((data.size ?? 0) > maxConfigBytes) throw configTooLarge(data.size ?? 0, path);
    return decodeUtf8OrThrow(Buffer.from(data.content ?? '', 'base64'), path);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

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

/**
 * The `*.hbs` templates under `dir` of the code repository at `sha`: one
 * listing of the parent, one recursive tree of the directory, and a blob read
 * only for templates not seen before (blobs are cached by id). `configFile`
 * is where an error about the directory itself points.
 */
export async function readTemplatesAt(
  octokit: GitHubClient,
  repo: RepoRef,
  sha: string,
  dir: string,
  cache: BlobCache,
  configFile: string,
): Promise<TemplateFile[]> {
  const treeSha = await directoryTree(octokit, repo, sha, dir);
  const missing = (what: string) => new LadderInputError(`manifests.templates: ${dir} ${what} at ${sha.slice(0, 12)}`, { file: configFile, key: 'manifests.templates' });
  if (!treeSha) throw missing('is not a directory in the repository');
  const { data } = await octokit.rest.git.getTree({ ...repo, tree_sha: treeSha, recursive: 'true' });
  const entries = data.tree.filter(
    (entry) => entry.type === 'blob' && entry.path?.endsWith('.hbs') && !entry.path.split('/').some((part) => part.startsWith('.')),
  );
  if (entries.length === 0) throw missing('holds no templates (files ending .hbs)');
  const templates: TemplateFile[] = [];
  for (const entry of entries) {
    const path = entry.path!;
    const file = `${dir}/${path}`;
    if ((entry.size ?? 0) > maxTemplateBytes) throw templateTooLarge(entry.size ?? 0, file);
    let content = cache.get(entry.sha!);
    if (content === undefined) {
      const blob = await octokit.rest.git.getBlob({ ...repo, file_sha: entry.sha! });
      content = decodeUtf8OrThrow(Buffer.from(blob.data.content, blob.data.encoding === 'base64' ? 'base64' : 'utf8'), file, 'template');
      cache.set(entry.sha!, content);
    }
    templates.push({ path, content });
  }
  return templates.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** The tree id of `dir` at `sha`, from a listing of its parent; undefined when it is not a directory. */
async function directoryTree(octokit: GitHubClient, repo: RepoRef, sha: string, dir: string): Promise<string | undefined> {
  const clean = dir.replace(/\/+$/, '');
  const slash = clean.lastIndexOf('/');
  const parent = slash === -1 ? '' : clean.slice(0, slash);
  const name = clean.slice(slash + 1);
  try {
    if (parent === '') {
      const { data } = await octokit.rest.git.getTree({ ...repo, tree_sha: sha });
      return data.tree.find((entry) => entry.path === name && entry.type === 'tree')?.sha;
    }
    const { data } = await octokit.rest.repos.getContent({ ...repo, path: parent, ref: sha });
    if (!Array.isArray(data)) return undefined;
    return data.find((entry) => entry.name === name && entry.type === 'dir')?.sha;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

export interface CodeCommit {
  sha: string;
  message: string;
  author?: string;
}

/**
 * Commits in `head` that `base` lacks, newest first (the newest 100 to 200
 * when there are more), with the comparison's status and total; undefined
 * when either commit is unknown to the repository.
 */
export async function compareCommits(
  octokit: GitHubClient,
  repo: RepoRef,
  base: string,
  head: string,
): Promise<{ status: string; total: number; commits: CodeCommit[] } | undefined> {
  try {
    const compare = async (page: number) =>
      (await octokit.rest.repos.compareCommitsWithBasehead({ ...repo, basehead: `${base}...${head}`, per_page: 100, page })).data;
    const data = await compare(1);
    let listed = data.commits;
    // GitHub pages a comparison oldest first: past 100 commits the newest are on the last two pages.
    const lastPage = Math.ceil(data.total_commits / 100);
    if (lastPage > 1) listed = [...(lastPage > 2 ? (await compare(lastPage - 1)).commits : data.commits), ...(await compare(lastPage)).commits];
    const commits = listed
      .map((c) => ({ sha: c.sha, message: c.commit.message, ...(c.author?.login || c.commit.author?.name ? { author: c.author?.login ?? c.commit.author?.name } : {}) }))
      .reverse() as CodeCommit[];
    return { status: data.status, total: data.total_commits, commits };
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}
