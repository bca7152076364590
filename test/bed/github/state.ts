import type { CheckRunState, CheckSuiteState, CommitStatusState, DeploymentState } from './state-checks.js';
import type { ManifestCode } from './web.js';

export type { Annotation, CheckRunState, CheckSuiteState, CommitStatusState, DeploymentState, DeploymentStatusState } from './state-checks.js';

/** The server's memory: plain maps of plain records. Git objects live in the bare repositories. */

/** A repository role (GitHub's base roles; see roles.ts for how grants combine). */
export type Permission = 'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none';

export interface User {
  id: number;
  login: string;
  type: 'User' | 'Bot' | 'Organization';
}

/** Classic branch protection, as `PUT /repos/{owner}/{repo}/branches/{branch}/protection` sets it. */
export interface Protection {
  requiredStatusChecks: {
    /** Require the head to contain the base branch tip. */
    strict: boolean;
    /** `appId` null: any source may report the context; a number: only that App's check runs and statuses count. */
    checks: { context: string; appId: number | null }[];
  } | null;
  enforceAdmins: boolean;
  requiredReviews: { count: number; dismissStale: boolean; codeOwners: boolean; lastPushApproval: boolean } | null;
  /** Who may push or merge (organization repositories); null = anyone with write access. */
  restrictions: { users: string[]; teams: string[]; apps: string[] } | null;
  linearHistory: boolean;
  allowForcePushes: boolean;
  allowDeletions: boolean;
  blockCreations: boolean;
  conversationResolution: boolean;
  lockBranch: boolean;
  allowForkSyncing: boolean;
  /** Every commit must carry a verified signature (its own endpoints, not part of PUT). */
  requiredSignatures: boolean;
}

export interface PullState {
  id: number;
  number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  draft: boolean;
  /** `repo`: the fork the head branch lives in, when not the pull request's own repository. */
  head: { ref: string; sha: string; repo?: string };
  base: { ref: string; sha: string };
  user: User;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  mergedAt: string | null;
  mergedBy: User | null;
  mergeCommitSha: string | null;
  maintainerCanModify: boolean;
  requestedReviewers: string[];
  requestedTeams: string[];
  /** The test merge commit for this base/head pair, kept so repeated GETs answer the same (and 304). */
  testMerge?: { base: string; head: string; sha: string };
}

export interface IssueState {
  number: number;
  labels: string[];
}

export interface ReactionState {
  id: number;
  user: User;
  content: string;
  createdAt: string;
}

export interface CommentState {
  id: number;
  issueNumber: number;
  body: string;
  user: User;
  createdAt: string;
  updatedAt: string;
  reactions: ReactionState[];
}

export interface LabelState {
  id: number;
  name: string;
  color: string;
  description: string | null;
  default: boolean;
}

export interface ReviewState {
  id: number;
  pullNumber: number;
  user: User;
  body: string;
  state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED' | 'PENDING';
  commitId: string;
  /** null while PENDING. */
  submittedAt: string | null;
}

export interface RepoState {
  id: number;
  owner: User;
  name: string;
  fullName: string;
  defaultBranch: string;
  private: boolean;
  createdAt: string;
  /** Last time anything was pushed (ref moved); GitHub reports it as `pushed_at`. */
  pushedAt: string;
  permissions: Map<string, Permission>;
  /** Issues and pull requests share one sequence of numbers, as on GitHub. */
  nextNumber: number;
  pulls: Map<number, PullState>;
  issues: Map<number, IssueState>;
  comments: Map<number, CommentState>;
  labels: Map<string, LabelState>;
  reviews: ReviewState[];
  checkRuns: Map<number, CheckRunState>;
  checkSuites: Map<number, CheckSuiteState>;
  statuses: CommitStatusState[];
  deployments: Map<number, DeploymentState>;
  protections: Map<string, Protection>;
  /** Tail of the queue of merges: GitHub merges into a repository one at a time. */
  mergeQueue: Promise<unknown>;
  /** The repository this one was forked from (full name); null for a repository of its own. */
  parent: string | null;
}

