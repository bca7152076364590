import { formatTrailers, trailersComment, type LadderTrailers } from '../promotion/trailers.js';

/** What a rollback restores, for its commit message and pull request. */
export interface RollbackPlan {
  service: string;
  environment: string;
  /** The environment branch in the manifest repository. */
  branch: string;
  /** Manifest commit whose content is restored (a deployed commit or a Ladder commit). */
  fromCommit: string;
  /** Trailers of the version restored (its source and image). */
  restored: LadderTrailers;
  /** Trailers of the version on the branch now, when known. */
  current?: LadderTrailers;
  /** Directory restored, '' for the whole branch. */
  path: string;
  requestedBy: string;
  /** Why this version was picked, for the body ("the previous successful deployment", "as asked: 1a2b3c4"). */
  why: string;
}

/** The rollback commit's trailers: the restored version's source and image, kind rollback. */
export function rollbackTrailers(plan: RollbackPlan): LadderTrailers {
  return {
    service: plan.service,
    environment: plan.environment,
    sourceRepo: plan.restored.sourceRepo,
    sourceSha: plan.restored.sourceSha,
    image: plan.restored.image,
    kind: 'rollback',
  };
}

export function rollbackTitle(plan: RollbackPlan): string {
  return `Roll back ${plan.service} on ${plan.environment} to ${plan.restored.sourceSha.slice(0, 7)}`;
}

export function rollbackCommitMessage(plan: RollbackPlan): string {
  const where = plan.path ? `${plan.path}/ ` : '';
  return [
    rollbackTitle(plan),
    '',
    `Restores ${where}exactly as it was at ${plan.fromCommit} (${plan.why}).`,
    `Requested by @${plan.requestedBy} with /ladder rollback.`,
    '',
    formatTrailers(rollbackTrailers(plan)),
  ].join('\n');
}

export function rollbackPullRequestBody(plan: RollbackPlan): string {
  const short = (sha: string) => sha.slice(0, 7);
  const where = plan.path ? `\`${plan.path}/\`` : 'the branch';
  const lines = [
    `## Roll back \`${plan.service}\` on \`${plan.environment}\``,
    '',
    `@${plan.requestedBy} asked for this with \`/ladder rollback\`. Merging it restores ${where} byte for byte as it was at ${plan.fromCommit} (${plan.why}).`,
    '',
    '| | version | image |',
    '|---|---|---|',
  ];
  if (plan.current) lines.push(`| now | \`${plan.current.sourceRepo}@${short(plan.current.sourceSha)}\` | \`${plan.current.image}\` |`);
  lines.push(`| after merge | \`${plan.restored.sourceRepo}@${short(plan.restored.sourceSha)}\` | \`${plan.restored.image}\` |`);
  lines.push(
    '',
    'Gates and reviews apply as to any promotion. Nothing changes until this pull request is merged; to undo it afterwards, promote again or roll back once more.',
    '',
    trailersComment(rollbackTrailers(plan)),
  );
  return lines.join('\n');
}
