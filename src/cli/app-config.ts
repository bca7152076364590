import { createPrivateKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { registriesFromEnv } from './registries-env.js';
import type { AppServerConfig } from '../app/serve.js';

/** The variables `ladder app` reads: Probot's names, so a `probot run` setup carries over. */
export const appEnvironmentVariables: ReadonlyArray<{ name: string; meaning: string; secret?: boolean }> = [
  { name: 'APP_ID', meaning: "the GitHub App's id (required)" },
  { name: 'PRIVATE_KEY_PATH', meaning: "file with the App's private key (.pem)" },
  { name: 'PRIVATE_KEY', meaning: 'or the key itself; \\n escapes are read as newlines', secret: true },
  { name: 'WEBHOOK_SECRET', meaning: "the App's webhook secret (required)", secret: true },
  { name: 'WEBHOOK_PATH', meaning: 'webhook endpoint (default /api/github/webhooks)' },
  { name: 'HOST', meaning: 'address to listen on (default 0.0.0.0; the setup page: localhost)' },
  { name: 'PORT', meaning: 'port (default 3000)' },
  { name: 'GHE_HOST', meaning: 'GitHub Enterprise Server host; the API is https://<host>/api/v3' },
  { name: 'GHE_PROTOCOL', meaning: 'http or https for GHE_HOST (default https)' },
  { name: 'LADDER_GITHUB_API_URL', meaning: "the REST API's URL itself; wins over GHE_HOST" },
  { name: 'LOG_LEVEL', meaning: 'trace, debug, info (default), warn, error or fatal' },
  { name: 'LOG_FORMAT', meaning: 'json (the default with NODE_ENV=production) or pretty (the default otherwise)' },
  { name: 'NODE_ENV', meaning: 'production: never the setup page, never .env, JSON logs' },
  { name: 'WEBHOOK_PROXY_URL', meaning: 'a webhook proxy channel (smee.io) to receive deliveries from' },
  { name: 'LADDER_WEBHOOK_URL', meaning: 'the setup page registers the App with this webhook URL' },
  { name: 'GH_ORG', meaning: 'the setup page registers the App on this organization' },
  { name: 'LADDER_IMAGE_GATE', meaning: 'on: promotions wait (ladder/image) until their image is in its registry; off (default)' },
  { name: 'LADDER_REGISTRY_AUTH_FILE', meaning: 'docker config (.dockerconfigjson) with the registries\' pull credentials' },
  { name: 'LADDER_REGISTRY_PLAIN_HTTP', meaning: 'comma-separated registry hosts reached over plain HTTP (others: HTTPS)' },
  { name: 'LADDER_IMAGE_RECHECK_SECONDS', meaning: 'while an image is missing, seconds between registry checks (default 60)' },
];

export type LogFormat = 'json' | 'pretty';

export interface AppCommandConfig extends AppServerConfig {
  logLevel: string;
  logFormat: LogFormat;
  /** A webhook proxy channel to forward deliveries from (development). */
  webhookProxyUrl?: string;
}

/**
 * Secrets everyone knows: Probot signs and accepts webhooks with 'development'
 * when WEBHOOK_SECRET is unset, and GitHub's documentation signs its example
 * with the other. A webhook signed with one proves nothing.
 */
export const KNOWN_WEBHOOK_SECRETS: ReadonlyMap<string, string> = new Map([
  ['development', "Probot's public default"],
  ["It's a Secret to Everybody", "the example in GitHub's documentation"],
]);

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];
const PEM_PRIVATE_KEY = /-----BEGIN (?:RSA |EC |)PRIVATE KEY-----[\s\S]+-----END (?:RSA |EC |)PRIVATE KEY-----/;

/**
 * Every problem of the App's environment, each naming its variable; values of
 * secrets never appear. One problem is one line; several are listed under one.
 */
export class AppConfigError extends Error {
  override readonly name = 'AppConfigError';
  constructor(readonly problems: string[]) {
    super(problems.length === 1 ? problems[0]! : `the App's environment has ${problems.length} problems:\n  ${problems.join('\n  ')}`);
  }
}

/** What `ladder app` does: register the App first (no credentials, not in production), or run it. */
export function needsSetup(env: Readonly<Record<string, string | undefined>>): boolean {
  if (env.NODE_ENV === 'production') return false;
  return !['APP_ID', 'PRIVATE_KEY', 'PRIVATE_KEY_PATH', 'WEBHOOK_SECRET'].some((name) => env[name]);
}

