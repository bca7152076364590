import { readFile } from 'node:fs/promises';
import { readConfigYaml } from '../../core/config/read-yaml.js';
import { locateProblem, formatProblem, compareProblems, type ConfigProblem } from '../../core/config/problem.js';
import { problemsFromIssues } from '../../core/config/zod-problems.js';
import { LadderInputError, formatKeyPath } from '../../core/errors.js';
import { agentConfigSchema, type AgentConfig } from './config-schema.js';

export { agentConfigSchema, type AgentConfig } from './config-schema.js';

type Kind = 'string' | 'list' | 'integer' | 'boolean';

/** Environment variables, the key each sets, and how its text is read. Env overrides the file. */
export const agentEnvironmentVariables: ReadonlyArray<{ name: string; path: readonly string[]; kind: Kind; secret?: boolean }> = [
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

/** Every problem of an agent config, each naming file:line:column key or the variable. */
export class AgentConfigError extends LadderInputError {
  constructor(
    readonly problems: string[],
    file: string,
  ) {
    super(`the agent configuration has ${problems.length === 1 ? 'a problem' : `${problems.length} problems`}:\n  ${problems.join('\n  ')}`, { file });
  }
}

/**
 * Reads the agent's config file (when given) and applies the LADDER_*
 * environment variables over it, then validates the result. Secrets are
 * never part of an error message, whichever door they came through.
 */
export async function loadAgentConfig(file: string | undefined, env: Readonly<Record<string, string | undefined>>): Promise<AgentConfig> {
  let text = '';
  if (file !== undefined) {
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      throw new AgentConfigError([`${file}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? 'error'})`], file);
    }
  }
  return parseAgentConfig(text, file ?? '<environment>', env);
}

export function parseAgentConfig(text: string, file: string, env: Readonly<Record<string, string | undefined>>): AgentConfig {
  let value: Record<string, unknown> = {};
  let locate: ((path: readonly (string | number)[], anchor?: 'key' | 'value') => { line: number; column: number }) | undefined;
  if (text.trim() !== '') {
    const read = readConfigYaml(text);
    if (!read.ok) throw new AgentConfigError(read.problems.sort(compareProblems).map((p) => formatProblem(file, p)), file);
    value = read.value;
    locate = read.locate;
  }
  const fromEnv = new Map<string, string>();
  const envProblems: string[] = [];
  for (const variable of agentEnvironmentVariables) {
    const raw = env[variable.name];
    if (raw === undefined || raw === '') continue;
    const parsed = readVariable(raw, variable.kind);
    if (parsed === undefined) {
      envProblems.push(`${variable.name}: must be ${describeKind(variable.kind)}${variable.secret ? ' (value not shown)' : `, not '${raw}'`}`);
      continue;
    }
    setAt(value, variable.path, parsed);
    fromEnv.set(variable.path.join('.'), variable.name);
  }
  if (envProblems.length > 0) throw new AgentConfigError(envProblems, file);

  const result = agentConfigSchema.safeParse(value);
  if (result.success) return result.data;
  const problems = problemsFromIssues(result.error.issues, value, agentConfigSchema).map((found) => {
    const problem = /received undefined$/.test(found.message) ? { ...found, message: 'is required' } : found;
    const variable = variableFor(problem.path, fromEnv);
    if (variable) return `${variable}: ${problem.message}`;
    if (locate && problemInFile(value, problem.path)) return formatProblem(file, locateProblem(problem, locate) as ConfigProblem);
    const key = formatKeyPath(problem.path);
    const hint = hintFor(problem.path);
    return `${file}${key ? ` (${key})` : ''}: ${problem.message}${hint}`;
  });
  throw new AgentConfigError(problems, file);
}

function readVariable(raw: string, kind: Kind): unknown {
  const text = raw.trim();
  switch (kind) {
    case 'string':
      return text;
    case 'list':
      return text.split(',').map((part) => part.trim()).filter((part) => part !== '');
    case 'integer':
      return /^\d+$/.test(text) ? Number(text) : undefined;
    case 'boolean':
      if (/^(true|yes|on|1)$/i.test(text)) return true;
      if (/^(false|no|off|0)$/i.test(text)) return false;
      return undefined;
  }
}

function describeKind(kind: Kind): string {
  return { string: 'text', list: 'a comma-separated list', integer: 'a whole number', boolean: 'true or false' }[kind];
}

function setAt(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const part of path.slice(0, -1)) {
    const next = node[part];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[path[path.length - 1]!] = value;
}

/** The variable that set this key or one of its parents' keys, when a variable did. */
function variableFor(path: readonly (string | number)[], fromEnv: Map<string, string>): string | undefined {
  for (let length = path.length; length > 0; length--) {
    const found = fromEnv.get(path.slice(0, length).join('.'));
    if (found) return found;
  }
  return undefined;
}

/** Whether the file wrote (part of) this path; a key missing everywhere is named with the variable that could set it. */
function problemInFile(value: Record<string, unknown>, path: readonly (string | number)[]): boolean {
  return path.length > 0 && typeof value[String(path[0])] !== 'undefined';
}

function hintFor(path: readonly (string | number)[]): string {
  const joined = path.join('.');
  const variables = agentEnvironmentVariables.filter((v) => v.path.join('.') === joined).map((v) => v.name);
  return variables.length > 0 ? `; set it in the file or with ${variables.join(' / ')}` : '';
}

/** The identity this replica writes into the Lease: the pod name when Kubernetes gives one. */
export function agentIdentity(env: Readonly<Record<string, string | undefined>>, fallback: string): string {
  return env.LADDER_POD_NAME ?? env.POD_NAME ?? env.HOSTNAME ?? fallback;
}
