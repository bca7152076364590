import { z } from 'zod';

const name = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a Kubernetes name (lower-case letters, digits and -)').max(63);
const seconds = (min: number, max: number) => z.number().int('must be a whole number of seconds').min(min).max(max);

/**
 * Secrets are checked for shape only, with messages that never echo the
 * value: a webhook URL carries its credential in the path.
 */
const secretUrl = z.string().refine((value) => /^https?:\/\/[^\s/]+\/\S*$/.test(value), { message: 'must be an http(s) URL (value not shown)' });
const secretText = z.string().min(1, 'must not be empty (value not shown)').refine((value) => !/\s/.test(value), { message: 'must not contain spaces or line breaks (value not shown)' });

const github = z
  .strictObject({
    apiUrl: z.string().url('must be a URL such as https://api.github.com').default('https://api.github.com'),
    appId: z.number().int().positive().optional(),
    installationId: z.number().int().positive().optional(),
    privateKeyPath: z.string().min(1).optional(),
    token: secretText.optional(),
    tokenPath: z.string().min(1).optional(),
    /** The Ladder App's URL: the agent asks it for a token to its repository, proving itself with its service-account token. */
    appUrl: z.string().url('must be the Ladder App\'s URL, e.g. https://ladder.example.com').optional(),
    /** The projected service-account token (audience `ladder`) the agent proves itself with; /var/run/secrets/ladder/identity/token when absent. */
    identityTokenPath: z.string().min(1).optional(),
  })
  .default({ apiUrl: 'https://api.github.com' })
  .superRefine((value, context) => {
    const app = value.appId !== undefined || value.installationId !== undefined || value.privateKeyPath !== undefined;
    const token = value.token !== undefined || value.tokenPath !== undefined;
    const vended = value.appUrl !== undefined;
    if (app && token) {
      context.addIssue({ code: 'custom', message: 'use either the GitHub App (appId, installationId, privateKeyPath) or a token, not both' });
    } else if (vended && (app || token)) {
      context.addIssue({ code: 'custom', message: 'use one way to GitHub: appUrl (tokens from the Ladder App), the GitHub App (appId, installationId, privateKeyPath) or a token' });
    } else if (vended) {
      // The Ladder App hands out the token.
    } else if (app) {
      for (const key of ['appId', 'installationId', 'privateKeyPath'] as const) {
        if (value[key] === undefined) context.addIssue({ code: 'custom', path: [key], message: `is required with a GitHub App (appId, installationId, privateKeyPath)` });
      }
    } else if (!token) {
      context.addIssue({ code: 'custom', message: 'needs credentials: appUrl (tokens from the Ladder App), appId + installationId + privateKeyPath for the GitHub App, or token / tokenPath' });
    }
    if (value.token !== undefined && value.tokenPath !== undefined) context.addIssue({ code: 'custom', path: ['token'], message: 'give token or tokenPath, not both' });
  });

const slack = z
  .strictObject({
    webhookUrl: secretUrl.optional(),
    token: secretText.optional(),
    channel: z.string().min(1).optional(),
    apiUrl: z.string().url('must be a URL such as https://slack.com/api/').optional(),
    /** A drift incident still open gets a reply saying how long it has lasted, every this many minutes (0: never). */
    reminderMinutes: z.number().int().min(0).default(240),
  })
  .superRefine((value, context) => {
    if (value.webhookUrl !== undefined && value.token !== undefined) {
      context.addIssue({ code: 'custom', message: 'use either webhookUrl or token + channel, not both' });
    } else if (value.token !== undefined && value.channel === undefined) {
      context.addIssue({ code: 'custom', path: ['channel'], message: 'is required with a bot token' });
    } else if (value.webhookUrl === undefined && value.token === undefined) {
      context.addIssue({ code: 'custom', message: 'needs webhookUrl, or token + channel' });
    }
  });

/** Narrows the cluster-scoped grant of .ladder/services.yml for this agent; it can never widen it. */
const clusterScoped = z.array(
  z.strictObject({
    kind: z.string().regex(/^[A-Z][A-Za-z0-9]*$/, 'must be a Kubernetes kind such as ClusterRole'),
    names: z.array(z.string().min(1)).min(1),
  }),
);

/** Requests of an apply in flight at once, unless `apply.concurrency` says otherwise (bench/agent reads it too). */
export const DEFAULT_APPLY_CONCURRENCY = 16;

