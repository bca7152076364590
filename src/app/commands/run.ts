import { describeGitHubError } from '../../adapters/github/errors.js';
import type { CommandNeed, CommandPermission } from '../../adapters/github/port.js';
import { formatRepo } from '../../adapters/github/types.js';
import { commandHelp, describeCommandError } from '../../core/commands/help.js';
import { codeSpan } from '../../core/commands/markdown.js';
import { alreadyLockedReply, lockedReply, refusalReply, unlockedReply } from '../../core/commands/replies.js';
import { isEnvironmentCommand, type EnvironmentCommand, type LadderCommand, type ParsedLine } from '../../core/commands/types.js';
import { environmentNamed, manifestBranch } from '../../core/config/load.js';
import { environmentQueueKey } from '../promotion/engine.js';
import { diffReply } from './diff.js';
import { promoteCommand } from './promote.js';
import { openRollback } from './rollback.js';
import type { CommandRun } from './types.js';

/**
 * Runs a comment's commands in the order written and returns one reply
 * section per line. Each command's permission is checked before it does
 * anything; a refused or malformed line does not stop the lines after it.
 */
export async function runCommands(run: CommandRun, parsed: readonly ParsedLine[]): Promise<string[]> {
  const sections: string[] = [];
  const permissions = new Map<string, Promise<CommandPermission>>();
  let wantHelp = false;
  for (const line of parsed) {
    if (!line.ok) {
      sections.push(describeCommandError(line.text, line.error));
      wantHelp = true;
      continue;
    }
    const { command } = line;
    if (command.verb === 'help') {
      wantHelp = true;
      continue;
    }
    const environment = isEnvironmentCommand(command) ? command.environment : undefined;
    const key = environment ?? '';
    // The command's lines name its environment; a promotion it starts adds the commit.
    const log = environment ? run.log.child({ environment }) : run.log;
    if (!permissions.has(key)) permissions.set(key, run.github.access(run.target.manifestRepo).mayRunCommands(run.login, needFor(run, environment)));
    try {
      // A permission check that fails (GitHub down) refuses: nothing runs unchecked.
      const permission = await permissions.get(key)!;
      if (!permission.allowed) {
        log.info({ login: run.login, command: command.verb, reason: permission.reason }, 'Command refused');
        sections.push(refusalReply(run.login, line.text, environment, policyFor(run, environment), permission.reason));
        continue;
      }
      log.info({ login: run.login, command: command.verb }, 'Running command');
      sections.push(await runOne({ ...run, log }, command, line.text));
      if (command.verb === 'lock' || command.verb === 'unlock') run.onLockChanged?.();
    } catch (error) {
      permissions.delete(key);
      log.error({ err: { message: describeGitHubError(error) }, command: command.verb }, 'Command failed');
      sections.push(`${codeSpan(line.text)} failed: ${describeGitHubError(error)}. Every command is safe to repeat: run it again in a moment.`);
    }
  }
  if (wantHelp) {
    const environments = run.target.config.environments;
    // The lists come from the manifest repository's services.yml: named only to someone who can read it there.
    if (!permissions.has('')) permissions.set('', run.github.access(run.target.manifestRepo).mayRunCommands(run.login, needFor(run, undefined)));
    const mayRead = await permissions.get('')!.then((permission) => permission.allowed, () => false);
    const restricted = Object.fromEntries(
      environments.flatMap((env) =>
        env.grant.commenters.length > 0 ? [[env.name, mayRead ? unique(env.grant.commenters.flatMap((rule) => [...rule.users, ...rule.teams])).map((who) => `\`@${who}\``) : ('hidden' as const)]] : [],
      ),
    );
    sections.push(commandHelp(environments.map((env) => env.name), restricted));
  }
  return sections;
}

/**
 * What a command needs, always in the manifest repository, whatever
 * repository the comment was written in: a command that changes an
 * environment needs write access there and every commenter rule of that
 * environment (the grant's, then the code config's narrowing); one that only
 * shows its content (`/ladder diff`) needs read access there.
 */
function needFor(run: CommandRun, environment: string | undefined): CommandNeed {
  if (!environment) return { access: 'read', commenters: [] };
  return { access: 'write', commenters: environmentNamed(run.target.config, environment).grant.commenters };
}

function policyFor(run: CommandRun, environment: string | undefined) {
  const rules = environment ? environmentNamed(run.target.config, environment).grant.commenters : [];
  return {
    repo: formatRepo(run.target.manifestRepo),
    users: unique(rules.flatMap((rule) => rule.users)),
    teams: unique(rules.flatMap((rule) => rule.teams)),
    restricted: rules.length > 0,
    access: environment ? ('write' as const) : ('read' as const),
  };
}

async function runOne(run: CommandRun, command: Exclude<LadderCommand, { verb: 'help' }>, text: string): Promise<string> {
  if (command.verb === 'diff') return diffReply(run);
  // promote() takes the environment's queue key itself; holding it here would deadlock.
  if (command.verb === 'promote') return promoteCommand(run, command.environment);
  return run.services.queue.run(environmentKey(run, command), () => runForEnvironment(run, command, text));
}

/**
 * The promotion engine's key for an environment of a manifest repository:
 * locks and rollbacks queue behind (and ahead of) promotions of the same
 * environment, so a reply never describes a state a running promotion is
 * about to change.
 */
function environmentKey(run: CommandRun, command: EnvironmentCommand): string {
  return environmentQueueKey(run.target.manifestRepo, manifestBranch(environmentNamed(run.target.config, command.environment)));
}

async function runForEnvironment(run: CommandRun, command: Exclude<EnvironmentCommand, { verb: 'promote' }>, text: string): Promise<string> {
  const { target, github } = run;
  const service = target.config.service;
  const locks = github.locks(target.manifestRepo);
  switch (command.verb) {
    case 'lock': {
      const result = await locks.set({ service, environment: command.environment, by: run.login, reason: command.reason });
      return result.created
        ? lockedReply(command.environment, result.lock.by, result.lock.reason)
        : alreadyLockedReply(command.environment, result.lock.by, result.lock.reason);
    }
    case 'unlock':
      return unlockedReply(command.environment, await locks.clear(service, command.environment));
    case 'rollback': {
      const environment = environmentNamed(target.config, command.environment);
      const outcome = await openRollback(github, {
        manifestRepo: target.manifestRepo,
        service,
        environment: environment.name,
        branch: manifestBranch(environment),
        path: target.config.manifests.path,
        ...(command.target ? { target: command.target } : {}),
        requestedBy: run.login,
      });
      if ('plan' in outcome) {
        const restored = outcome.plan.restored;
        const lock = await locks.read(service, environment.name);
        const held = lock ? ` \`${environment.name}\` is locked by @${lock.by} (${lock.reason}): the rollback waits for \`/ladder unlock ${environment.name}\`.` : '';
        return `${outcome.kind === 'opened' ? 'Opened' : 'Updated'} ${outcome.pullRequest.url} to roll \`${environment.name}\` back to \`${restored.sourceRepo}@${restored.sourceSha.slice(0, 7)}\` (${outcome.plan.why}). It merges like any promotion: reviews and gates apply.${held}`;
      }
      return `${codeSpan(text)}: nothing to do — ${outcome.message}.`;
    }
  }
}

function unique(names: readonly string[]): string[] {
  return [...new Set(names)];
}
