import type { CommandRun } from './run.js';

/** `/ladder promote <env>`: placeholder until the promotion engine's promote() lands. */
export async function promoteCommand(_run: CommandRun, environment: string): Promise<string> {
  return `Promoting \`${environment}\` by command is not available yet.`;
}
