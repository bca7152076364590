import type { TreeEdit } from '../../core/promotion/changes.js';
import type { ComparedFile } from '../../core/promotion/summary.js';
import type { LadderTrailers } from '../../core/promotion/trailers.js';
import type { SourceTree } from '../../core/render/tools/port.js';
import type { TemplateFile } from '../../core/render/render.js';
import type { Access, Deployments, Locks } from './port-deployments.js';
import type { Checks, CommitStatuses, PullRequests } from './port-pulls.js';
import type { RepoRef } from './types.js';

export type * from './port-deployments.js';
export type * from './port-pulls.js';

/**
 * What Ladder needs of GitHub, in Ladder's words: the port the App and the
 * agent talk through (renovate's `Platform`, Kargo's `gitprovider.Interface`).
 * Arguments and answers are Ladder's shapes, never Octokit's; every GitHub
 * call of the product is made behind it, in this folder.
 */
export interface GitHub {
  codeRepo(repo: RepoRef): CodeRepo;
  manifestRepo(repo: RepoRef): ManifestRepo;
  pulls(repo: RepoRef): PullRequests;
  checks(repo: RepoRef): Checks;
  statuses(repo: RepoRef): CommitStatuses;
  deployments(repo: RepoRef): Deployments;
  locks(repo: RepoRef): Locks;
  access(repo: RepoRef): Access;
  /** Repositories this installation can see (not archived ones). */
  repositories(): Promise<RepoRef[]>;
}

/** The App's way to the port: over a webhook's own client, or a fresh one for an installation. */
export interface GitHubAccess {
  /** The port over the client Probot gave a webhook handler (`context.octokit`). */
  fromClient(client: unknown): GitHub;
  /** The port for an installation, with a fresh token (a timer's work outlives a webhook's token). */
  forInstallation(installationId: number): Promise<GitHub>;
  /** Every installation of the App. */
  installations(): Promise<number[]>;
  /**
   * Who the App is, asked with the App's own key: the first call that proves the
   * credentials work, and the identity whose statuses and check runs are Ladder's.
   * Rejects with the GitHub error (a 401 when the key or APP_ID is wrong).
   */
  appIdentity(): Promise<AppIdentity>;
  /** The installation that holds a repository; undefined when the App is not installed on it. */
  installationOf(repo: RepoRef): Promise<number | undefined>;
  /**
   * An installation token limited to one repository and the permissions
   * given (an agent's, handed out by the App): GitHub itself refuses anything
   * else done with it.
   */
  repositoryToken(installationId: number, repo: RepoRef, permissions: Readonly<Record<string, 'read' | 'write'>>): Promise<ScopedToken>;
}

export interface ScopedToken {
  token: string;
  expiresAt: string;
  permissions: Record<string, string>;
}

export interface AppIdentity {
  id: number;
  slug: string;
  /** The login GitHub shows as the author of what the App writes (`<slug>[bot]`). */
  botLogin: string;
}

/** Files both kinds of repository serve. */
interface RepositoryFiles {
  readonly repo: RepoRef;
  /** A text file at `ref` (the default branch when absent), at most 1 MiB of UTF-8; undefined when there is no such file. */
  readTextFile(path: string, ref?: string): Promise<string | undefined>;
  /** The commit a branch points at; undefined when there is no such branch. */
  branchHead(branch: string): Promise<string | undefined>;
  /** The tree of a commit: equal trees mean equal content, whatever the history. */
  treeOf(commit: string): Promise<string>;
}

/** A service's code repository: its config, templates and history. */
export interface CodeRepo extends RepositoryFiles {
  defaultBranch(): Promise<string>;
  /** The `*.hbs` templates under `dir` at `commit`, sorted by path; `configFile` is where an error about `dir` itself points. */
  readTemplates(commit: string, dir: string, configFile: string): Promise<TemplateFile[]>;
  /** Every file under `dir` at `commit` (a Helm chart, a kustomize tree), within the source-tree budgets; `key` is the config key an error about `dir` itself names. */
  readSourceTree(commit: string, dir: string, at: { configFile: string; key: string }): Promise<SourceTree>;
  /** Commits in `head` that `base` lacks, newest first (the newest 100 to 200 when there are more); undefined when either is unknown. */
  commitsBetween(base: string, head: string): Promise<CommitRange | undefined>;
}

