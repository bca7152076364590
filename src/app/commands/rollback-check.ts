import { publishCheckRun } from '../../adapters/github/checks.js';
import type { GitHubClient, RepoRef } from '../../adapters/github/types.js';
import { validateCheckName } from '../promotion/reports.js';

/**
 * The `ladder/validate` check run on a rollback PR's head, which branch
 * protection requires like on any promotion. A rollback writes no new
 * manifests, it restores bytes that were validated when their version was
 * promoted: the check says so when that validation is on record (a
 * successful `ladder/validate` on the version's Ladder commit), and is
 * neutral — passing, but visibly unproven — when it is not.
 */
export async function publishRollbackCheck(
  octokit: GitHubClient,
  manifestRepo: RepoRef,
  rollback: { headSha: string; versionCommit: string; fromCommit: string; environment: string },
): Promise<void> {
  const { data } = await octokit.rest.checks.listForRef({ ...manifestRepo, ref: rollback.versionCommit, check_name: validateCheckName, filter: 'latest', per_page: 10 });
  const validated = data.check_runs.some((run) => run.conclusion === 'success');
  const short = (sha: string) => sha.slice(0, 7);
  await publishCheckRun(octokit, manifestRepo, {
    name: validateCheckName,
    headSha: rollback.headSha,
    conclusion: validated ? 'success' : 'neutral',
    title: validated ? `Restores manifests validated at ${short(rollback.versionCommit)}` : 'Restores manifests with no validation on record',
    summary: validated
      ? `This rollback restores, byte for byte, the manifests of ${short(rollback.fromCommit)}; \`${validateCheckName}\` passed on them when they were promoted (${short(rollback.versionCommit)}). Nothing new was rendered.`
      : `This rollback restores, byte for byte, the manifests of ${short(rollback.fromCommit)}, but no successful \`${validateCheckName}\` is recorded for ${short(rollback.versionCommit)}. Review the diff before merging into \`${rollback.environment}\`.`,
    externalId: `ladder-rollback:${rollback.environment}:${rollback.headSha}`,
  });
}
