import { readFile } from 'node:fs/promises';
import type { AppServerConfig } from '../app/serve.js';

/** The variables `ladder app` reads: Probot's names, so a `probot run` setup carries over. */
export const appEnvironmentVariables: ReadonlyArray<{ name: string; meaning: string; secret?: boolean }> = [
  { name: 'APP_ID', meaning: "the GitHub App's id (required)" },
  { name: 'PRIVATE_KEY_PATH', meaning: "file with the App's private key (.pem)" },
  { name: 'PRIVATE_KEY', meaning: 'or the key itself; \\n escapes are read as newlines', secret: true },
  { name: 'WEBHOOK_SECRET', meaning: "the App's webhook secret (required)", secret: true },
  { name: 'WEBHOOK_PATH', meaning: 'webhook endpoint (default /api/github/webhooks)' },
  { name: 'HOST', meaning: 'address to listen on (default 0.0.0.0)' },
  { name: 'PORT', meaning: 'port (default 3000)' },
  { name: 'GHE_HOST', meaning: 'GitHub Enterprise Server host; the API is https://<host>/api/v3' },
  { name: 'GHE_PROTOCOL', meaning: 'http or https for GHE_HOST (default https)' },
  { name: 'LADDER_GITHUB_API_URL', meaning: "the REST API's URL itself; wins over GHE_HOST" },
  { name: 'LOG_LEVEL', meaning: 'trace, debug, info (default), warn, error or fatal' },
];

export interface AppCommandConfig extends AppServerConfig {
  logLevel: string;
}

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];
const PEM_PRIVATE_KEY = /-----BEGIN (?:RSA |EC |)PRIVATE KEY-----[\s\S]+-----END (?:RSA |EC |)PRIVATE KEY-----/;

/** Every problem of the App's environment, each naming its variable; values of secrets never appear. */
export class AppConfigError extends Error {
  override readonly name = 'AppConfigError';
  constructor(readonly problems: string[]) {
    super(`the App's environment has ${problems.length === 1 ? 'a problem' : `${problems.length} problems`}:\n  ${problems.join('\n  ')}`);
  }
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

  const webhookPath = value('WEBHOOK_PATH') ?? '/api/github/webhooks';
  if (!webhookPath.startsWith('/')) problems.push(`WEBHOOK_PATH: must start with '/', not '${webhookPath}'`);
  if (webhookPath === '/healthz' || webhookPath === '/readyz') problems.push(`WEBHOOK_PATH: ${webhookPath} is the probe's path`);

  const port = Number(value('PORT') ?? '3000');
  if (!Number.isInteger(port) || port < 0 || port > 65535) problems.push(`PORT: must be a port number (0-65535), not '${value('PORT')}'`);

  const logLevel = value('LOG_LEVEL') ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL: must be one of ${LOG_LEVELS.join(', ')}, not '${logLevel}'`);

  const apiUrl = githubApiUrl(env, problems);
  if (problems.length > 0) throw new AppConfigError(problems);
  return { appId, privateKey: privateKey!, webhookSecret: webhookSecret!, webhookPath, apiUrl, host: value('HOST') ?? '0.0.0.0', port, logLevel };
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
  if (!PEM_PRIVATE_KEY.test(key)) {
    problems.push(`${name}: not a PEM private key ('-----BEGIN RSA PRIVATE KEY-----' …); the value is not shown`);
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
