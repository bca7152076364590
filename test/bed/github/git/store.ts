import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { CatFile } from './cat-file.js';
import { commitText } from './signing.js';
import { writeTree } from './tree-writer.js';
import { GitCommandError, gitEnv, gitText, runGit } from './run.js';
import { ZERO_SHA, isSha, parseCommit, parseLsTree, toGitDate, type GitCommitObject, type GitIdentity, type GitObjectType, type GitTreeEntry, type TreeEdit } from './objects.js';

export interface NewCommit {
  tree: string;
  parents: string[];
  message: string;
  author: GitIdentity;
  committer: GitIdentity;
}

/**
 * Real bare repositories on disk, driven through the git CLI, so every ref,
 * commit, tree and blob the server reports is an object a test can `git clone`.
 * One directory per repository under `root`.
 */
export class GitStore {
  // Git objects never change, so anything computed from shas alone is cached:
  // the server answers the same questions (merge base, diff, tree) many times
  // per request, and each git process costs milliseconds.
  private readonly cache = new Map<string, Promise<unknown>>();
  private readonly readers = new Map<string, CatFile>();

  constructor(readonly root: string) {}

  /** Caches `compute` under `key` when `cacheable`; a null result is not cached (the object may appear later). */
  memo<T>(key: string, cacheable: boolean, compute: () => Promise<T>): Promise<T> {
    if (!cacheable) return compute();
    const cached = this.cache.get(key) as Promise<T> | undefined;
    if (cached) return cached;
    const result = compute();
    this.cache.set(key, result);
    result.then(
      (value) => value === null && this.cache.delete(key),
      () => this.cache.delete(key),
    );
    return result;
  }

  path(fullName: string): string {
    return join(this.root, `${fullName}.git`);
  }

  async init(fullName: string, defaultBranch: string): Promise<void> {
    const dir = this.path(fullName);
    await mkdir(dir, { recursive: true });
    await runGit(dir, ['init', '--quiet', '--bare', `--initial-branch=${defaultBranch}`]);
  }

  /** Stops one repository's object reader (a fresh one is started on the next read). */
  forget(repo: string): void {
    this.readers.get(repo)?.close();
    this.readers.delete(repo);
  }

  /** Stops the per-repository object readers. */
  close(): void {
    for (const reader of this.readers.values()) reader.close();
    this.readers.clear();
  }

  private async readObject(repo: string, sha: string) {
    let reader = this.readers.get(repo);
    if (!reader) {
      reader = new CatFile(this.path(repo), gitEnv());
      this.readers.set(repo, reader);
    }
    return reader.read(sha);
  }

  async objectType(repo: string, sha: string): Promise<GitObjectType | null> {
    return ((await this.readObject(repo, sha))?.type as GitObjectType | undefined) ?? null;
  }

  async writeBlob(repo: string, content: Buffer): Promise<string> {
    return (await gitText(this.path(repo), ['hash-object', '-w', '--stdin'], { input: content })).trim();
  }

  readBlob(repo: string, sha: string): Promise<Buffer | null> {
    return this.memo(`blob ${repo} ${sha}`, isSha(sha), async () => {
      const object = await this.readObject(repo, sha);
      return object?.type === 'blob' ? object.content : null;
    });
  }

  readCommit(repo: string, sha: string): Promise<GitCommitObject | null> {
    return this.memo(`commit ${repo} ${sha}`, isSha(sha), async () => {
      const object = await this.readObject(repo, sha);
      return object?.type === 'commit' ? parseCommit(sha, object.content.toString('utf8')) : null;
    });
  }

  /**
   * Writes a commit; with `sign`, as a raw object whose `gpgsig` header holds
   * `sign(payload)` (what `git commit -S` writes).
   */
  async createCommit(repo: string, commit: NewCommit, sign?: (payload: string) => string): Promise<string> {
    if (sign) {
      const person = (who: GitIdentity) => `${who.name} <${who.email}> ${toGitDate(who.date).slice(1)}`;
      const fields = { tree: commit.tree, parents: commit.parents, author: person(commit.author), committer: person(commit.committer), message: commit.message };
      const text = commitText(fields, sign(commitText(fields)));
      return (await gitText(this.path(repo), ['hash-object', '-t', 'commit', '-w', '--stdin'], { input: text })).trim();
    }
    const args = ['commit-tree', commit.tree, ...commit.parents.flatMap((p) => ['-p', p]), '-F', '-'];
    const env = {
      GIT_AUTHOR_NAME: commit.author.name,
      GIT_AUTHOR_EMAIL: commit.author.email,
      GIT_AUTHOR_DATE: toGitDate(commit.author.date),
      GIT_COMMITTER_NAME: commit.committer.name,
      GIT_COMMITTER_EMAIL: commit.committer.email,
      GIT_COMMITTER_DATE: toGitDate(commit.committer.date),
    };
    return (await gitText(this.path(repo), args, { input: commit.message, env })).trim();
  }

  /** Resolves anything git understands (sha, branch, `sha^{tree}`) to an object id, or null. */
  async revParse(repo: string, rev: string): Promise<string | null> {
    if (rev.startsWith('-')) return null;
    try {
      return (await gitText(this.path(repo), ['rev-parse', '--verify', '--quiet', `${rev}`])).trim() || null;
    } catch (error) {
      if (error instanceof GitCommandError) return null;
      throw error;
    }
  }

