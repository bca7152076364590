import { randomUUID } from 'node:crypto';
import { gitText, runGit } from './run.js';
import type { GitIdentity } from './objects.js';
import type { GitStore } from './store.js';

export interface ImportedCommit {
  message: string;
  author: GitIdentity;
  committer: GitIdentity;
  /** Path → new content; null deletes the path. */
  files: Record<string, string | Buffer | null>;
}

/**
 * Writes a line of commits on top of `parent` in one `git fast-import`, for
 * histories of hundreds of commits (paging past 250): one process instead of
 * five per commit. Returns the tip; no ref is left behind.
 */
export async function importCommits(store: GitStore, repo: string, parent: string | null, commits: readonly ImportedCommit[]): Promise<string> {
  if (commits.length === 0) throw new Error('nothing to import');
  const scratch = `refs/bed-import/${randomUUID()}`;
  const chunks: Buffer[] = [];
  const line = (text: string) => chunks.push(Buffer.from(`${text}\n`));
  const data = (bytes: Buffer) => {
    line(`data ${bytes.length}`);
    chunks.push(bytes, Buffer.from('\n'));
  };
  const person = (who: GitIdentity) => `${who.name} <${who.email}> ${Math.floor(Date.parse(who.date) / 1000)} +0000`;
  commits.forEach((commit, index) => {
    line(`commit ${scratch}`);
    line(`author ${person(commit.author)}`);
    line(`committer ${person(commit.committer)}`);
    data(Buffer.from(commit.message));
    if (index === 0 && parent) line(`from ${parent}`);
    for (const [path, content] of Object.entries(commit.files)) {
      if (content === null) {
        line(`D ${quote(path)}`);
        continue;
      }
      line(`M 100644 inline ${quote(path)}`);
      data(Buffer.from(content));
    }
    line('');
  });
  line('done');
  const dir = store.path(repo);
  await runGit(dir, ['fast-import', '--quiet', '--done'], { input: Buffer.concat(chunks) });
  try {
    return (await gitText(dir, ['rev-parse', '--verify', scratch])).trim();
  } finally {
    await runGit(dir, ['update-ref', '-d', scratch]);
  }
}

/** fast-import's C-style quoting, needed only for paths with special characters. */
function quote(path: string): string {
  return /^[^"\\\n\s]+$/.test(path) ? path : JSON.stringify(path);
}
