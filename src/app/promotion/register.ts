import type { Probot } from 'probot';
import { describeGitHubError } from '../../adapters/github/errors.js';
import type { GitHub } from '../../adapters/github/port.js';
import { formatRepo, parseRepo, type RepoRef } from '../../adapters/github/types.js';
import { describePromotion } from '../../core/promotion/outcome.js';
import type { LadderServices } from '../compose.js';
import { deliveryWorkFailed } from '../deliveries/delivery-scope.js';
import { describeReuse, reusableImage } from '../promotion-chain/reuse.js';
import { admitCodeChange } from './admission.js';
import { reportConfigProblems, reportGrantRefusal } from './reports.js';

interface CodeChange {
  codeRepo: RepoRef;
  sha: string;
  branch: string;
  reason: 'merge' | 'push';
  deliveryId: string;
}

/**
 * Merge → promotion PR. A merged pull request and the push it causes both
 * arrive; either starts the promotion of the merge commit to every
 * environment its branch feeds, and the second finds the work done. Handlers
 * answer GitHub at once (it waits 10 s at most) and do the work through the
 * App's queue, which tests wait on with `settled()`.
 */
export function register(app: Probot, services: LadderServices): void {
  app.on('pull_request.closed', async (context) => {
    const pull = context.payload.pull_request;
    if (!pull.merged || !pull.merge_commit_sha) return;
    queueCodeChange(services, services.github.fromClient(context.octokit), {
      codeRepo: parseRepo(context.payload.repository.full_name),
      sha: pull.merge_commit_sha,
      branch: pull.base.ref,
      reason: 'merge',
      deliveryId: context.id,
    });
  });

  app.on('push', async (context) => {
    const { payload } = context;
    if (payload.deleted || !payload.ref.startsWith('refs/heads/') || /^0+$/.test(payload.after)) return;
    // Ladder's own promotion branches in manifest repositories: nothing to render there.
    if (payload.ref.startsWith('refs/heads/ladder/')) return;
    queueCodeChange(services, services.github.fromClient(context.octokit), {
      codeRepo: parseRepo(payload.repository.full_name),
      sha: payload.after,
      branch: payload.ref.slice('refs/heads/'.length),
      reason: 'push',
      deliveryId: context.id,
    });
  });
}

function queueCodeChange(services: LadderServices, github: GitHub, change: CodeChange): void {
  const key = `code:${formatRepo(change.codeRepo).toLowerCase()}@${change.sha}`;
  services.queue
    .run(key, () => promoteCodeChange(services, github, change))
    .catch((error: unknown) => services.log.error({ err: { message: describeGitHubError(error) }, delivery: change.deliveryId }, 'handling a code change failed'));
}

async function promoteCodeChange(services: LadderServices, github: GitHub, change: CodeChange): Promise<void> {
  const memory = services.promotions.memory;
  // Every line of a promotion names its commit, then its service, then its environment (docs/github-app.md#logs).
  const log = services.log.child({ delivery: change.deliveryId, repo: formatRepo(change.codeRepo), commit: change.sha, branch: change.branch });
  const admission = await admitCodeChange(github, change.codeRepo, change.branch, change.sha);
  if (admission.kind === 'ignore') {
    log[admission.level]({ reason: admission.reason }, `${change.reason} into ${change.branch} ignored: ${admission.reason}`);
    return;
  }
  if (admission.kind === 'invalid' || admission.kind === 'refused') {
    // Reported once per commit, whichever of the merge's two events comes first.
    if (memory.configReported(change.codeRepo, change.sha)) return;
    const checks = github.checks(change.codeRepo);
    const { loaded } = admission;
    if (loaded.kind === 'refused') await reportGrantRefusal(checks, change.sha, loaded.refusal);
    else await reportConfigProblems(checks, change.sha, loaded.source, loaded.problems, { ...(loaded.grantedBy ? { by: loaded.grantedBy } : {}), ...(loaded.suggestion ? { suggestion: loaded.suggestion } : {}) });
    memory.rememberConfigReported(change.codeRepo, change.sha);
    log.info(loaded.kind === 'refused' ? `refused on the commit: ${loaded.refusal.reason}` : 'config problems reported on the commit');
    return;
  }
  const { loaded, environments } = admission;
  if (environments.length === 0) {
    log.debug({ branch: change.branch }, 'branch feeds no environment');
    return;
  }
  const serviceLog = log.child({ service: loaded.config.service });
  for (const environment of environments) {
    const envLog = serviceLog.child({ environment: environment.name });
    if (memory.wasPromoted(change.codeRepo, change.sha, environment.name)) {
      envLog.debug('already promoted from this commit');
      continue;
    }
    // A commit whose tree is already built and deployed somewhere reuses that image (src/app/promotion-chain/reuse.ts).
    // Only an optimisation: if GitHub fails here, promote with the commit's own image rather than not at all.
    const reused = await reusableImage(github, { config: loaded.config, codeRepo: change.codeRepo, sha: change.sha }).catch((error: unknown) => {
      envLog.warn({ err: { message: describeGitHubError(error) } }, 'could not compare trees for image reuse');
      return undefined;
    });
    if (reused) envLog.info(describeReuse(reused, change.codeRepo));
    const outcome = await services.promotions.promote(
      github,
      { codeRepo: change.codeRepo, sourceSha: change.sha, environment: environment.name, reason: change.reason, ...(reused ? { image: { ...reused.image, builtFrom: reused.sourceSha } } : {}) },
      { config: loaded, log: envLog },
    );
    if (outcome.kind !== 'failed') memory.rememberPromoted(change.codeRepo, change.sha, environment.name);
    else deliveryWorkFailed();
    envLog.info({ outcome: outcome.kind }, describePromotion(outcome));
  }
}
