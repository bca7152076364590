import type { Bed } from './bed.js';
import { nowIso } from './bed.js';
import { importCommits } from './git/fast-import.js';
import type { TreeEdit } from './git/objects.js';
import { writeRef } from './refs.js';
import type { RepoState, User } from './state.js';

export interface SeedCommit {
  message?: string;
  /** Defaults to a test developer; a GitHub user here gets linked as `author` in REST answers. */
  author?: { name: string; email: string };
  /** Start the branch from this commit-ish when it does not exist yet (default: the default branch, or no parent). */
  from?: string;
  /** Move the ref without raising `push` (state a test starts from rather than an event it reacts to). */
  silent?: boolean;
}

/**
 * What a seeded path holds: a file's content, `null` to delete it, or a
 * symbolic link (`{ symlink: 'target' }`), which git stores as a blob of mode
 * 120000 holding the target path, as `git push` of a link gives GitHub.
 */
export type SeedFile = string | Buffer | null | { symlink: string };

/**
 * Commits files straight to a branch, as a developer's `git push` would
 * (with the same `push` webhook). `null` content deletes a file.
 */
export async function commitFiles(
  bed: Bed,
  repo: RepoState,
  branch: string,
  files: Record<string, SeedFile>,
  options: SeedCommit & { pusher: User },
): Promise<string> {
  const ref = `refs/heads/${branch}`;
  const current = await bed.git.revParse(repo.fullName, `${ref}^{commit}`);
  const parent = current ?? (await startingPoint(bed, repo, options.from));
  const edits: TreeEdit[] = [];
  for (const [path, content] of Object.entries(files)) {
    const link = content !== null && typeof content === 'object' && !Buffer.isBuffer(content) ? content.symlink : undefined;
    const bytes = link !== undefined ? Buffer.from(link) : (content as string | Buffer | null);
    const sha = bytes === null ? null : await bed.git.writeBlob(repo.fullName, Buffer.from(bytes));
    edits.push({ path, mode: link !== undefined ? '120000' : '100644', type: 'blob', sha });
  }
  const tree = await bed.git.createTree(repo.fullName, parent ? `${parent}^{tree}` : undefined, edits);
  const date = nowIso(bed);
  const author = { ...(options.author ?? { name: 'Dev Eloper', email: 'dev@example.com' }), date };
  const sha = await bed.git.createCommit(repo.fullName, {
    tree,
    parents: parent ? [parent] : [],
    message: options.message ?? `Update ${Object.keys(files).join(', ')}`,
    author,
    committer: author,
  });
  if (!(await writeRef(bed, repo, { ref, sha, expected: current, silent: options.silent }, options.pusher))) {
    throw new Error(`${repo.fullName} ${branch} moved while seeding`);
  }
  return sha;
}

async function startingPoint(bed: Bed, repo: RepoState, from: string | undefined): Promise<string | null> {
  if (from) {
    const sha = await bed.git.resolveCommitish(repo.fullName, from);
    if (!sha) throw new Error(`${repo.fullName} has no ${from} to branch from`);
    return sha;
  }
  return bed.git.resolveCommitish(repo.fullName, repo.defaultBranch);
}

/** Points a branch at a commit-ish (creating or force-moving it), like `git push --force`. */
export async function setBranch(bed: Bed, repo: RepoState, branch: string, target: string, pusher: User): Promise<string> {
  const sha = await bed.git.resolveCommitish(repo.fullName, target);
  if (!sha) throw new Error(`${repo.fullName} has no ${target}`);
  await writeRef(bed, repo, { ref: `refs/heads/${branch}`, sha, forced: true }, pusher);
  return sha;
}

export interface SeedMany extends SeedCommit {
  /** The files of commit `index` (0-based); default: a new file `log/<n>.txt`. */
  files?: (index: number) => Record<string, string | Buffer | null>;
  /** The message of commit `index`; default `Commit <n>` (1-based). */
  messageOf?: (index: number) => string;
}

/**
 * `count` commits in a line on a branch in one push (one `push` webhook, as
 * `git push` of a long history gives): for paging past GitHub's 250-commit
 * limits. Commit dates step one second apart, ending now.
 */
export async function commitMany(bed: Bed, repo: RepoState, branch: string, count: number, options: SeedMany & { pusher: User }): Promise<string> {
  const ref = `refs/heads/${branch}`;
  const current = await bed.git.revParse(repo.fullName, `${ref}^{commit}`);
  const parent = current ?? (await startingPoint(bed, repo, options.from));
  const end = bed.now().getTime();
  const identity = options.author ?? { name: 'Dev Eloper', email: 'dev@example.com' };
  const commits = Array.from({ length: count }, (_, index) => {
    const date = new Date(end - (count - 1 - index) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    return {
      message: options.messageOf?.(index) ?? `Commit ${index + 1}`,
      author: { ...identity, date },
      committer: { ...identity, date },
      files: options.files?.(index) ?? { [`log/${index + 1}.txt`]: `${index + 1}\n` },
    };
  });
  const sha = await importCommits(bed.git, repo.fullName, parent, commits);
  if (!(await writeRef(bed, repo, { ref, sha, expected: current, silent: options.silent }, options.pusher))) {
    throw new Error(`${repo.fullName} ${branch} moved while seeding`);
  }
  return sha;
}
