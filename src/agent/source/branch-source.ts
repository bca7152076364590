import type { Logger } from 'pino';
import { describeGitHubError } from '../../adapters/github/errors.js';
import type { ManifestRepo } from '../../adapters/github/port.js';
import { mapLimit } from '../apply/parallel.js';
import type { AgentMetrics } from '../reporting/metrics.js';

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
  private lastFailureReason: string | undefined;

  constructor(
    private readonly repo: ManifestRepo,
    private readonly options: BranchSourceOptions,
  ) {}

  /** Whether the branch was read at least once. */
  wasRead(): boolean {
    return this.read;
  }

  /** What the last poll's failure said, while the branch cannot be read; undefined once a poll succeeds. */
  lastFailure(): string | undefined {
    return this.lastFailureReason;
  }

  async poll(): Promise<PollResult> {
    const { branch, metrics, log } = this.options;
    try {
      const head = await this.repo.pollHead(branch, this.etag);
      if (!head) {
        await this.succeeded();
        return { kind: 'unchanged', snapshot: this.snapshot };
      }
      const changed = head.sha !== this.snapshot?.commit;
      if (changed) this.snapshot = await this.fetchCommit(head.sha);
      // The ETag is kept only once the commit's files were read, so a failed fetch is retried.
      this.etag = head.etag;
      await this.succeeded();
      return changed ? { kind: 'changed', snapshot: this.snapshot! } : { kind: 'unchanged', snapshot: this.snapshot };
    } catch (error) {
      metrics.sourceErrorsTotal++;
      const reason = describeGitHubError(error);
      log.warn({ repository: this.repository(), branch, reason, servingCommit: this.snapshot?.commit }, 'cannot read the environment branch');
      await this.failed(reason);
      return { kind: 'failed', snapshot: this.snapshot, error: error instanceof Error ? error : new Error(reason) };
    }
  }

  private async fetchCommit(commit: string): Promise<SourceSnapshot> {
    const prefix = normalisePrefix(this.options.path);
    const tree = (await this.repo.listFiles(commit, '', { recursive: true })) ?? [];
    const entries = tree.filter((entry) => entry.path.startsWith(prefix) && manifestFile.test(entry.path) && !hiddenSegment.test(entry.path.slice(prefix.length)));
    const files = await mapLimit(entries, this.options.concurrency ?? 8, async (entry): Promise<SourceFile> => ({ path: entry.path, content: await this.readBlob(entry.blob) }));
    files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    // Blobs no longer in the tree are dropped, so the cache holds one commit's files.
    const live = new Set(entries.map((entry) => entry.blob));
    for (const sha of this.blobs.keys()) if (!live.has(sha)) this.blobs.delete(sha);
    this.options.log.info({ commit, files: files.length }, 'read manifest commit');
    return { commit, files };
  }

  private async readBlob(sha: string): Promise<string> {
    const cached = this.blobs.get(sha);
    if (cached !== undefined) return cached;
    const content = (await this.repo.readBlob(sha)).toString('utf8');
    this.blobs.set(sha, content);
    return content;
  }

  private async succeeded(): Promise<void> {
    this.read = true;
    this.lastFailureReason = undefined;
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
    this.lastFailureReason = reason;
    if (this.outage) {
      this.outage.reason = reason;
      return;
    }
    if (this.failures < (this.options.outageAfterFailures ?? 3)) return;
    this.options.metrics.sourceUnreachable = 1;
    this.outage = { repository: this.repository(), branch: this.options.branch, since: this.now(), reason, ...(this.snapshot ? { servingCommit: this.snapshot.commit } : {}) };
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

  private repository(): string {
    return `${this.repo.repo.owner}/${this.repo.repo.repo}`;
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }
}

function normalisePrefix(path: string): string {
  const trimmed = path.replace(/^\.?\/+/, '').replace(/\/+$/, '');
  return trimmed === '' || trimmed === '.' ? '' : `${trimmed}/`;
}
