import type { CheckAnnotation } from '../../core/promotion/check-output.js';

/** Pull requests, check runs and commit statuses: how promotions are proposed, checked and merged. */

export interface PullRequest {
  number: number;
  url: string;
  state: 'open' | 'closed';
  merged: boolean;
  head: { ref: string; sha: string; /** The head branch is in this repository (not a fork). */ inRepo: boolean };
  base: { ref: string; defaultBranch: string };
  body: string;
  labels: string[];
}

/** The open PR of a branch, as promotions see it. */
export interface OpenPull {
  number: number;
  url: string;
  headSha: string;
  body: string;
  labels: string[];
}

export type MergeResult = { merged: true; sha: string } | { merged: false; reason: string };

export interface PullRequests {
  get(number: number): Promise<PullRequest>;
  /** Every open pull request of the repository. */
  listOpen(): Promise<PullRequest[]>;
  /** The open PR from `branch` into `base`, if any (GitHub allows at most one). */
  findOpen(branch: string, base: string): Promise<OpenPull | undefined>;
  /** Opens the PR, or finds the one a retried request (or another replica) already opened. */
  open(pull: { branch: string; base: string; title: string; body: string }): Promise<{ pull: OpenPull; created: boolean }>;
  update(number: number, change: { title?: string; body?: string; state?: 'open' | 'closed' }): Promise<void>;
  comment(number: number, body: string): Promise<void>;
  /** Says "seen" on a comment (👀) before the work it asks for is done. */
  acknowledgeComment(commentId: number): Promise<void>;
  /** Adds labels, never replaces: people may have put their own on the PR. */
  addLabels(number: number, labels: readonly string[]): Promise<void>;
  /** Asks for reviews; a refusal (the author, no access) comes back as a note, not a failure. */
  requestReviewers(number: number, reviewers: { users: readonly string[]; teams: readonly string[] }): Promise<string | undefined>;
  /** Merges at `sha` exactly; protection or a moved head is a refusal, not an error. */
  merge(number: number, merge: { sha: string; title: string; message: string }): Promise<MergeResult>;
}

export interface CheckRunReport {
  name: string;
  headSha: string;
  conclusion: 'success' | 'failure' | 'neutral' | 'action_required';
  title: string;
  summary: string;
  text?: string;
  annotations?: readonly CheckAnnotation[];
  detailsUrl?: string;
  /** Identifies this report, so a retried create can find the run it made. */
  externalId: string;
}

export interface CheckRun {
  id: number;
  status: string;
  conclusion: string | null;
  externalId: string | null;
  /** The App that created it (the trust model asks who wrote a check). */
  app: string | undefined;
}

export interface Checks {
  /** A completed check run with any number of annotations; returns its id. */
  publish(report: CheckRunReport): Promise<number>;
  /** The latest run of each App named `name` on `sha`. */
  runs(sha: string, name: string): Promise<CheckRun[]>;
  /** Whether `sha` has any run named `name`: one small request. */
  has(sha: string, name: string): Promise<boolean>;
}

export interface CommitStatusInput {
  context: string;
  state: 'success' | 'pending' | 'failure' | 'error';
  description: string;
  targetUrl?: string;
}

export interface CommitStatuses {
  /** The latest status per context on `sha`. */
  latest(sha: string): Promise<Map<string, { state: string; description: string; targetUrl?: string }>>;
  /** Sets statuses, skipping each whose latest already says the same (state, description, link); returns the contexts written. */
  set(sha: string, statuses: readonly CommitStatusInput[]): Promise<string[]>;
}
