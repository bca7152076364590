import type { Logger } from 'pino';
import type { AgentGitHub } from './github-client.js';
import type { AgentMetrics } from './metrics.js';

export interface SourceFile {
  /** Path in the repository, e.g. `manifests/deployment.yaml`. */
  path: string;
  content: string;
}

/** One commit of the environment branch with the manifest files under the configured path. */
export interface SourceSnapshot {
  commit: string;
  files: SourceFile[];
}

export interface SourceOutage {
  repository: string;
  branch: string;
  since: Date;
  /** What the last failed read said (status and message; never a credential). */
  reason: string;
  /** The commit still being served, when one was read before. */
  servingCommit?: string;
}

export interface SourceEvents {
  unreachable?(outage: SourceOutage): void | Promise<void>;
  recovered?(outage: SourceOutage & { until: Date }): void | Promise<void>;
}

export interface BranchSourceOptions {
  owner: string;
  repo: string;
  branch: string;
  /** Folder in the branch; '' or '.' for the whole tree. */
  path: string;
  metrics: AgentMetrics;
  log: Logger;
  events?: SourceEvents;
  now?: () => Date;
  /** Consecutive failed polls before an outage is declared (one message per outage). */
  outageAfterFailures?: number;
  /** Blobs fetched at once. */
  concurrency?: number;
}

export type PollResult =
  | { kind: 'unchanged'; snapshot: SourceSnapshot | undefined }
  | { kind: 'changed'; snapshot: SourceSnapshot }
  | { kind: 'failed'; snapshot: SourceSnapshot | undefined; error: Error };

const manifestFile = /\.(ya?ml|json)$/i;
/** A dot-folder or dot-file (`.github/workflows/ci.yml`): repository metadata, never a manifest. */
const hiddenSegment = /(^|\/)\./;

/**
 * Follows one branch of the manifest repository. Each poll is a conditional
 * `GET /commits/{branch}` for the bare sha: while nothing changes GitHub
 * answers 304, which costs no rate limit. A new commit is read as one
 * recursive tree plus the blobs under the path, cached by blob sha so a
 * commit that changes one file fetches one blob.
 */
export class BranchSource {
  private etag: string | undefined;
  private snapshot: SourceSnapshot | undefined;
  private readonly blobs = new Map<string, string>();
  private failures = 0;
  private outage: SourceOutage | undefined;
  private read = false;

  constructor(
    private readonly github: AgentGitHub,
    private readonly options: BranchSourceOptions,
  ) {}

  /** Whether the branch was read at least once. */
  wasRead(): boolean {
    return this.read;
  }

  async poll(): Promise<PollResult> {
    const { owner, repo, branch, metrics, log } = this.options;
    try {
      const headers: Record<string, string> = { accept: 'application/vnd.github.sha' };
      if (this.etag) headers['if-none-match'] = this.etag;
      // No retries here: the next poll is the retry, and a slow failure would delay it.
      const response = await this.github.request('GET /repos/{owner}/{repo}/commits/{ref}', { owner, repo, ref: branch, headers, request: { retries: 0 } });
      const sha = String(response.data as unknown).trim();
      const etag = response.headers.etag;
      const changed = sha !== this.snapshot?.commit;
      if (changed) this.snapshot = await this.fetchCommit(sha);
      // The ETag is kept only once the commit's files were read, so a failed fetch is retried.
      this.etag = etag;
      await this.succeeded();
      return changed ? { kind: 'changed', snapshot: this.snapshot! } : { kind: 'unchanged', snapshot: this.snapshot };
    } catch (error) {
      if ((error as { status?: number }).status === 304) {
        await this.succeeded();
        return { kind: 'unchanged', snapshot: this.snapshot };
      }
      metrics.sourceErrorsTotal++;
      const reason = describeGitHubError(error);
      log.warn({ repository: `${owner}/${repo}`, branch, reason, servingCommit: this.snapshot?.commit }, 'cannot read the environment branch');
      await this.failed(reason);
      return { kind: 'failed', snapshot: this.snapshot, error: error instanceof Error ? error : new Error(reason) };
    }
  }

