import { AppConfigError, appEnvironmentVariables, loadAppConfig } from '../app-config.js';
import { exitCode, UsageError, type Command } from '../command.js';
import { runUntilSignal } from '../until-signal.js';

const variables = appEnvironmentVariables.map((v) => `  ${v.name.padEnd(22)} ${v.meaning}${v.secret ? '  (secret)' : ''}`).join('\n');

export const appCommand: Command = {
  name: 'app',
  summary: 'Run the GitHub App: receive webhooks, render, validate and open promotion pull requests',
  usage: ['app            (configured by environment variables)'],
  description: `
Serves the Ladder GitHub App: the webhook endpoint (every delivery's
signature is verified; a bad one gets 401), /healthz (200 while the process
answers) and /readyz (200 once GitHub accepted the App's credentials; 503
while it has not, and during shutdown). Logs are JSON lines on stdout.

Configured by the environment variables \`probot run\` reads (no .env file is
read); values of secret variables are never printed:
${variables}

SIGTERM or SIGINT shuts down gracefully: /readyz turns 503, no new connection
is accepted, webhook work in progress may finish for up to 20 s.

Exit status: 0 after a clean shutdown, 2 when the environment is wrong,
1 when the App could not start.`,
  options: {},
  examples: ['APP_ID=123456 PRIVATE_KEY_PATH=/etc/ladder/app.pem WEBHOOK_SECRET=… ladder app', 'docker run -e APP_ID -e WEBHOOK_SECRET -e PRIVATE_KEY_PATH=/keys/app.pem -v ./keys:/keys:ro -p 3000:3000 ladder app'],
  inputErrorExit: exitCode.trouble,
  async run(_values, positionals, io) {
    if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
    let config;
    try {
      config = await loadAppConfig(io.env);
    } catch (error) {
      if (error instanceof AppConfigError) {
        io.stderr(`ladder app: ${error.message}\n`);
        return exitCode.trouble;
      }
      throw error;
    }
    // Loaded here so other commands do not pay for Probot at start-up.
    const [{ startAppServer }, { pino }] = await Promise.all([import('../../app/serve.js'), import('pino')]);
    const log = pino({ level: config.logLevel, base: { component: 'ladder-app' } });
    return runUntilSignal('app', () => startAppServer(config, { log }), io);
  },
};
