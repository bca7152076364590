/** What every entry point of the CLI does: wire the process to runCli. */
import type { Command, CliIO } from './command.js';
import { runCli } from './run-cli.js';
import { readVersion } from './version.js';

// `ladder render | head` closes the pipe early; that is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

/** Runs `ladder` with these commands on this process's arguments, streams and environment. */
export async function startCli(commands: readonly Command[]): Promise<void> {
  process.exitCode = await runCli(process.argv.slice(2), commands, readVersion(), io());
}

const io = (): CliIO => ({
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
  env: process.env,
  color: wantsColor(process.env, process.stdout.isTTY === true),
});

function wantsColor(env: NodeJS.ProcessEnv, isTTY: boolean): boolean {
  // https://no-color.org and the FORCE_COLOR convention of Node and most CLIs.
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0';
  return isTTY && env.TERM !== 'dumb';
}
