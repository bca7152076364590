import { codeSpan } from './markdown.js';
import type { CommandError } from './types.js';

/**
 * The command list every help and error reply ends with; short enough to read
 * in a PR thread. `restrictedTo` names, per environment with `commenters`,
 * who may run commands for it (`@octocat`, `@shop/release-managers`).
 */
export function commandHelp(environments: readonly string[] = [], restrictedTo: Readonly<Record<string, readonly string[] | 'hidden'>> = {}): string {
  const describe = (name: string) => {
    const who = restrictedTo[name];
    if (who === 'hidden') return `\`${name}\` (only its commenters)`;
    return who ? `\`${name}\` (only ${who.length > 0 ? who.join(', ') : 'its commenters, none listed'})` : `\`${name}\``;
  };
  const envs = environments.length > 0 ? `\n\nEnvironments: ${environments.map(describe).join(', ')}.` : '';
  return [
    '| command | what it does |',
    '|---|---|',
    '| `/ladder promote <env>` | Open or update the promotion pull request for `<env>` now. |',
    '| `/ladder rollback <env> [to <sha>]` | Open a pull request restoring the previous deployed version of `<env>` (or the one at `<sha>`, a manifest or code commit). |',
    '| `/ladder lock <env> <reason>` | Hold promotions to `<env>` (the `ladder/lock` status fails) until unlocked. |',
    '| `/ladder unlock <env>` | Release the lock. |',
    '| `/ladder diff` | Show what this pull request changes, resource by resource. |',
    '| `/ladder help` | This list. |',
  ].join('\n') + envs + '\n\nOne command per line; each line must start with `/ladder`. Commands need write access to this repository.';
}

/** The reply to a line that is not a command Ladder understands. */
export function describeCommandError(text: string, error: CommandError): string {
  const didYouMean = error.suggestion ? ` Did you mean ${codeSpan(error.suggestion)}?` : '';
  return `${codeSpan(text)}: ${error.message}.${didYouMean}`;
}