  private async fetchCommit(commit: string): Promise<SourceSnapshot> {
    const { owner, repo } = this.options;
    const prefix = normalisePrefix(this.options.path);
    const { data: tree } = await this.github.rest.git.getTree({ owner, repo, tree_sha: commit, recursive: 'true' });
    if (tree.truncated) throw new Error(`the tree of ${commit} is too large for one request (GitHub truncated it); keep the manifest path smaller`);
    const entries = tree.tree.filter(
      (entry) => entry.type === 'blob' && entry.path !== undefined && entry.sha !== undefined && entry.path.startsWith(prefix) && manifestFile.test(entry.path) && !hiddenSegment.test(entry.path.slice(prefix.length)),
    );
    const files: SourceFile[] = new Array(entries.length);
    let next = 0;
    const worker = async () => {
      while (next < entries.length) {
        const index = next++;
        const entry = entries[index]!;
        files[index] = { path: entry.path!, content: await this.readBlob(entry.sha!) };
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.options.concurrency ?? 8, entries.length) }, worker));
    files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    // Blobs no longer in the tree are dropped, so the cache holds one commit's files.
    const live = new Set(entries.map((entry) => entry.sha!));
    for (const sha of this.blobs.keys()) if (!live.has(sha)) this.blobs.delete(sha);
    this.options.log.info({ commit, files: files.length }, 'read manifest commit');
    return { commit, files };
  }

  private async readBlob(sha: string): Promise<string> {
    const cached = this.blobs.get(sha);
    if (cached !== undefined) return cached;
    const { owner, repo } = this.options;
    const { data } = await this.github.rest.git.getBlob({ owner, repo, file_sha: sha });
    const content = data.encoding === 'base64' ? Buffer.from(data.content, 'base64').toString('utf8') : data.content;
    this.blobs.set(sha, content);
    return content;
  }

  private async succeeded(): Promise<void> {
    this.read = true;
    this.failures = 0;
    this.options.metrics.sourceUnreachable = 0;
    const outage = this.outage;
    if (!outage) return;
    this.outage = undefined;
    const until = this.now();
    this.options.log.info({ since: outage.since, until }, 'GitHub is reachable again');
    await this.notify(() => this.options.events?.recovered?.({ ...outage, until }));
  }

  private async failed(reason: string): Promise<void> {
    this.failures++;
    if (this.outage) {
      this.outage.reason = reason;
      return;
    }
    if (this.failures < (this.options.outageAfterFailures ?? 3)) return;
    const { owner, repo, branch } = this.options;
    this.options.metrics.sourceUnreachable = 1;
    this.outage = { repository: `${owner}/${repo}`, branch, since: this.now(), reason, ...(this.snapshot ? { servingCommit: this.snapshot.commit } : {}) };
    await this.notify(() => this.options.events?.unreachable?.({ ...this.outage! }));
  }

  /** An alert that cannot be sent must not stop the loop; it is logged instead. */
  private async notify(send: () => void | Promise<void> | undefined): Promise<void> {
    try {
      await send();
    } catch (error) {
      this.options.log.error({ err: error }, 'could not send the source alert');
    }
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }
}

function normalisePrefix(path: string): string {
  const trimmed = path.replace(/^\.?\/+/, '').replace(/\/+$/, '');
  return trimmed === '' || trimmed === '.' ? '' : `${trimmed}/`;
}

/** Status and GitHub's message, or the network error's code: enough to act on, nothing secret. */
export function describeGitHubError(error: unknown): string {
  const status = (error as { status?: number }).status;
  const response = (error as { response?: { data?: { message?: string } } }).response;
  if (response) return `HTTP ${status}${response.data?.message ? `: ${response.data.message}` : ''}`;
  // No response: Octokit reports a network failure as status 500; the code is in the cause chain.
  for (let cause = (error as { cause?: unknown }).cause; cause; cause = (cause as { cause?: unknown }).cause) {
    const code = (cause as { code?: string }).code;
    if (code) return `network error: ${code}`;
  }
  return `network error: ${(error as Error)?.message ?? String(error)}`;
}