  /** Resolves a branch name, tag name or commit sha the way GitHub's `ref` parameters do. */
  async resolveCommitish(repo: string, ref: string): Promise<string | null> {
    const candidates = /^[0-9a-f]{40}$/.test(ref)
      ? [ref]
      : [`refs/heads/${ref}`, `refs/tags/${ref}`, ref.startsWith('refs/') ? ref : `refs/${ref}`];
    for (const candidate of candidates) {
      const sha = await this.revParse(repo, `${candidate}^{commit}`);
      if (sha) return sha;
    }
    return null;
  }

  readTree(repo: string, treeish: string, recursive: boolean): Promise<GitTreeEntry[]> {
    return this.memo(`tree ${repo} ${treeish} ${recursive}`, isSha(treeish), async () => {
      const args = ['ls-tree', '-l', '-z', ...(recursive ? ['-r', '-t'] : []), treeish];
      return parseLsTree(await gitText(this.path(repo), args));
    });
  }

  /** The entry at `path` in `treeish` (a commit or tree), or null when absent. */
  entryAt(repo: string, treeish: string, path: string): Promise<GitTreeEntry | null> {
    return this.memo(`entry ${repo} ${treeish} ${path}`, isSha(treeish), () => this.findEntry(repo, treeish, path));
  }

  private async findEntry(repo: string, treeish: string, path: string): Promise<GitTreeEntry | null> {
    if (path === '') {
      const sha = await this.revParse(repo, `${treeish}^{tree}`);
      return sha ? { path: '', mode: '040000', type: 'tree', sha } : null;
    }
    const entries = parseLsTree(await gitText(this.path(repo), ['ls-tree', '-l', '-z', treeish, '--', path]));
    return entries.find((e) => e.path === path) ?? null;
  }

  /** A tree from an optional base plus edits (see tree-writer.ts). */
  createTree(repo: string, baseTree: string | undefined, edits: readonly TreeEdit[]): Promise<string> {
    return writeTree(this, repo, baseTree, edits);
  }

  async listRefs(repo: string): Promise<{ ref: string; sha: string; type: GitObjectType }[]> {
    const out = await gitText(this.path(repo), ['for-each-ref', '--format=%(objectname) %(objecttype) %(refname)']);
    return out
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [sha, type, ref] = line.split(' ');
        return { sha: sha ?? '', type: type as GitObjectType, ref: ref ?? '' };
      });
  }

  /** Branches whose history contains the commit, as `{ name, sha }` of their tips. */
  async branchesContaining(repo: string, sha: string): Promise<{ name: string; sha: string }[]> {
    const format = '--format=%(objectname) %(refname:strip=2)';
    const out = await gitText(this.path(repo), ['for-each-ref', '--contains', sha, format, 'refs/heads/']);
    return out
      .split('\n')
      .filter(Boolean)
      .map((line) => ({ sha: line.slice(0, 40), name: line.slice(41) }));
  }

  async isValidRefName(ref: string): Promise<boolean> {
    try {
      await runGit(this.root, ['check-ref-format', ref]);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Compare-and-swap on a ref: `expected` null means "must not exist yet",
   * undefined means unconditional. Returns false when someone else moved it.
   */
  async updateRef(repo: string, ref: string, sha: string, expected?: string | null): Promise<boolean> {
    const args = ['update-ref', ref, sha];
    if (expected !== undefined) args.push(expected ?? ZERO_SHA);
    return this.tryRun(repo, args);
  }

  async deleteRef(repo: string, ref: string, expected?: string): Promise<boolean> {
    return this.tryRun(repo, ['update-ref', '-d', ref, ...(expected ? [expected] : [])]);
  }

  isAncestor(repo: string, ancestor: string, descendant: string): Promise<boolean> {
    return this.memo(`ancestor ${repo} ${ancestor} ${descendant}`, isSha(ancestor) && isSha(descendant), async () => {
      const args = ['merge-base', '--is-ancestor', ancestor, descendant];
      const { code } = await runGit(this.path(repo), args, { okCodes: [1] });
      return code === 0;
    });
  }

  mergeBase(repo: string, a: string, b: string): Promise<string | null> {
    return this.memo(`base ${repo} ${a} ${b}`, isSha(a) && isSha(b), async () => {
      const { stdout, code } = await runGit(this.path(repo), ['merge-base', a, b], { okCodes: [1] });
      return code === 0 ? stdout.toString('utf8').trim() : null;
    });
  }

  /** Commits reachable from `head` but not from `base`, oldest first (as GitHub lists them). */
  commitsBetween(repo: string, base: string, head: string): Promise<string[]> {
    return this.memo(`between ${repo} ${base} ${head}`, isSha(base) && isSha(head), async () => {
      const out = await gitText(this.path(repo), ['rev-list', '--reverse', '--topo-order', `${base}..${head}`]);
      return out.split('\n').filter(Boolean);
    });
  }

  private async tryRun(repo: string, args: string[]): Promise<boolean> {
    try {
      await runGit(this.path(repo), args);
      return true;
    } catch (error) {
      if (error instanceof GitCommandError) return false;
      throw error;
    }
  }
}