/** One person's place in a team: invited people are `pending` until they accept. */
export interface TeamMembershipState {
  role: 'member' | 'maintainer';
  state: 'active' | 'pending';
}

/** One person's place in an organization: owners (`admin`) administer every repository of it. */
export interface OrgMembershipState {
  role: 'admin' | 'member';
  state: 'active' | 'pending';
}

export interface OrgState {
  /** What every member may do on every repository of the organization (GitHub's default: read). */
  basePermission: Permission;
  /** Lower-case login → membership. */
  members: Map<string, OrgMembershipState>;
}

export class State {
  readonly users = new Map<string, User>();
  readonly repos = new Map<string, RepoState>();
  /** Teams by lower-case `org/team-slug`, each mapping lower-case logins to their membership. */
  readonly teams = new Map<string, Map<string, TeamMembershipState>>();
  /** Organizations by lower-case login (created on first membership). */
  readonly orgs = new Map<string, OrgState>();
  /** App-manifest codes waiting to be exchanged (`POST /app-manifests/{code}/conversions`). */
  readonly manifestCodes = new Map<string, ManifestCode>();
  private lastId = 1000;

  /** One sequence for every kind of id keeps ids unique across kinds, which helps when reading logs. */
  nextId(): number {
    this.lastId += 1;
    return this.lastId;
  }

  user(login: string, type: User['type'] = 'User'): User {
    let user = this.users.get(login.toLowerCase());
    if (!user) {
      user = { id: this.nextId(), login, type };
      this.users.set(login.toLowerCase(), user);
    }
    return user;
  }

  org(login: string): OrgState | undefined {
    return this.orgs.get(login.toLowerCase());
  }

  orgMembership(org: string, login: string): OrgMembershipState | undefined {
    return this.org(org)?.members.get(login.toLowerCase());
  }

  /** Makes `login` a member of `org` (an organization from then on). */
  setOrgMembership(org: string, login: string, membership: OrgMembershipState): void {
    let state = this.org(org);
    if (!state) {
      state = { basePermission: 'read', members: new Map() };
      this.orgs.set(org.toLowerCase(), state);
    }
    state.members.set(login.toLowerCase(), membership);
  }

  repo(fullName: string): RepoState | undefined {
    return this.repos.get(fullName.toLowerCase());
  }

  addRepo(owner: User, name: string, defaultBranch: string, isPrivate: boolean, now: string): RepoState {
    const repo: RepoState = {
      id: this.nextId(),
      owner,
      name,
      fullName: `${owner.login}/${name}`,
      defaultBranch,
      private: isPrivate,
      createdAt: now,
      pushedAt: now,
      permissions: new Map([[owner.login.toLowerCase(), 'admin']]),
      nextNumber: 1,
      pulls: new Map(),
      issues: new Map(),
      comments: new Map(),
      labels: new Map(),
      reviews: [],
      checkRuns: new Map(),
      checkSuites: new Map(),
      statuses: [],
      deployments: new Map(),
      protections: new Map(),
      mergeQueue: Promise.resolve(),
      parent: null,
    };
    this.repos.set(repo.fullName.toLowerCase(), repo);
    return repo;
  }

  /** The issue record behind an issue or pull request number (labels live there, as on GitHub). */
  issue(repo: RepoState, number: number): IssueState {
    let issue = repo.issues.get(number);
    if (!issue) {
      issue = { number, labels: [] };
      repo.issues.set(number, issue);
    }
    return issue;
  }
}

/**
 * Runs `work` after every merge queued before it in the repository, so that a
 * merge's checks, ref update and pull request state change happen as one step.
 */
export function serializeMerge<T>(repo: RepoState, work: () => Promise<T>): Promise<T> {
  const result = repo.mergeQueue.then(work, work);
  repo.mergeQueue = result.catch(() => undefined);
  return result;
}
