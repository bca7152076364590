import type { Bed } from '../bed.js';
import type { FileDiff } from '../git/merge.js';
import type { GitCommitObject, GitTreeEntry } from '../git/objects.js';
import type { RepoState, User } from '../state.js';
import { simpleUser } from './users.js';
import { nodeId } from './urls.js';


/** GitHub's `git-commit` (Git Data API). */
export function gitCommit(bed: Bed, repo: RepoState, commit: GitCommitObject) {
  const { urls } = bed;
  return {
    sha: commit.sha,
    node_id: nodeId('C', commit.sha),
    url: urls.repo(repo.fullName, `/git/commits/${commit.sha}`),
    html_url: urls.repoHtml(repo.fullName, `/commit/${commit.sha}`),
    author: { ...commit.author },
    committer: { ...commit.committer },
    tree: { sha: commit.tree, url: urls.repo(repo.fullName, `/git/trees/${commit.tree}`) },
    message: commit.message,
    parents: commit.parents.map((sha) => ({
      sha,
      url: urls.repo(repo.fullName, `/git/commits/${sha}`),
      html_url: urls.repoHtml(repo.fullName, `/commit/${sha}`),
    })),
    verification: bed.webFlow.verification(commit),
  };
}

/** The GitHub account behind a commit email, as GitHub links `author`/`committer` (null when unknown). */
export function accountForEmail(bed: Bed, email: string): User | null {
  const noreply = /^(\d+)\+([^@]+)@users\.noreply\.github\.com$/.exec(email);
  if (!noreply) return null;
  return bed.state.users.get((noreply[2] ?? '').toLowerCase()) ?? null;
}

/** GitHub's `commit` (REST commits, branches, compare), optionally with files and stats. */
export function restCommit(bed: Bed, repo: RepoState, commit: GitCommitObject, files?: FileDiff[]) {
  const { urls } = bed;
  const author = accountForEmail(bed, commit.author.email);
  const committer = accountForEmail(bed, commit.committer.email);
  const shape = {
    url: urls.repo(repo.fullName, `/commits/${commit.sha}`),
    sha: commit.sha,
    node_id: nodeId('C', commit.sha),
    html_url: urls.repoHtml(repo.fullName, `/commit/${commit.sha}`),
    comments_url: urls.repo(repo.fullName, `/commits/${commit.sha}/comments`),
    commit: {
      url: urls.repo(repo.fullName, `/git/commits/${commit.sha}`),
      author: { ...commit.author },
      committer: { ...commit.committer },
      message: commit.message,
      tree: { sha: commit.tree, url: urls.repo(repo.fullName, `/git/trees/${commit.tree}`) },
      comment_count: 0,
      verification: bed.webFlow.verification(commit),
    },
    author: author ? simpleUser(urls, author) : null,
    committer: committer ? simpleUser(urls, committer) : null,
    parents: commit.parents.map((sha) => ({
      sha,
      url: urls.repo(repo.fullName, `/commits/${sha}`),
      html_url: urls.repoHtml(repo.fullName, `/commit/${sha}`),
    })),
  };
  if (!files) return shape;
  const additions = files.reduce((sum, f) => sum + f.additions, 0);
  const deletions = files.reduce((sum, f) => sum + f.deletions, 0);
  return {
    ...shape,
    stats: { total: additions + deletions, additions, deletions },
    files: files.map((file) => diffEntry(bed, repo, commit.sha, file)),
  };
}

/** GitHub's `diff-entry`. */
export function diffEntry(bed: Bed, repo: RepoState, ref: string, file: FileDiff) {
  const { urls } = bed;
  const path = file.path.split('/').map(encodeURIComponent).join('/');
  const entry: Record<string, unknown> = {
    sha: file.sha,
    filename: file.path,
    status: file.status,
    additions: file.additions,
    deletions: file.deletions,
    changes: file.additions + file.deletions,
    blob_url: urls.repoHtml(repo.fullName, `/blob/${ref}/${path}`),
    raw_url: urls.repoHtml(repo.fullName, `/raw/${ref}/${path}`),
    contents_url: urls.repo(repo.fullName, `/contents/${path}?ref=${ref}`),
  };
  if (file.patch !== undefined) entry.patch = file.patch;
  if (file.previousPath !== undefined) entry.previous_filename = file.previousPath;
  return entry;
}

/** GitHub's `git-ref`. */
export function gitRef(bed: Bed, repo: RepoState, ref: string, sha: string, type: string) {
  const objectPath = type === 'tag' ? 'tags' : type === 'tree' ? 'trees' : type === 'blob' ? 'blobs' : 'commits';
  return {
    ref,
    node_id: nodeId('REF', `${repo.id}:${ref}`),
    url: bed.urls.repo(repo.fullName, `/git/${ref}`),
    object: { type, sha, url: bed.urls.repo(repo.fullName, `/git/${objectPath}/${sha}`) },
  };
}

/**
 * GitHub's `git-tree`. A recursive answer beyond `limits` (GitHub: 100,000 entries or 7 MB) keeps
 * the entries that fit and says `truncated: true`; the client must walk the subtrees itself.
 */
export function gitTree(bed: Bed, repo: RepoState, sha: string, entries: GitTreeEntry[], limits?: { maxEntries: number; maxBytes: number }) {
  const items: Record<string, unknown>[] = [];
  let bytes = 0;
  let truncated = false;
  for (const entry of entries) {
    const kind = entry.type === 'tree' ? 'trees' : entry.type === 'blob' ? 'blobs' : 'commits';
    const item: Record<string, unknown> = { path: entry.path, mode: entry.mode, type: entry.type, sha: entry.sha };
    if (entry.size !== undefined) item.size = entry.size;
    if (entry.type !== 'commit') item.url = bed.urls.repo(repo.fullName, `/git/${kind}/${entry.sha}`);
    if (limits) {
      bytes += JSON.stringify(item).length + 1;
      if (items.length >= limits.maxEntries || bytes > limits.maxBytes) {
        truncated = true;
        break;
      }
    }
    items.push(item);
  }
  return { sha, url: bed.urls.repo(repo.fullName, `/git/trees/${sha}`), tree: items, truncated };
}

/** Base64 in lines of 60 characters, the way GitHub encodes blob and file contents. */
export function wrappedBase64(content: Buffer): string {
  const flat = content.toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < flat.length; i += 60) lines.push(flat.slice(i, i + 60));
  return lines.length ? `${lines.join('\n')}\n` : '';
}