/** JSON with LOG_FORMAT=json, or in production unless LOG_FORMAT=pretty; readable lines otherwise (as Probot decides). */
export function logFormatOf(env: Readonly<Record<string, string | undefined>>): LogFormat | undefined {
  const format = env.LOG_FORMAT || (env.NODE_ENV === 'production' ? 'json' : 'pretty');
  return format === 'json' || format === 'pretty' ? format : undefined;
}

/** Reads and checks `ladder app`'s environment, reporting every problem at once. */
export async function loadAppConfig(env: Readonly<Record<string, string | undefined>>): Promise<AppCommandConfig> {
  const problems: string[] = [];
  const value = (name: string) => (env[name] === undefined || env[name] === '' ? undefined : env[name]);

  const appId = Number(value('APP_ID'));
  if (value('APP_ID') === undefined) problems.push('APP_ID: not set; it is the number on the App\'s settings page ("App ID")');
  else if (!Number.isSafeInteger(appId) || appId <= 0) problems.push(`APP_ID: must be a positive whole number, not '${value('APP_ID')}'`);

  const privateKey = await readPrivateKey(env, problems);
  const webhookSecret = value('WEBHOOK_SECRET');
  if (webhookSecret === undefined) problems.push("WEBHOOK_SECRET: not set; it must equal the App's webhook secret, or every delivery is refused");
  else if (KNOWN_WEBHOOK_SECRETS.has(webhookSecret.trim())) {
    problems.push(`WEBHOOK_SECRET: is '${webhookSecret.trim()}', ${KNOWN_WEBHOOK_SECRETS.get(webhookSecret.trim())}: anyone could sign webhooks; set the App's own secret (its settings page, Webhook secret)`);
  }

  const webhookPath = value('WEBHOOK_PATH') ?? '/api/github/webhooks';
  if (!webhookPath.startsWith('/')) problems.push(`WEBHOOK_PATH: must start with '/', not '${webhookPath}'`);
  if (webhookPath === '/healthz' || webhookPath === '/readyz') problems.push(`WEBHOOK_PATH: ${webhookPath} is the probe's path`);

  const port = Number(value('PORT') ?? '3000');
  if (!Number.isInteger(port) || port < 0 || port > 65535) problems.push(`PORT: must be a port number (0-65535), not '${value('PORT')}'`);

  const logLevel = value('LOG_LEVEL') ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL: must be one of ${LOG_LEVELS.join(', ')}, not '${logLevel}'`);
  const logFormat = logFormatOf(env);
  if (logFormat === undefined) problems.push(`LOG_FORMAT: must be json or pretty, not '${value('LOG_FORMAT')}'`);

  const apiUrl = githubApiUrl(env, problems);
  const webhookProxyUrl = value('WEBHOOK_PROXY_URL');
  if (webhookProxyUrl !== undefined && !/^https?:\/\/[^/\s]+/.test(webhookProxyUrl)) problems.push(`WEBHOOK_PROXY_URL: must be an http(s) URL, not '${webhookProxyUrl}'`);
  const images = imageGateConfig(value, problems);
  const registries = await registriesFromEnv(value, problems);
  if (problems.length > 0) throw new AppConfigError(problems);
  return {
    appId,
    privateKey: privateKey!,
    webhookSecret: webhookSecret!,
    webhookPath,
    apiUrl,
    host: value('HOST') ?? '0.0.0.0',
    port,
    logLevel,
    logFormat: logFormat!,
    ...(webhookProxyUrl ? { webhookProxyUrl } : {}),
    registries,
    ...(images ? { images } : {}),
  };
}

function imageGateConfig(value: (name: string) => string | undefined, problems: string[]): AppServerConfig['images'] {
  const gate = value('LADDER_IMAGE_GATE') ?? 'off';
  if (gate !== 'on' && gate !== 'off') problems.push(`LADDER_IMAGE_GATE: must be on or off, not '${gate}'`);
  const recheckSeconds = Number(value('LADDER_IMAGE_RECHECK_SECONDS') ?? '60');
  if (!Number.isInteger(recheckSeconds) || recheckSeconds < 5 || recheckSeconds > 3600) {
    problems.push(`LADDER_IMAGE_RECHECK_SECONDS: must be a whole number of seconds from 5 to 3600, not '${value('LADDER_IMAGE_RECHECK_SECONDS')}'`);
  }
  return gate === 'on' ? { recheckSeconds } : undefined;
}


async function readPrivateKey(env: Readonly<Record<string, string | undefined>>, problems: string[]): Promise<string | undefined> {
  const path = env.PRIVATE_KEY_PATH || undefined;
  const inline = env.PRIVATE_KEY || undefined;
  if (path !== undefined && inline !== undefined) {
    problems.push('PRIVATE_KEY and PRIVATE_KEY_PATH: both set; keep one');
    return undefined;
  }
  let key: string;
  let name: string;
  if (path !== undefined) {
    name = 'PRIVATE_KEY_PATH';
    try {
      key = await readFile(path, 'utf8');
    } catch (error) {
      problems.push(`PRIVATE_KEY_PATH: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
      return undefined;
    }
  } else if (inline !== undefined) {
    name = 'PRIVATE_KEY';
    key = inline.replace(/\\n/g, '\n');
  } else {
    problems.push("PRIVATE_KEY_PATH: not set (nor PRIVATE_KEY); the App's private key is needed to authenticate with GitHub");
    return undefined;
  }
  let type: string | undefined;
  try {
    // Parsed now, not at the first webhook: a key that looks right but does not parse is as wrong as none.
    if (!PEM_PRIVATE_KEY.test(key)) throw new Error('not PEM');
    type = createPrivateKey(key).asymmetricKeyType;
  } catch {
    problems.push(`${name}: not a PEM private key ('-----BEGIN RSA PRIVATE KEY-----' …); the value is not shown`);
    return undefined;
  }
  if (type !== 'rsa') {
    problems.push(`${name}: a private key of type ${type ?? 'unknown'}; GitHub App keys are RSA (the .pem file GitHub generates)`);
    return undefined;
  }
  return key;
}

