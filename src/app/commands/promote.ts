import { formatRepo } from '../../adapters/github/types.js';
import { describePromotion } from '../../core/promotion/outcome.js';
import { promotionSource } from './promote-source.js';
import type { CommandRun } from './types.js';

/**
 * `/ladder promote <env>`: open or update the promotion PR for `env` now,
 * through the same engine a merge or a deployment uses (which takes the
 * environment's queue itself, so this runs outside it).
 */
export async function promoteCommand(run: CommandRun, environment: string): Promise<string> {
  const { target } = run;
  const source = await promotionSource(run.github, target.config, target.codeRepo, target.manifestRepo, environment);
  if (!source.ok) return `Cannot promote \`${environment}\`: ${source.problem}.`;
  const outcome = await run.services.promotions.promote(
    run.github,
    { codeRepo: target.codeRepo, sourceSha: source.sourceSha, environment, ...(source.image ? { image: source.image } : {}), reason: 'command', requestedBy: run.login },
    { log: run.log },
  );
  const message = describePromotion(outcome);
  const version = `\`${formatRepo(target.codeRepo)}@${source.sourceSha.slice(0, 7)}\``;
  const link = outcome.pullRequest ? ` ${outcome.pullRequest.url}` : '';
  switch (outcome.kind) {
    case 'opened':
      return `Opened${link} promoting ${version} (${source.from}) to \`${environment}\`.`;
    case 'updated':
      return `Updated${link}: it now promotes ${version} (${source.from}) to \`${environment}\`.`;
    case 'unchanged':
      return `\`${environment}\` needs no promotion for ${version} (${source.from}): ${message}.${link ? ` See${link}.` : ''}`;
    case 'superseded':
      return `Not promoted: ${message}.${link ? ` See${link}.` : ''}`;
    case 'invalid':
      return `Cannot promote ${version} to \`${environment}\`: ${message}. The check run on that commit has the details.`;
    case 'failed':
      return `Promoting ${version} to \`${environment}\` failed: ${message}. Branches only ever move to whole commits; try \`/ladder promote ${environment}\` again to complete it.`;
  }
}
