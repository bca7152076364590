/**
 * The agent's environment variables: a table of its own, without the config
 * parser, so `ladder --help` and the other commands can list them without
 * loading zod and yaml (most of the CLI's start-up when they were loaded).
 */
export type VariableKind = 'string' | 'list' | 'integer' | 'boolean';

/** Environment variables, the key each sets, and how its text is read. Env overrides the file. */
export const agentEnvironmentVariables: ReadonlyArray<{ name: string; path: readonly string[]; kind: VariableKind; secret?: boolean }> = [
  { name: 'LADDER_REPOSITORY', path: ['repository'], kind: 'string' },
  { name: 'LADDER_ENVIRONMENT', path: ['environment'], kind: 'string' },
  { name: 'LADDER_BRANCH', path: ['branch'], kind: 'string' },
  { name: 'LADDER_PATH', path: ['path'], kind: 'string' },
  { name: 'LADDER_NAMESPACE', path: ['namespaces'], kind: 'list' },
  { name: 'LADDER_NAMESPACES', path: ['namespaces'], kind: 'list' },
  { name: 'LADDER_AGENT_NAMESPACE', path: ['agentNamespace'], kind: 'string' },
  { name: 'LADDER_PRODUCTION', path: ['production'], kind: 'boolean' },
  { name: 'LADDER_SELF_HEAL', path: ['selfHeal'], kind: 'boolean' },
  { name: 'LADDER_WAIT_FOR_IMAGE', path: ['waitForImage'], kind: 'boolean' },
  { name: 'LADDER_GITHUB_API_URL', path: ['github', 'apiUrl'], kind: 'string' },
  { name: 'LADDER_GITHUB_APP_ID', path: ['github', 'appId'], kind: 'integer' },
  { name: 'LADDER_GITHUB_INSTALLATION_ID', path: ['github', 'installationId'], kind: 'integer' },
  { name: 'LADDER_GITHUB_PRIVATE_KEY_PATH', path: ['github', 'privateKeyPath'], kind: 'string' },
  { name: 'LADDER_GITHUB_TOKEN', path: ['github', 'token'], kind: 'string', secret: true },
  { name: 'LADDER_GITHUB_TOKEN_PATH', path: ['github', 'tokenPath'], kind: 'string' },
  { name: 'LADDER_GITHUB_APP_URL', path: ['github', 'appUrl'], kind: 'string' },
  { name: 'LADDER_GITHUB_IDENTITY_TOKEN_PATH', path: ['github', 'identityTokenPath'], kind: 'string' },
  { name: 'LADDER_SLACK_WEBHOOK_URL', path: ['slack', 'webhookUrl'], kind: 'string', secret: true },
  { name: 'LADDER_SLACK_TOKEN', path: ['slack', 'token'], kind: 'string', secret: true },
  { name: 'LADDER_SLACK_CHANNEL', path: ['slack', 'channel'], kind: 'string' },
  { name: 'LADDER_SLACK_API_URL', path: ['slack', 'apiUrl'], kind: 'string' },
  { name: 'LADDER_SLACK_REMINDER_MINUTES', path: ['slack', 'reminderMinutes'], kind: 'integer' },
  { name: 'LADDER_POLL_INTERVAL_SECONDS', path: ['intervals', 'pollSeconds'], kind: 'integer' },
  { name: 'LADDER_HEALTH_TIMEOUT_SECONDS', path: ['intervals', 'healthTimeoutSeconds'], kind: 'integer' },
  { name: 'LADDER_RESYNC_SECONDS', path: ['intervals', 'resyncSeconds'], kind: 'integer' },
  { name: 'LADDER_PRUNE', path: ['prune', 'enabled'], kind: 'boolean' },
  { name: 'LADDER_PRUNE_MAX_DELETIONS', path: ['prune', 'maxDeletions'], kind: 'integer' },
  { name: 'LADDER_PRUNE_ALLOW_EMPTY', path: ['prune', 'allowEmpty'], kind: 'boolean' },
  { name: 'LADDER_PRUNE_ALLOW_OVER_LIMIT', path: ['prune', 'allowOverLimit'], kind: 'boolean' },
  { name: 'LADDER_PRUNE_NAMESPACES', path: ['prune', 'namespaces'], kind: 'boolean' },
  { name: 'LADDER_PRUNE_CRDS', path: ['prune', 'customResourceDefinitions'], kind: 'boolean' },
  { name: 'LADDER_APPLY_CONCURRENCY', path: ['apply', 'concurrency'], kind: 'integer' },
  { name: 'LADDER_FORCE_CONFLICTS', path: ['apply', 'forceConflicts'], kind: 'boolean' },
  { name: 'LADDER_KUBE_QPS', path: ['kubernetes', 'qps'], kind: 'integer' },
  { name: 'LADDER_KUBE_BURST', path: ['kubernetes', 'burst'], kind: 'integer' },
  { name: 'LADDER_KUBE_HTTP2', path: ['kubernetes', 'http2'], kind: 'boolean' },
  { name: 'LADDER_LEASE_NAME', path: ['leaderElection', 'leaseName'], kind: 'string' },
  { name: 'LADDER_HOST', path: ['server', 'host'], kind: 'string' },
  { name: 'LADDER_PORT', path: ['server', 'port'], kind: 'integer' },
  { name: 'LADDER_LOG_LEVEL', path: ['logLevel'], kind: 'string' },
];
