import { formatRepo } from '../../adapters/github/types.js';
import { promote, promotionContext } from '../promotion/promote.js';
import { promotionSource } from './promote-source.js';
import type { CommandRun } from './run.js';

/**
 * `/ladder promote <env>`: open or update the promotion PR for `env` now,
 * through the same `promote()` a merge or a deployment uses (which takes the
 * environment's queue itself, so this runs outside it).
 */
export async function promoteCommand(run: CommandRun, environment: string): Promise<string> {
  const { target } = run;
  const source = await promotionSource(run.octokit, target.config, target.codeRepo, target.manifestRepo, environment);
  if (!source.ok) return `Cannot promote \`${environment}\`: ${source.problem}.`;
  const ctx = promotionContext(run.octokit, run.deps, run.log);
  const outcome = await promote(ctx, {
    codeRepo: target.codeRepo,
    sourceSha: source.sourceSha,
    environment,
    ...(source.image ? { image: source.image } : {}),
    reason: 'command',
    requestedBy: run.login,
  });
  const version = `\`${formatRepo(target.codeRepo)}@${source.sourceSha.slice(0, 7)}\``;
  const link = outcome.pullRequest ? ` ${outcome.pullRequest.url}` : '';
  switch (outcome.kind) {
    case 'opened':
      return `Opened${link} promoting ${version} (${source.from}) to \`${environment}\`.`;
    case 'updated':
      return `Updated${link}: it now promotes ${version} (${source.from}) to \`${environment}\`.`;
    case 'unchanged':
      return `\`${environment}\` needs no promotion for ${version} (${source.from}): ${outcome.message}.${link ? ` See${link}.` : ''}`;
    case 'superseded':
      return `Not promoted: ${outcome.message}.${link ? ` See${link}.` : ''}`;
    case 'invalid':
      return `Cannot promote ${version} to \`${environment}\`: ${outcome.message}. The check run on that commit has the details.`;
    case 'failed':
      return `Promoting ${version} to \`${environment}\` failed: ${outcome.message}. Branches only ever move to whole commits; try \`/ladder promote ${environment}\` again to complete it.`;
  }
}
