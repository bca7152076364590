/** The comment commands of design §6, as parsed from one line of a comment. */

export type CommandVerb = 'promote' | 'rollback' | 'lock' | 'unlock' | 'diff' | 'help';

export const commandVerbs: readonly CommandVerb[] = ['promote', 'rollback', 'lock', 'unlock', 'diff', 'help'];

/** Verbs that act on one environment, so the permission check is per environment. */
export type EnvironmentCommand =
  | { verb: 'promote'; environment: string }
  /** `target` is a full or abbreviated commit sha (manifest or code), lower-case. */
  | { verb: 'rollback'; environment: string; target?: string }
  | { verb: 'lock'; environment: string; reason: string }
  | { verb: 'unlock'; environment: string };

export type LadderCommand = EnvironmentCommand | { verb: 'diff' } | { verb: 'help' };

/** Where a command came from in the comment, for replies that quote it. */
export interface CommandSource {
  /** 1-based line of the comment body. */
  line: number;
  /** The line as written, trimmed. */
  text: string;
}

/** A `/ladder` line that could not be understood; the reply shows `message`, the suggestion and the help. */
export interface CommandError {
  message: string;
  /** A corrected command line when the mistake looks like a typo: "did you mean `/ladder promote stg`?" */
  suggestion?: string;
}

export type ParsedLine =
  | ({ ok: true; command: LadderCommand } & CommandSource)
  | ({ ok: false; error: CommandError } & CommandSource);

export function isEnvironmentCommand(command: LadderCommand): command is EnvironmentCommand {
  return 'environment' in command;
}
