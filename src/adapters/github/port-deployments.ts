import type { DeploymentState } from '../../core/promotion/gates.js';

/** Deployments the agent reports and the App promotes on, environment locks, and who may run commands. */

/** A GitHub deployment of a manifest commit, with its latest status. */
export interface DeploymentRecord {
  id: number;
  environment: string;
  sha: string;
  createdAt: Date;
  /** The latest status's state; `pending` when there is none yet (as GitHub reports it). */
  state: DeploymentState;
  /** When the latest status was written (the deployment's creation when none). */
  stateAt: Date;
  description: string;
}

export interface DeploymentQuery {
  environment: string;
  /** How many of the newest deployments to look at. */
  newest: number;
  /** Only deployments older than this one; none when it is not among the newest. */
  olderThan?: number;
  /** Deployments worth reading statuses for at all. */
  sha?: (sha: string) => boolean;
  /** The states that count: of the latest status only, or of any status the deployment ever had. */
  state: (state: DeploymentState) => boolean;
  statuses?: 'latest' | 'any';
}

export interface DeploymentSearch {
  match?: { id: number; sha: string };
  /** How many deployments the environment listed (of the `newest` asked for). */
  listed: number;
}

export interface DeploymentReport {
  id: number;
  succeeded(description: string): Promise<void>;
  failed(description: string): Promise<void>;
  /** Not applied yet, and why (`queued`): the agent holds the commit (its image is not in the registry). */
  waiting(description: string): Promise<void>;
  /** Applying now (`in_progress`), after waiting. */
  applying(): Promise<void>;
  /** Still `in_progress`, saying how far it got (a rollout's replicas, the failing condition). */
  progress(description: string): Promise<void>;
}

export interface Deployments {
  /** The newest deployment of `environment`; undefined when there has been none. */
  latest(environment: string): Promise<DeploymentRecord | undefined>;
  /** The newest deployment that matches; one status read per deployment looked at. */
  find(query: DeploymentQuery): Promise<DeploymentSearch>;
  /**
   * Opens a deployment of `commit`, `in_progress` (or `queued` with the reason given as `waiting`);
   * the handle finishes it (success makes older ones inactive).
   */
  start(commit: string, target: { environment: string; path: string; production: boolean }, options?: { waiting?: string }): Promise<DeploymentReport>;
}

/** An environment lock (`/ladder lock prd <reason>`). */
export interface Lock {
  service: string;
  environment: string;
  /** GitHub login of whoever locked it. */
  by: string;
  reason: string;
}

export interface Locks {
  read(service: string, environment: string): Promise<Lock | undefined>;
  /** Locks; an existing lock is kept and returned with `created: false`. */
  set(lock: Lock): Promise<{ created: boolean; lock: Lock }>;
  /** Unlocks; the lock removed, or undefined when there was none. */
  clear(service: string, environment: string): Promise<Lock | undefined>;
}

/** Who may run commands for one environment, from its `commenters` config; absent = anyone with write access. */
export interface CommenterRule {
  users: readonly string[];
  /** `org/team-slug` */
  teams: readonly string[];
}

export type CommandPermission =
  | { allowed: true; via: 'write-access' | 'read-access' | 'listed-user' | 'team'; team?: string }
  | { allowed: false; reason: 'no-write-access' | 'no-read-access' | 'not-a-commenter'; permission: string };

/** What a command needs in the repository it acts on: an access level, and to pass every commenter rule (the grant's, then the code config's). */
export interface CommandNeed {
  access: 'write' | 'read';
  commenters: readonly CommenterRule[];
}

export interface Access {
  /** `admin`, `write`, `read` or `none` on this repository. */
  permissionOf(login: string): Promise<string>;
  /** The access level here and, for each commenter rule, being one of its users or an active member of one of its teams. */
  mayRunCommands(login: string, need: CommandNeed): Promise<CommandPermission>;
}
