/** Plain data read from or written to a bare repository; shapes mirror git's, not GitHub's. */

export interface GitIdentity {
  name: string;
  email: string;
  /** ISO 8601 in UTC with second precision, the way GitHub prints commit dates. */
  date: string;
}

export interface GitCommitObject {
  sha: string;
  tree: string;
  parents: string[];
  author: GitIdentity;
  committer: GitIdentity;
  message: string;
  /** The `gpgsig` header, when the commit is signed. */
  signature?: string;
  /** What the signature covers: the commit object without its `gpgsig` header. */
  payload?: string;
}

export type GitObjectType = 'blob' | 'tree' | 'commit' | 'tag';

export interface GitTreeEntry {
  path: string;
  mode: string;
  type: 'blob' | 'tree' | 'commit';
  sha: string;
  /** Blobs only. */
  size?: number;
}

/** One change to a tree: `sha: null` deletes the path (and everything under it). */
export interface TreeEdit {
  path: string;
  mode: string;
  type: 'blob' | 'tree' | 'commit';
  sha: string | null;
}

export const ZERO_SHA = '0000000000000000000000000000000000000000';

export function isSha(value: string): boolean {
  return /^[0-9a-f]{40}$/.test(value);
}

/** git stores "<epoch> <offset>"; GitHub answers in UTC ISO form without milliseconds. */
export function formatGitDate(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().replace('.000Z', 'Z');
}

/** The `@<epoch> +0000` form is the one git parses without locale or format surprises. */
export function toGitDate(iso: string): string {
  const millis = Date.parse(iso);
  if (Number.isNaN(millis)) throw new Error(`not a date: ${iso}`);
  return `@${Math.floor(millis / 1000)} +0000`;
}

export function parseCommit(sha: string, raw: string): GitCommitObject {
  const split = raw.indexOf('\n\n');
  const header = split === -1 ? raw : raw.slice(0, split);
  const message = split === -1 ? '' : raw.slice(split + 2);
  let tree = '';
  const parents: string[] = [];
  let author: GitIdentity | undefined;
  let committer: GitIdentity | undefined;
  const signature: string[] = [];
  const unsigned: string[] = [];
  let key = '';
  for (const line of header.split('\n')) {
    // Continuation lines belong to the multi-line header before them (gpgsig, mergetag).
    if (line.startsWith(' ')) {
      if (key === 'gpgsig') signature.push(line.slice(1));
      else unsigned.push(line);
      continue;
    }
    const space = line.indexOf(' ');
    key = line.slice(0, space);
    const value = line.slice(space + 1);
    if (key === 'gpgsig') {
      signature.push(value);
      continue;
    }
    unsigned.push(line);
    if (key === 'tree') tree = value;
    else if (key === 'parent') parents.push(value);
    else if (key === 'author') author = parseIdentity(value);
    else if (key === 'committer') committer = parseIdentity(value);
  }
  if (!tree || !author || !committer) throw new Error(`commit ${sha} is malformed`);
  const commit: GitCommitObject = { sha, tree, parents, author, committer, message };
  if (signature.length) Object.assign(commit, { signature: signature.join('\n'), payload: `${unsigned.join('\n')}\n\n${message}` });
  return commit;
}

function parseIdentity(value: string): GitIdentity {
  const match = /^(.*) <([^>]*)> (\d+) [+-]\d{4}$/.exec(value);
  if (!match) throw new Error(`malformed identity: ${value}`);
  return { name: match[1] ?? '', email: match[2] ?? '', date: formatGitDate(Number(match[3])) };
}

/** Parses `git ls-tree -l -z` output. */
export function parseLsTree(output: string): GitTreeEntry[] {
  const entries: GitTreeEntry[] = [];
  for (const record of output.split('\0')) {
    if (!record) continue;
    const tab = record.indexOf('\t');
    const [mode, type, sha, size] = record.slice(0, tab).split(/\s+/);
    const entry: GitTreeEntry = {
      path: record.slice(tab + 1),
      mode: mode ?? '',
      type: type as GitTreeEntry['type'],
      sha: sha ?? '',
    };
    if (type === 'blob' && size !== undefined && size !== '-') entry.size = Number(size);
    entries.push(entry);
  }
  return entries;
}
