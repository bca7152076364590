import { installApp, registerApp, type InstallOptions } from './apps.js';
import { generateAppKeys } from './auth/jwt.js';
import type { GitHubServer } from './server-handle.js';

export type { InstallOptions } from './apps.js';
export type { CreateRepoOptions, GitHubServer } from './server-handle.js';
import { iso, type Bed } from './bed.js';
import type { ContractViolation } from './contract/checker.js';
import type { Faults } from './faults.js';
import type { RequestLog } from './requests.js';
import type { RateLimits } from './ratelimit.js';
import { commitFiles, commitMany, setBranch } from './seed.js';
import type { RepoState, TeamMembershipState } from './state.js';
import type { WebhookSender } from './webhooks/deliver.js';
import { buildPayloads } from './webhooks/builders.js';

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