export const agentConfigSchema = z.strictObject({
  /** Manifest repository, `owner/name`. */
  repository: z.string().regex(/^[\w.-]+\/[\w.-]+$/, 'must be owner/name'),
  /** Environment name: the GitHub Deployment's environment. */
  environment: z.string().min(1).max(255),
  /** Environment branch; defaults to the environment name, as Ladder's config does. */
  branch: z.string().min(1).optional(),
  /** Folder in the branch that holds the manifests; '' or '.' for the whole branch. */
  path: z.string().default(''),
  /** Namespaces Ladder may write to; objects elsewhere are refused before anything is applied. */
  namespaces: z.array(name).min(1, 'needs at least one namespace'),
  /** Where the Lease and the inventory live (the agent's own namespace). */
  agentNamespace: name.default('ladder-system'),
  /** Whether production_environment is set on GitHub Deployments; defaults to environment === 'prd'. */
  production: z.boolean().optional(),
  selfHeal: z.boolean().default(false),
  /**
   * Apply only commits whose `ladder/image` status (set by the App's image gate) is success.
   * Off by default, so setups without the image gate keep working; deploy/'s overlays turn it on.
   */
  waitForImage: z.boolean().default(false),
  github,
  /** Cluster-scoped objects this agent applies, within what .ladder/services.yml grants the environment; all of the grant when absent. */
  clusterScoped: clusterScoped.optional(),
  slack: slack.optional(),
  intervals: z
    .strictObject({
      pollSeconds: seconds(1, 3600).default(10),
      healthTimeoutSeconds: seconds(1, 3600).default(300),
      resyncSeconds: seconds(10, 86400).default(600),
    })
    .default({ pollSeconds: 10, healthTimeoutSeconds: 300, resyncSeconds: 600 }),
  prune: z
    .strictObject({
      enabled: z.boolean().default(true),
      maxDeletions: z.number().int().min(0).default(20),
      /** Overrides: allow emptying the branch, allow more deletions than maxDeletions. */
      allowEmpty: z.boolean().default(false),
      allowOverLimit: z.boolean().default(false),
      /** Delete Namespaces that left Git; off because that deletes every object in them, ours or not. */
      namespaces: z.boolean().default(false),
      customResourceDefinitions: z.boolean().default(false),
    })
    .default({ enabled: true, maxDeletions: 20, allowEmpty: false, allowOverLimit: false, namespaces: false, customResourceDefinitions: false }),
  apply: z
    .strictObject({
      /**
       * Requests of the apply in flight at once. 16 rather than 8: the API server, etcd and the agent
       * each spent about 10–25% less CPU per request with twice as many in flight (docs/performance.md).
       */
      concurrency: z.number().int().min(1).max(64).default(DEFAULT_APPLY_CONCURRENCY),
      /** Take fields from other managers instead of reporting a conflict. */
      forceConflicts: z.boolean().default(false),
    })
    .default({ concurrency: DEFAULT_APPLY_CONCURRENCY, forceConflicts: false }),
  /**
   * SOPS-encrypted files of the branch (docs/secrets.md): the Secret in agentNamespace
   * that holds the environment's age identities, read only when a commit holds such a file.
   */
  sops: z
    .strictObject({
      keySecret: name.default('ladder-sops-age'),
      keySecretKey: z.string().regex(/^[-._a-zA-Z0-9]+$/, 'must be a Secret key (letters, digits, -, _ and .)').default('keys.txt'),
      binary: z.string().min(1).default('sops'),
      timeoutSeconds: seconds(1, 300).default(30),
    })
    .default({ keySecret: 'ladder-sops-age', keySecretKey: 'keys.txt', binary: 'sops', timeoutSeconds: 30 }),
  kubernetes: z
    .strictObject({
      /**
       * client-go's QPS and burst for every request to the API server: at most `qps` a second after a burst of `burst`.
       * The burst covers a full apply of 5,000 objects above the rate (10,000 requests at the server's 1,200 a second):
       * with 2,000 it ran out before the end and held the apply 0.6 s longer (docs/performance.md).
       */
      qps: z.number().positive().max(100_000).default(1000),
      burst: z.number().int().min(1).max(100_000).default(4000),
      /** HTTP/2 to the API server (one connection for everything); false for HTTP/1.1 keep-alive connections. */
      http2: z.boolean().default(true),
    })
    .default({ qps: 1000, burst: 4000, http2: true }),
  leaderElection: z
    .strictObject({
      leaseName: name.optional(),
      leaseDurationSeconds: seconds(2, 600).default(15),
      renewDeadlineSeconds: seconds(1, 600).default(10),
      retryPeriodSeconds: seconds(1, 600).default(2),
    })
    .default({ leaseDurationSeconds: 15, renewDeadlineSeconds: 10, retryPeriodSeconds: 2 })
    .refine((value) => value.renewDeadlineSeconds < value.leaseDurationSeconds, {
      message: 'renewDeadlineSeconds must be shorter than leaseDurationSeconds',
    })
    // The leader must renew within renewDeadline of its last renewal; retrying only every retryPeriod, it needs room for at least one retry.
    .refine((value) => value.retryPeriodSeconds < value.renewDeadlineSeconds, {
      message: 'retryPeriodSeconds must be shorter than renewDeadlineSeconds',
    }),
  server: z
    .strictObject({
      host: z.string().min(1).default('0.0.0.0'),
      port: z.number().int().min(0).max(65535).default(8080),
    })
    .default({ host: '0.0.0.0', port: 8080 }),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
});

export type AgentConfig = z.infer<typeof agentConfigSchema>;
