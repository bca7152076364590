import type { Logger } from 'pino';
import type { Probot } from 'probot';
import { ladderVersionAt, ladderVersionsBetween, latestDeployment, previousSuccessfulDeployment, type LadderVersion } from '../../adapters/github/deployments.js';
import { describeGitHubError } from '../../adapters/github/errors.js';
import { formatRepo, parseRepo, sameRepo, type GitHubClient, type RepoRef } from '../../adapters/github/types.js';
import { environmentsToPromote, promotedImage } from '../../core/promotion/chain.js';
import type { AppDeps } from '../deps.js';
import { promote, promotionContext, type PromotionContext } from '../promotion/promote.js';
import { loadServiceConfig } from '../promotion/service-config.js';

/** GitHub failing past Octokit's retries: try the whole step again later, a few times. */
const retryDelayMs = 60_000;
const maxAttempts = 4;

/**
 * Promotion by deployment status (design §1, artifact promotion): when the
 * agent reports a successful deployment of environment X, every environment
 * with `from: { environment: X }` gets its promotion PR opened or updated
 * with the SAME image X runs (tag and digest from the deployed commit's
 * `Ladder-Image`), never one re-derived from the code commit.
 */
export function register(app: Probot, deps: AppDeps): void {
  app.on('deployment_status', async (context) => {
    const { deployment_status: status, deployment, repository, installation } = context.payload;
    if (status.state !== 'success') return;
    const log = (deps.log ?? (app.log as unknown as Logger)).child({ feature: 'chain', repo: repository.full_name, env: deployment.environment, sha: deployment.sha });
    const event: DeploymentEvent = { id: deployment.id, environment: deployment.environment, sha: deployment.sha };
    const run = (octokit: GitHubClient, attempt: number): void => {
      const ctx = promotionContext(octokit, deps, log);
      // Its own key: promote() takes the downstream environment's key itself.
      void deps.queue.run(`chain:${repository.full_name.toLowerCase()}:${deployment.environment}`, async () => {
        let failure: string | undefined;
        try {
          const outcomes = await promoteDownstream(ctx, parseRepo(repository.full_name), event);
          failure = outcomes.find((outcome) => outcome.kind === 'failed')?.message;
        } catch (error) {
          failure = describeGitHubError(error);
        }
        if (failure === undefined) return;
        if (attempt >= maxAttempts || !installation) return void log.error({ reason: failure, attempt }, 'Promotion after a deployment failed; giving up (redeliver the webhook to retry)');
        const at = new Date(deps.clock.now().getTime() + retryDelayMs);
        log.warn({ reason: failure, attempt, retryAt: at }, 'Promotion after a deployment failed; retrying later');
        deps.clock.setTimer(at, () => {
          // On the queue at once (so `settled()` and shutdown see it), with a fresh installation client:
          // the old token may have expired by then.
          void deps.queue
            .run(`chain-retry:${deployment.id}`, async () => run((await app.auth(installation.id)) as unknown as GitHubClient, attempt + 1))
            .catch((error: unknown) => log.error({ err: { message: describeGitHubError(error) } }, 'Could not authenticate to retry the promotion'));
        });
      });
    };
    run(context.octokit as unknown as GitHubClient, 1);
  });
}

export interface DeploymentEvent {
  id: number;
  environment: string;
  sha: string;
}

export interface DownstreamOutcome {
  environment: string;
  kind: string;
  message: string;
}

/**
 * Opens or updates the promotion PRs fed by a successfully deployed
 * environment, for every service whose version arrived with this deployment
 * (several when services share the manifest repository and their promotions
 * were deployed together).
 */
export async function promoteDownstream(ctx: PromotionContext, manifestRepo: RepoRef, deployment: DeploymentEvent): Promise<DownstreamOutcome[]> {
  const { octokit, log } = ctx;
  // A late or redelivered status of an older deployment must not drag an older image downstream.
  const newest = await latestDeployment(octokit, manifestRepo, deployment.environment);
  if (newest && newest.id !== deployment.id) return skip(log, `a newer deployment (${newest.id}) of ${deployment.environment} exists`);
  const versions = await deployedVersions(octokit, manifestRepo, deployment);
  if (versions.length === 0) return skip(log, 'the deployed commit carries no Ladder trailers');
  const outcomes: DownstreamOutcome[] = [];
  for (const version of versions) outcomes.push(...(await promoteVersion(ctx, manifestRepo, deployment.environment, version)));
  return outcomes;
}

/** The versions new since the previous successful deployment; else the one at the deployed commit (a redeploy). */
async function deployedVersions(octokit: GitHubClient, manifestRepo: RepoRef, deployment: DeploymentEvent): Promise<LadderVersion[]> {
  const previous = await previousSuccessfulDeployment(octokit, manifestRepo, deployment.environment, deployment.id);
  const arrived = previous ? await ladderVersionsBetween(octokit, manifestRepo, previous.sha, deployment.sha, deployment.environment) : [];
  if (arrived.length > 0) return arrived;
  const current = await ladderVersionAt(octokit, manifestRepo, deployment.sha, { environment: deployment.environment });
  return current ? [current] : [];
}

async function promoteVersion(ctx: PromotionContext, manifestRepo: RepoRef, deployed: string, version: LadderVersion): Promise<DownstreamOutcome[]> {
  const log = ctx.log.child({ service: version.trailers.service });
  const { trailers } = version;
  if (trailers.kind === 'rollback') return skip(log, 'a rollback is not promoted onwards');
  const image = promotedImage(trailers.image);
  if (!image) return skip(log, `Ladder-Image ${trailers.image} has no tag`);
  const codeRepo = parseRepo(trailers.sourceRepo);
  const loaded = await loadServiceConfig(ctx.octokit, codeRepo, trailers.sourceSha);
  if (loaded.kind !== 'ok') return skip(log, `the config of ${trailers.sourceRepo}@${trailers.sourceSha.slice(0, 12)} is ${loaded.kind}`);
  if (!sameRepo(parseRepo(loaded.config.manifests.repo), manifestRepo)) {
    return skip(log, `${trailers.service} keeps its manifests in ${loaded.config.manifests.repo}, not ${formatRepo(manifestRepo)}`);
  }
  const outcomes: DownstreamOutcome[] = [];
  for (const next of environmentsToPromote(loaded.config, deployed)) {
    const outcome = await promote(
      ctx,
      { codeRepo, sourceSha: trailers.sourceSha, environment: next.name, image, reason: 'deployment' },
      { config: loaded },
    );
    log.info({ to: next.name, outcome: outcome.kind, image: trailers.image }, `promotion after ${deployed} deployed: ${outcome.message}`);
    outcomes.push({ environment: next.name, kind: outcome.kind, message: outcome.message });
  }
  return outcomes;
}

function skip(log: Logger, reason: string): DownstreamOutcome[] {
  log.info({ reason }, 'Not promoting after this deployment');
  return [];
}
