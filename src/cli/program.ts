import { agentCommand } from './commands/agent.js';
import { appCommand } from './commands/app.js';
import { diffCommand } from './commands/diff.js';
import { renderCommand } from './commands/render.js';
import { validateCommand } from './commands/validate.js';
import type { CliIO } from './command.js';
import { runCli } from './run-cli.js';
import { readVersion } from './version.js';

// `ladder render | head` closes the pipe early; that is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

const io: CliIO = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
  env: process.env,
  color: wantsColor(process.env, process.stdout.isTTY === true),
};

process.exitCode = await runCli(process.argv.slice(2), [renderCommand, validateCommand, diffCommand, appCommand, agentCommand], readVersion(), io);

function wantsColor(env: NodeJS.ProcessEnv, isTTY: boolean): boolean {
  // https://no-color.org and the FORCE_COLOR convention of Node and most CLIs.
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0';
  return isTTY && env.TERM !== 'dumb';
}