export interface CodeCommit {
  sha: string;
  message: string;
  author?: string;
}

export interface CommitRange {
  /** GitHub's comparison status: `ahead`, `behind`, `diverged` or `identical`. */
  status: string;
  total: number;
  commits: CodeCommit[];
}

export interface GitCommit {
  sha: string;
  tree: string;
  parents: string[];
  message: string;
}

/** A file of a tree: its path (relative to the directory listed), blob id and size. */
export interface TreeFile {
  path: string;
  blob: string;
  size: number;
  /** Git's file mode: `100644`, `100755`, or `120000` for a symbolic link (its blob is the target path). */
  mode?: string;
}

/** What Ladder deployed: its trailers and the commit that carries them. */
export interface LadderVersion {
  /** The commit whose message has the trailers (the deployed commit, or the Ladder commit a merge brought in). */
  commit: string;
  trailers: LadderTrailers;
}

export interface VersionMatch {
  service?: string;
  environment?: string;
}

/**
 * A manifest repository: one branch per environment, written through the
 * Git Data API (one commit per promotion), read by the agent, and the history
 * that says which Ladder version each environment has.
 */
export interface ManifestRepo extends RepositoryFiles {
  readCommit(sha: string): Promise<GitCommit>;
  /** Every blob of a commit's tree, path → id, in one recursive read, and the tree's own id. */
  readBlobIds(commit: string): Promise<{ tree: string; blobs: Map<string, string> }>;
  /** The tree at `path` of a commit or branch ('' is its root tree); undefined when it is not a directory there. */
  subtree(ref: string, path: string): Promise<string | undefined>;
  /** Blobs under `dir` of a commit or branch (directly in it, or at any depth); undefined when `dir` is not a directory. */
  listFiles(ref: string, dir: string, options: { recursive: boolean }): Promise<TreeFile[] | undefined>;
  readBlob(blob: string): Promise<Buffer>;
  /** One `POST git/trees` over `baseTree` with every edit inline (`sha: null` deletes, a tree entry replaces a folder). */
  writeTree(baseTree: string, edits: readonly (TreeEdit | SubtreeEdit)[]): Promise<string>;
  writeCommit(commit: { tree: string; parents: string[]; message: string }): Promise<string>;
  /**
   * Moves `branch` to `sha` as a compare-and-swap: creates it when `expected`
   * is undefined, else a fast-forward only, which fails exactly when someone
   * moved the branch since it was read.
   */
  moveBranch(branch: string, expected: string | undefined, sha: string): Promise<'moved' | 'lost'>;
  /** Points a branch of Ladder's own at `sha` whatever it held; true when it had to be created. */
  forceBranch(branch: string, sha: string): Promise<boolean>;
  /** Best effort; true when the branch is gone. */
  deleteBranch(branch: string): Promise<boolean>;
  /** Files changed from `base` to `head` with their patches (one compare; GitHub lists up to 300). */
  changedFiles(base: string, head: string): Promise<ComparedFile[]>;
  /** Commits from `head` down, one page of `pageSize`, each with its Ladder trailers. */
  history(head: string, page: number, pageSize: number): Promise<Array<{ sha: string; trailers?: LadderTrailers }>>;
  /** The newest version of (service, environment) among the last 30 commits of `branch` touching `path`. */
  versionOnBranch(branch: string, path: string, match: Required<VersionMatch>): Promise<LadderTrailers | undefined>;
  /** The Ladder version at a deployed commit (or branch), following merges to the Ladder commit they brought in. */
  versionAt(ref: string, match?: VersionMatch): Promise<LadderVersion | undefined>;
  /** Versions of `environment` that arrived between two deployed commits, the newest per service. */
  versionsBetween(base: string, head: string, environment: string): Promise<LadderVersion[]>;
  /**
   * The head of `branch` and its ETag; undefined while it is still the commit
   * behind `etag` (GitHub's 304, which costs no rate limit). No retries: the
   * next poll is one.
   */
  pollHead(branch: string, etag: string | undefined): Promise<{ sha: string; etag: string | undefined } | undefined>;
}

export interface SubtreeEdit {
  path: string;
  mode: '040000';
  type: 'tree';
  sha: string;
}
