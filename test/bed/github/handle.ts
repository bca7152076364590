import type { Installation, Permissions } from './auth/tokens.js';
import { installApp, registerApp, type InstallOptions } from './apps.js';
import { generateAppKeys } from './auth/jwt.js';

export type { InstallOptions } from './apps.js';
import { iso, type Bed } from './bed.js';
import type { ContractViolation } from './contract/checker.js';
import type { Faults } from './faults.js';
import type { RequestLog } from './requests.js';
import type { RateLimits } from './ratelimit.js';
import { commitFiles, commitMany, setBranch, type SeedCommit, type SeedMany } from './seed.js';
import type { OrgMembershipState, Permission, RepoState, TeamMembershipState } from './state.js';
import type { Delivery, DeliveryResult, SendOptions, WebhookSender } from './webhooks/deliver.js';
import { buildPayloads, type PayloadBuilders } from './webhooks/builders.js';

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
    commitFiles(fullName: string, branch: string, files: Record<string, string | Buffer | null>, options?: SeedCommit): Promise<string>;
    /** `count` commits in a line, pushed at once (fast: one git process); returns the tip. */
    commitMany(fullName: string, branch: string, count: number, options?: SeedMany): Promise<string>;
    setBranch(fullName: string, branch: string, target: string): Promise<string>;
    /** A file's bytes at a ref, read from git (not through the API). */
    readFile(fullName: string, ref: string, path: string): Promise<Buffer | null>;
  };
}

interface Parts {
  bed: Bed;
  pipeline: { faults: Faults; requests: RequestLog; rateLimits: RateLimits; violations: ContractViolation[]; web: { signedInAs: string } };
  webhooks: WebhookSender;
  flush(): void;
  stop(): Promise<void>;
}

/** The contract check's failure: every answer or webhook outside GitHub's description, and the delivery seed. */
export function contractFailure(violations: readonly ContractViolation[], seed: string): Error | undefined {
  if (violations.length === 0) return undefined;
  const lines = violations.map((v) => `${v.subject}${v.status ? ` ${v.status}` : ''}: ${v.errors.join('; ')}`);
  return new Error(`responses or webhooks that GitHub's OpenAPI description does not allow (delivery seed ${seed}):\n${lines.join('\n')}`);
}

