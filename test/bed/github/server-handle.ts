import type { InstallOptions } from './apps.js';
import type { Installation, Permissions } from './auth/tokens.js';
import type { ContractViolation } from './contract/checker.js';
import type { Faults } from './faults.js';
import type { RequestLog } from './requests.js';
import type { SeedCommit, SeedFile, SeedMany } from './seed.js';
import type { OrgMembershipState, Permission, TeamMembershipState } from './state.js';
import type { Delivery, DeliveryResult, SendOptions } from './webhooks/deliver.js';
import type { PayloadBuilders } from './webhooks/builders.js';

/** What a test holds of a running GitHub server (see docs/testing-github.md). */
export interface CreateRepoOptions {
  defaultBranch?: string;
  private?: boolean;
  /** Install the App on the owner (all repositories) unless it already is. Default true. */
  install?: boolean;
  /** Commit a README to the default branch, like "Initialize this repository". Default true. */
  autoInit?: boolean;
  ownerType?: 'Organization' | 'User';
}

export interface GitHubServer {
  /** Base URL for Octokit's `baseUrl` and Probot's `baseUrl`. */
  readonly url: string;
  /**
   * Stops the server and removes its repositories; then fails (rejects) when any answer or
   * webhook broke GitHub's OpenAPI description, unless the server was started with
   * `contract: { allowViolations: 'why' }`.
   */
  stop(): Promise<void>;
  createRepo(fullName: string, options?: CreateRepoOptions): Promise<{ id: number; fullName: string; path: string }>;
  /** The bare repository on disk (`git clone <path>` shows exactly what the API wrote). */
  repoPath(fullName: string): string;
  readonly app: { id: number; slug: string; clientId: string; privateKey: string; webhookSecret: string };
  /** The key GitHub's own commits are signed with (`ssh-ed25519 …`), for `git verify-commit`. */
  readonly webFlowPublicKey: string;
  readonly installations: {
    /** Installs an App (the first unless `appId`) on an account: all its repositories, or `repositories`. */
    install(owner: string, options?: InstallOptions): number;
    uninstall(id: number): void;
    /** The installation id of the App (the first unless `appId`) covering a repository. */
    idFor(fullName: string, appId?: number): number;
    list(): Installation[];
  };
  /** A repository role for a person: read, triage, write, maintain or admin ('none' takes it away). */
  setPermission(fullName: string, login: string, level: Permission): void;
  /** Organization membership: `admin` is an owner (admin on every repository); members get the base permission. */
  addOrgMember(org: string, login: string, membership?: Partial<OrgMembershipState>): void;
  /** What every member of `org` may do on its repositories (GitHub's default: read). */
  setOrgBasePermission(org: string, level: Permission): void;
  /** Puts a user in `org/team-slug` (the team exists from then on); `state: 'pending'` for an unaccepted invitation. */
  addTeamMember(team: string, login: string, membership?: Partial<TeamMembershipState>): void;
  removeTeamMember(team: string, login: string): void;
  /** A personal access token acting as a test user (reviews, comments, merges by people). */
  userToken(login: string): string;
  /** github.com pages (App-manifest flow, installation page) act as this user; default `octocat`. */
  readonly web: { signedInAs: string };
  /**
   * Every registered App: the first (Ladder's) and those made through the App-manifest flow, with
   * their credentials, as a test that drives that flow needs them.
   */
  readonly apps: () => { id: number; slug: string; clientId: string; privateKey: string; webhookSecret: string; webhookUrl: string | undefined }[];
  /** Registers another App (a CI system, a second Ladder) as its owner would in GitHub's settings. */
  registerApp(spec: { slug: string; events: string[]; permissions: Permissions; webhookUrl?: string; owner?: string }): Promise<{ id: number; slug: string; privateKey: string; webhookSecret: string }>;
  readonly faults: Faults;
  readonly requests: RequestLog;
  /** Requests charged to `installation:<id>` / `user:<login>` in the current rate-limit window. */
  rateLimitUsed(key: string): number;
  readonly contract: { readonly violations: ContractViolation[]; assertClean(): void };
  readonly webhooks: {
    /** Target for events the server raises itself; set it to the App's webhook URL. */
    url: string | undefined;
    readonly deliveries: Delivery[];
    readonly emitted: { event: string; action: string | undefined; payload: object }[];
    /** Waits until every raised event has been delivered (duplicates included). */
    settled(): Promise<void>;
    /** The seed of the delivery order (`LADDER_BED_SEED` replays a process's), or `in-order`. */
    readonly seed: string;
    /** No duplicate deliveries until the returned function is called (a test counting work per delivery); say why. */
    withoutDuplicates(reason: string): () => void;
  };
  sendWebhook(url: string, event: string, payload: object, options?: SendOptions): Promise<DeliveryResult>;
  redeliver(deliveryId: string): Promise<DeliveryResult>;
  readonly payloads: PayloadBuilders;
  readonly seed: {
    /** `null` deletes a path; `{ symlink: target }` commits a symbolic link (mode 120000), as `git push` of one does. */
    commitFiles(fullName: string, branch: string, files: Record<string, SeedFile>, options?: SeedCommit): Promise<string>;
    /** `count` commits in a line, pushed at once (fast: one git process); returns the tip. */
    commitMany(fullName: string, branch: string, count: number, options?: SeedMany): Promise<string>;
    setBranch(fullName: string, branch: string, target: string): Promise<string>;
    /** A file's bytes at a ref, read from git (not through the API). */
    readFile(fullName: string, ref: string, path: string): Promise<Buffer | null>;
  };
}
