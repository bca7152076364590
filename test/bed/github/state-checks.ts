/** Check runs, check suites, commit statuses and deployments: what Apps and CI report on commits. */

import type { User } from './state.js';

export interface Annotation {
  path: string;
  start_line: number;
  end_line: number;
  start_column?: number;
  end_column?: number;
  annotation_level: 'notice' | 'warning' | 'failure';
  message: string;
  title?: string;
  raw_details?: string;
}

export interface CheckRunState {
  id: number;
  headSha: string;
  name: string;
  status: 'queued' | 'in_progress' | 'completed' | 'waiting' | 'requested' | 'pending';
  conclusion: string | null;
  startedAt: string;
  completedAt: string | null;
  detailsUrl: string | null;
  externalId: string | null;
  output: { title: string | null; summary: string | null; text: string | null; annotations: Annotation[] };
  checkSuiteId: number;
  /** The App that created the run. */
  appId: number;
}

/** One App's check suite on one commit: its runs roll up into its status and conclusion. */
export interface CheckSuiteState {
  id: number;
  appId: number;
  headSha: string;
  headBranch: string | null;
  status: 'queued' | 'in_progress' | 'completed';
  conclusion: string | null;
  /** The push that requested it, when one did. */
  before: string | null;
  after: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface CommitStatusState {
  id: number;
  sha: string;
  state: 'error' | 'failure' | 'pending' | 'success';
  targetUrl: string | null;
  description: string | null;
  context: string;
  creator: User;
  createdAt: string;
  /** The App whose installation set the status; null for a person. */
  appId: number | null;
}

export interface DeploymentStatusState {
  id: number;
  state: 'error' | 'failure' | 'inactive' | 'in_progress' | 'queued' | 'pending' | 'success';
  description: string;
  environment: string;
  logUrl: string;
  environmentUrl: string;
  creator: User;
  createdAt: string;
}

export interface DeploymentState {
  id: number;
  sha: string;
  ref: string;
  task: string;
  payload: Record<string, unknown> | string;
  environment: string;
  originalEnvironment: string;
  description: string | null;
  creator: User;
  createdAt: string;
  updatedAt: string;
  transient: boolean;
  production: boolean;
  statuses: DeploymentStatusState[];
}
