import { LadderInputError } from '../core/errors.js';
import { describeFsError, UnreadableInputError } from '../adapters/fs/read-manifests.js';
import { parseCommandLine } from './args.js';
import { exitCode, UsageError, type CliIO, type Command } from './command.js';
import { formatCommandHelp, formatMainHelp } from './help.js';
import { suggestNearest } from '../core/text/suggest.js';

/**
 * Runs one `ladder` invocation and returns its exit code. Every failure ends
 * here and becomes a message in plain words; a stack trace only with
 * LADDER_DEBUG=1, because users need to know what to fix, not where we were.
 */
export async function runCli(args: readonly string[], commands: readonly Command[], version: string, io: CliIO): Promise<number> {
  const [first, ...rest] = args;
  if (first === undefined) {
    io.stderr(formatMainHelp(commands, version));
    return exitCode.trouble;
  }
  if (first === '--help' || first === '-h' || first === 'help') {
    const topic = first === 'help' ? rest[0] : undefined;
    const command = topic === undefined ? undefined : commands.find((c) => c.name === topic);
    if (topic !== undefined && !command) return unknownCommand(topic, commands, io);
    io.stdout(command ? formatCommandHelp(command) : formatMainHelp(commands, version));
    return exitCode.ok;
  }
  if (first === '--version' || first === '-V') {
    io.stdout(`${version}\n`);
    return exitCode.ok;
  }
  const command = commands.find((c) => c.name === first);
  if (!command) return unknownCommand(first, commands, io);
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(formatCommandHelp(command));
    return exitCode.ok;
  }
  try {
    const { values, positionals } = parseCommandLine(rest, command.options);
    return await command.run(values, positionals, io);
  } catch (error) {
    return reportError(error, command, io);
  }
}

function unknownCommand(name: string, commands: readonly Command[], io: CliIO): number {
  const what = name.startsWith('-') ? `unknown option ${name}` : `unknown command '${name}'`;
  const guess = suggestNearest(name, commands.map((c) => c.name));
  io.stderr(`ladder: ${what}${guess ? ` (did you mean '${guess}'?)` : ''}\nRun 'ladder --help' to see the commands.\n`);
  return exitCode.trouble;
}

function reportError(error: unknown, command: Command, io: CliIO): number {
  const debug = io.env.LADDER_DEBUG === '1';
  if (error instanceof UsageError) {
    io.stderr(`ladder ${command.name}: ${error.message}\nRun 'ladder ${command.name} --help' for usage.\n`);
    return exitCode.trouble;
  }
  if (error instanceof LadderInputError) {
    io.stderr(`ladder ${command.name}: ${error.message}\n${formatProblems(error)}${debug ? `${formatStack(error)}\n` : ''}`);
    return error instanceof UnreadableInputError ? exitCode.trouble : (command.inputErrorExit ?? exitCode.trouble);
  }
  const fsError = error as NodeJS.ErrnoException | undefined;
  if (fsError && typeof fsError.code === 'string' && typeof fsError.path === 'string') {
    io.stderr(`ladder ${command.name}: ${fsError.path}: ${describeFsError(fsError)}\n${debug ? `${formatStack(fsError)}\n` : ''}`);
    return exitCode.trouble;
  }
  io.stderr(
    `ladder ${command.name}: unexpected error: ${(error as Error | undefined)?.message ?? String(error)}\n` +
      (debug ? `${formatStack(error)}\n` : 'Set LADDER_DEBUG=1 to see where it happened, and please report it.\n'),
  );
  return exitCode.trouble;
}

/**
 * Config errors carry every problem found (`problems`); the message may only
 * summarise them, so each one that the message does not already contain is listed.
 */
function formatProblems(error: LadderInputError): string {
  const problems = (error as { problems?: unknown }).problems;
  if (!Array.isArray(problems)) return '';
  return problems
    .map((problem) => (typeof problem === 'string' ? problem : (problem as { message?: unknown } | null)?.message))
    .filter((text): text is string => typeof text === 'string' && !error.message.includes(text))
    .map((text) => `  ${text}\n`)
    .join('');
}

function formatStack(error: unknown): string {
  const parts: string[] = [];
  for (let current = error; current !== undefined; current = (current as Error).cause) {
    parts.push(current instanceof Error ? (current.stack ?? current.message) : String(current));
    if (!(current instanceof Error)) break;
  }
  return parts.join('\nCaused by: ');
}