export function createHandle(parts: Parts): GitHubServer {
  const { bed, pipeline, webhooks, flush } = parts;
  const { state, tokens, git } = bed;
  const appById = (id: number | undefined) => {
    const app = id === undefined ? bed.app : bed.apps.get(id);
    if (!app) throw new Error(`no App ${id} on the test server`);
    return app;
  };
  const repoOf = (fullName: string): RepoState => {
    const repo = state.repo(fullName);
    if (!repo) throw new Error(`no repository ${fullName} on the test server`);
    return repo;
  };
  const install = (owner: string, options: InstallOptions = {}) => installApp(bed, owner, options);
  // Seeding acts like a developer pushing; events it raises go out like any other.
  const seeded = async <T>(work: Promise<T>): Promise<T> => {
    const result = await work;
    flush();
    return result;
  };

  return {
    url: bed.urls.base,
    stop: parts.stop,
    async createRepo(fullName, options = {}) {
      const [ownerLogin, name] = fullName.split('/');
      if (!ownerLogin || !name) throw new Error(`repository names look like owner/name, not ${fullName}`);
      if (state.repo(fullName)) throw new Error(`${fullName} already exists`);
      const owner = state.user(ownerLogin, options.ownerType ?? 'Organization');
      const defaultBranch = options.defaultBranch ?? 'main';
      const repo = state.addRepo(owner, name, defaultBranch, options.private ?? true, iso(bed.now()));
      await git.init(repo.fullName, defaultBranch);
      if ((options.install ?? true) && !tokens.installationFor(repo, bed.app.id)) install(owner.login);
      if (options.autoInit ?? true) {
        await commitFiles(bed, repo, defaultBranch, { 'README.md': `# ${name}\n` }, {
          message: 'Initial commit',
          pusher: owner,
          silent: true,
        });
      }
      return { id: repo.id, fullName: repo.fullName, path: git.path(repo.fullName) };
    },
    repoPath: (fullName) => git.path(repoOf(fullName).fullName),
    webFlowPublicKey: bed.webFlow.publicKey,
    app: {
      id: bed.app.id,
      slug: bed.app.slug,
      clientId: bed.app.clientId,
      privateKey: bed.app.privateKey,
      webhookSecret: bed.app.webhookSecret,
    },
    installations: {
      install,
      uninstall: (id) => void tokens.installations.delete(id),
      idFor(fullName, appId) {
        const installation = tokens.installationFor(repoOf(fullName), appById(appId).id);
        if (!installation) throw new Error(`the App is not installed on ${fullName}`);
        return installation.id;
      },
      list: () => [...tokens.installations.values()],
    },
    setPermission(fullName, login, level) {
      state.user(login);
      repoOf(fullName).permissions.set(login.toLowerCase(), level);
    },
    addOrgMember(org, login, membership = {}) {
      state.user(org, 'Organization');
      state.user(login);
      state.setOrgMembership(org, login, { role: membership.role ?? 'member', state: membership.state ?? 'active' });
    },
    setOrgBasePermission(org, level) {
      state.user(org, 'Organization');
      if (!state.org(org)) state.orgs.set(org.toLowerCase(), { basePermission: level, members: new Map() });
      state.org(org)!.basePermission = level;
    },
    addTeamMember(team, login, membership = {}) {
      if (!/^[^/]+\/[^/]+$/.test(team)) throw new Error(`teams are named org/team-slug, not ${team}`);
      state.user(login);
      const members = state.teams.get(team.toLowerCase()) ?? new Map<string, TeamMembershipState>();
      members.set(login.toLowerCase(), { role: membership.role ?? 'member', state: membership.state ?? 'active' });
      state.teams.set(team.toLowerCase(), members);
      // Only members of an organization can be in its teams; an invitation to a team invites to the organization.
      const org = team.slice(0, team.indexOf('/'));
      if (state.orgMembership(org, login)?.state !== 'active') {
        state.setOrgMembership(org, login, { role: 'member', state: membership.state ?? 'active' });
      }
    },
    removeTeamMember: (team, login) => void state.teams.get(team.toLowerCase())?.delete(login.toLowerCase()),
    userToken: (login) => tokens.issueUserToken(state.user(login)),
    web: pipeline.web,
    apps: () => [...bed.apps.values()].map((a) => ({ id: a.id, slug: a.slug, clientId: a.clientId, privateKey: a.privateKey, webhookSecret: a.webhookSecret, webhookUrl: a.webhookUrl })),
    async registerApp(spec) {
      const app = registerApp(state, bed.apps, {
        id: state.nextId(),
        slug: spec.slug,
        owner: state.user(spec.owner ?? 'ladder-dev', 'Organization'),
        keys: await generateAppKeys({ fresh: true }),
        events: spec.events,
        permissions: { metadata: 'read', ...spec.permissions },
        externalUrl: `https://${spec.slug}.example.com`,
        createdAt: iso(bed.now()),
        ...(spec.webhookUrl ? { webhookUrl: spec.webhookUrl } : {}),
      });
      return { id: app.id, slug: app.slug, privateKey: app.privateKey, webhookSecret: app.webhookSecret };
    },
    faults: pipeline.faults,
    requests: pipeline.requests,
    rateLimitUsed: (key) => pipeline.rateLimits.used(key),
    contract: {
      violations: pipeline.violations,
      assertClean() {
        const failure = contractFailure(pipeline.violations, webhooks.seed);
        if (failure) throw failure;
      },
    },
    webhooks: {
      get url() {
        return bed.app.webhookUrl;
      },
      set url(value) {
        bed.app.webhookUrl = value;
      },
      deliveries: webhooks.deliveries,
      emitted: webhooks.emitted,
      settled: () => webhooks.settled(),
      seed: webhooks.seed,
      withoutDuplicates: (reason) => webhooks.withoutDuplicates(reason),
    },
    sendWebhook: (url, event, payload, options) => webhooks.send(url, event, payload, options),
    redeliver: (deliveryId) => webhooks.redeliver(deliveryId),
    payloads: buildPayloads(bed, repoOf),
    seed: {
      commitFiles: (fullName, branch, files, options = {}) =>
        seeded(commitFiles(bed, repoOf(fullName), branch, files, { ...options, pusher: repoOf(fullName).owner })),
      commitMany: (fullName, branch, count, options = {}) =>
        seeded(commitMany(bed, repoOf(fullName), branch, count, { ...options, pusher: repoOf(fullName).owner })),
      setBranch: (fullName, branch, target) => seeded(setBranch(bed, repoOf(fullName), branch, target, repoOf(fullName).owner)),
      async readFile(fullName, ref, path) {
        const entry = await git.entryAt(repoOf(fullName).fullName, ref, path);
        return entry?.type === 'blob' ? git.readBlob(repoOf(fullName).fullName, entry.sha) : null;
      },
    },
  };
}
