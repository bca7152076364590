import { deliveryWorkFailed } from '../deliveries/delivery-scope.js';
import type { Logger } from 'pino';
import type { Probot } from 'probot';
import { describeGitHubError } from '../../adapters/github/errors.js';
import type { GitHub, LadderVersion } from '../../adapters/github/port.js';
import { formatRepo, parseRepo, sameRepo, type RepoRef } from '../../adapters/github/types.js';
import { environmentsToPromote, promotedImage } from '../../core/promotion/chain.js';
import { describePromotion, isRetryable } from '../../core/promotion/outcome.js';
import type { LadderServices } from '../compose.js';
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
export function register(app: Probot, services: LadderServices): void {
  app.on('deployment_status', async (context) => {
    const { deployment_status: status, deployment, repository, installation } = context.payload;
    if (status.state !== 'success') return;
    const log = services.log.child({ feature: 'chain', repo: repository.full_name, deployed: deployment.environment, deployment: deployment.id, manifestCommit: deployment.sha });
    const event: DeploymentEvent = { id: deployment.id, environment: deployment.environment, sha: deployment.sha };
    const attemptPromotion = (github: GitHub, attempt: number): void => {
      // Its own key: promote() takes the downstream environment's key itself.
      void services.queue.run(`chain:${repository.full_name.toLowerCase()}:${deployment.environment}`, async () => {
        let failure: string | undefined;
        try {
          const outcomes = await promoteDownstream(services, github, log, parseRepo(repository.full_name), event);
          failure = outcomes.find((outcome) => outcome.retryable)?.message;
        } catch (error) {
          failure = describeGitHubError(error);
        }
        if (failure === undefined) return;
        deliveryWorkFailed();
        if (attempt >= maxAttempts || !installation) return void log.error({ reason: failure, attempt }, 'Promotion after a deployment failed; giving up (redeliver the webhook to retry)');
        const at = new Date(services.clock.now().getTime() + retryDelayMs);
        log.warn({ reason: failure, attempt, retryAt: at }, 'Promotion after a deployment failed; retrying later');
        services.clock.setTimer(at, () => {
          // On the queue at once (so `settled()` and shutdown see it), with a fresh installation client:
          // the old token may have expired by then.
          void services.queue
            .run(`chain-retry:${deployment.id}`, async () => attemptPromotion(await services.github.forInstallation(installation.id), attempt + 1))
            .catch((error: unknown) => log.error({ err: { message: describeGitHubError(error) } }, 'Could not authenticate to retry the promotion'));
        });
      });
    };
    attemptPromotion(services.github.fromClient(context.octokit), 1);
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
  retryable: boolean;
}

/**
 * Opens or updates the promotion PRs fed by a successfully deployed
 * environment, for every service whose version arrived with this deployment
 * (several when services share the manifest repository and their promotions
 * were deployed together).
 */
async function promoteDownstream(services: LadderServices, github: GitHub, log: Logger, manifestRepo: RepoRef, deployment: DeploymentEvent): Promise<DownstreamOutcome[]> {
  // A late or redelivered status of an older deployment must not drag an older image downstream.
  // Only a deployment Ladder's own identity recorded promotes (the port reads no other): the event's must be the newest of those.
  const newest = await github.deployments(manifestRepo).latest(deployment.environment);
  if (!newest) return skip(log, `no deployment of ${deployment.environment} recorded by Ladder (the App or its agent); this one does not count`);
  if (newest.id !== deployment.id) return skip(log, `a newer deployment (${newest.id}) of ${deployment.environment} exists, or ${deployment.id} is not Ladder's`);
  const versions = await deployedVersions(github, manifestRepo, deployment);
  if (versions.length === 0) return skip(log, 'the deployed commit carries no Ladder trailers');
  const outcomes: DownstreamOutcome[] = [];
  for (const version of versions) outcomes.push(...(await promoteVersion(services, github, log, manifestRepo, deployment.environment, version)));
  return outcomes;
}

/** The versions new since the previous successful deployment; else the one at the deployed commit (a redeploy). */
async function deployedVersions(github: GitHub, manifestRepo: RepoRef, deployment: DeploymentEvent): Promise<LadderVersion[]> {
  const manifests = github.manifestRepo(manifestRepo);
  const previous = await github.deployments(manifestRepo).find({
    environment: deployment.environment,
    newest: 10,
    olderThan: deployment.id,
    // `inactive`: a success that a later success replaced.
    state: (state) => state === 'success' || state === 'inactive',
  });
  const arrived = previous.match ? await manifests.versionsBetween(previous.match.sha, deployment.sha, deployment.environment) : [];
  if (arrived.length > 0) return arrived;
  const current = await manifests.versionAt(deployment.sha, { environment: deployment.environment });
  return current ? [current] : [];
}

async function promoteVersion(
  services: LadderServices,
  github: GitHub,
  parentLog: Logger,
  manifestRepo: RepoRef,
  deployed: string,
  version: LadderVersion,
): Promise<DownstreamOutcome[]> {
  // The version's service and code commit; each environment promoted to adds its name.
  const log = parentLog.child({ service: version.trailers.service, commit: version.trailers.sourceSha });
  const { trailers } = version;
  if (trailers.kind === 'rollback') return skip(log, 'a rollback is not promoted onwards');
  const image = promotedImage(trailers.image);
  if (!image) return skip(log, `Ladder-Image ${trailers.image} has no tag`);
  const codeRepo = parseRepo(trailers.sourceRepo);
  // Held to this repository's grant: the deployment happened here, whatever the code config names.
  const loaded = await loadServiceConfig(github, codeRepo, trailers.sourceSha, { manifestRepo });
  if (loaded.kind !== 'ok') return skip(log, `the config of ${trailers.sourceRepo}@${trailers.sourceSha.slice(0, 12)} is ${loaded.kind}`);
  // Trailers are text in a commit: the service they name must be the one the grant gives that repository.
  if (loaded.config.service !== trailers.service) return skip(log, `${trailers.sourceRepo} speaks for ${loaded.config.service}, not ${trailers.service}`);
  if (!sameRepo(parseRepo(loaded.config.manifests.repo), manifestRepo)) {
    return skip(log, `${trailers.service} keeps its manifests in ${loaded.config.manifests.repo}, not ${formatRepo(manifestRepo)}`);
  }
  const outcomes: DownstreamOutcome[] = [];
  for (const next of environmentsToPromote(loaded.config, deployed)) {
    const envLog = log.child({ environment: next.name });
    const outcome = await services.promotions.promote(github, { codeRepo, sourceSha: trailers.sourceSha, environment: next.name, image, reason: 'deployment' }, { config: loaded, log: envLog });
    const message = describePromotion(outcome);
    envLog.info({ outcome: outcome.kind, image: trailers.image }, `promotion after ${deployed} deployed: ${message}`);
    outcomes.push({ environment: next.name, kind: outcome.kind, message, retryable: isRetryable(outcome) });
  }
  return outcomes;
}

function skip(log: Logger, reason: string): DownstreamOutcome[] {
  log.info({ reason }, 'Not promoting after this deployment');
  return [];
}
