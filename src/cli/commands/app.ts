import { AppConfigError, appEnvironmentVariables, loadAppConfig, loadSetupConfig, needsSetup } from '../app-config.js';
import type { CliIO } from '../command.js';
import { withDotEnv } from '../dotenv.js';
import { exitCode, UsageError, type Command } from '../command.js';
import { runUntilSignal } from '../until-signal.js';

const variables = appEnvironmentVariables.map((v) => `  ${v.name.padEnd(30)} ${v.meaning}${v.secret ? '  (secret)' : ''}`).join('\n');

export const appCommand: Command = {
  name: 'app',
  summary: 'Run the GitHub App: receive webhooks, render, validate and open promotion pull requests',
  usage: ['app            (configured by environment variables; npm start runs it)'],
  description: `
Serves the Ladder GitHub App: the webhook endpoint (every delivery's
signature is verified; a bad one gets 401), /healthz (200 while the process
answers) and /readyz (200 once GitHub accepted the App's credentials; 503
while it has not, and during shutdown).

Without credentials, and not in production, it serves the setup page
instead (http://localhost:3000): it registers the App on GitHub from app.yml,
asking which organization owns it and saying where webhooks will go
(LADDER_WEBHOOK_URL, WEBHOOK_PROXY_URL, or a smee.io channel it creates), and
saves the App's credentials in .env. Started again, it runs that App.

Configured by the environment variables \`probot run\` reads, and outside
production by .env in the working directory (variables already set win).
Values of secret variables are never printed:
${variables}

It refuses to start, with one line per problem, when a credential is
missing, the webhook secret is one everyone knows ('development', Probot's
default), or the private key does not parse. Logs are JSON lines with
LOG_FORMAT=json or in production, readable lines otherwise.

SIGTERM or SIGINT shuts down gracefully: /readyz turns 503, no new connection
is accepted, webhook work in progress may finish for up to 20 s.

Exit status: 0 after a clean shutdown, 2 when the environment is wrong,
1 when the App could not start.`,
  options: {},
  examples: ['GH_ORG=shop ladder app      (no credentials yet: the setup page)', 'APP_ID=123456 PRIVATE_KEY_PATH=/etc/ladder/app.pem WEBHOOK_SECRET=… ladder app', 'docker run -e APP_ID -e WEBHOOK_SECRET -e PRIVATE_KEY_PATH=/keys/app.pem -v ./keys:/keys:ro -p 3000:3000 ladder app'],
  inputErrorExit: exitCode.trouble,
  async run(_values, positionals, io) {
    if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
    const dotenv = withDotEnv(io.env, io.cwd);
    if (needsSetup(dotenv.env)) return setUp(dotenv.env, io);
    let config;
    try {
      config = await loadAppConfig(dotenv.env);
    } catch (error) {
      return refuse(error, io);
    }
    // Loaded here so other commands do not pay for Probot at start-up.
    const { startAppServer, createAppLog, webhookProxyAvailable } = await import('../../app/serve.js');
    if (config.webhookProxyUrl && !(await webhookProxyAvailable())) {
      return refuse(new AppConfigError(['WEBHOOK_PROXY_URL: set, but smee-client, which forwards its deliveries, is not installed (npm ci installs it; npm ci --omit=dev leaves it out); unset it and give GitHub the App\'s own address']), io);
    }
    const log = createAppLog({ level: config.logLevel, format: config.logFormat, base: { component: 'ladder-app' } });
    if (dotenv.read) log.info({ file: dotenv.read }, 'read the App\'s settings from .env (variables already set win)');
    if (dotenv.ignored) log.warn({ file: dotenv.ignored.file }, `ignored .env: ${dotenv.ignored.reason}`);
    return runUntilSignal('app', () => startAppServer(config, { log }), io);
  },
};

/** No credentials and not in production: serve the setup page that registers the App. */
async function setUp(env: Record<string, string | undefined>, io: CliIO): Promise<number> {
  let config;
  try {
    config = loadSetupConfig(env);
  } catch (error) {
    return refuse(error, io);
  }
  // Probot's setup flow reads its settings (GH_ORG, GHE_HOST, …) from the process's environment.
  for (const [name, value] of Object.entries(env)) if (value !== undefined && process.env[name] === undefined) process.env[name] = value;
  const { startSetupServer, createAppLog } = await import('../../app/serve.js');
  const log = createAppLog({ level: config.logLevel, format: config.logFormat, base: { component: 'ladder-app' } });
  return runUntilSignal('app', () => startSetupServer(config, log), io);
}

function refuse(error: unknown, io: CliIO): number {
  if (!(error instanceof AppConfigError)) throw error;
  io.stderr(`ladder app: ${error.message}\n`);
  return exitCode.trouble;
}