function githubApiUrl(env: Readonly<Record<string, string | undefined>>, problems: string[]): string {
  const explicit = env.LADDER_GITHUB_API_URL || undefined;
  if (explicit !== undefined) {
    if (!/^https?:\/\/[^/\s]+/.test(explicit)) problems.push(`LADDER_GITHUB_API_URL: must be an http(s) URL, not '${explicit}'`);
    return explicit.replace(/\/+$/, '');
  }
  const host = env.GHE_HOST || undefined;
  if (host === undefined) return 'https://api.github.com';
  const protocol = env.GHE_PROTOCOL || 'https';
  if (protocol !== 'https' && protocol !== 'http') problems.push(`GHE_PROTOCOL: must be https or http, not '${protocol}'`);
  if (/[/\s]/.test(host)) problems.push(`GHE_HOST: a host name (and port) only, such as github.example.com, not '${host}'`);
  return `${protocol}://${host}/api/v3`;
}

export interface SetupCommandConfig {
  host: string;
  port: number;
  webhookPath: string;
  webhookUrl?: string;
  organization?: string;
  logLevel: string;
  logFormat: LogFormat;
}

/**
 * The setup page's settings, checked like the App's. It listens on localhost
 * unless HOST says otherwise: until the App is registered, anyone who reaches
 * the page can give this checkout its credentials.
 */
export function loadSetupConfig(env: Readonly<Record<string, string | undefined>>): SetupCommandConfig {
  const problems: string[] = [];
  const value = (name: string) => (env[name] === undefined || env[name] === '' ? undefined : env[name]);
  const port = Number(value('PORT') ?? '3000');
  if (!Number.isInteger(port) || port < 1 || port > 65535) problems.push(`PORT: must be a port number (1-65535), not '${value('PORT')}'`);
  const webhookPath = value('WEBHOOK_PATH') ?? '/api/github/webhooks';
  if (!webhookPath.startsWith('/')) problems.push(`WEBHOOK_PATH: must start with '/', not '${webhookPath}'`);
  const webhookUrl = value('LADDER_WEBHOOK_URL');
  if (webhookUrl !== undefined && !/^https?:\/\/[^/\s]+\S*$/.test(webhookUrl)) problems.push(`LADDER_WEBHOOK_URL: must be the http(s) URL GitHub sends webhooks to, such as https://ladder.example.org${webhookPath}, not '${webhookUrl}'`);
  const organization = value('GH_ORG');
  if (organization !== undefined && !/^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/.test(organization)) problems.push(`GH_ORG: must be a GitHub organization's name, not '${organization}'`);
  const logLevel = value('LOG_LEVEL') ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL: must be one of ${LOG_LEVELS.join(', ')}, not '${logLevel}'`);
  const logFormat = logFormatOf(env);
  if (logFormat === undefined) problems.push(`LOG_FORMAT: must be json or pretty, not '${value('LOG_FORMAT')}'`);
  githubApiUrl(env, problems);
  if (problems.length > 0) throw new AppConfigError(problems);
  return { host: value('HOST') ?? 'localhost', port, webhookPath, ...(webhookUrl ? { webhookUrl } : {}), ...(organization ? { organization } : {}), logLevel, logFormat: logFormat! };
}
