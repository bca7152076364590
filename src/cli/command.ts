/** What a command may touch of the process: output streams, working directory, environment. */
export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  /** Whether stdout is a terminal that wants colours (and NO_COLOR is not set). */
  color: boolean;
}

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  /** Placeholder in help, e.g. `<file>`; string options only. */
  value?: string;
  description: string;
}

export type ParsedValues = Record<string, string | boolean | string[] | boolean[] | undefined>;

export interface Command {
  name: string;
  /** One line for `ladder --help`. */
  summary: string;
  /** Usage lines without the leading `ladder `. */
  usage: string[];
  /** Paragraphs after the usage, including what the exit codes mean. */
  description: string;
  options: Record<string, OptionSpec>;
  examples: string[];
  /** Exit code for a LadderInputError (bad config, template, value); 2 unless the command says otherwise. */
  inputErrorExit?: number;
  run(values: ParsedValues, positionals: string[], io: CliIO): Promise<number>;
}

/** Exit codes shared by every command, as `diff(1)` uses them. */
export const exitCode = {
  ok: 0,
  /** validate: error findings; diff: differences; render: the config or templates are wrong. */
  problems: 1,
  /** Usage errors, unreadable input, and anything that stopped the command from doing its job. */
  trouble: 2,
} as const;

/** A mistake in how the command was called; the message is followed by a pointer to --help. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
