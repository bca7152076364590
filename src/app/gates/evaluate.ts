import type { GitHub } from '../../adapters/github/port.js';
import { parseRepo, sameRepo, type RepoRef } from '../../adapters/github/types.js';
import type { EffectiveConfig, EffectiveEnvironment } from '../../core/services/effective.js';
import { parsePromotionBranch } from '../../core/promotion/branch.js';
import { lockGate, nextRecheck, soakGate, windowGate, type GateResult, type UpstreamDeployment } from '../../core/promotion/gates.js';
import { parseTrailers, type LadderTrailers } from '../../core/promotion/trailers.js';
import type { ImageGateDeps } from '../deps.js';
import { loadServiceConfig } from '../promotion/service-config.js';
import { evaluateImageGate } from './image.js';

/** A pull request as the gates need it. */
export interface PromotionPull {
  number: number;
  headRef: string;
  headSha: string;
  /** The environment branch it merges into. */
  baseRef: string;
}

/** What Ladder knows about an open promotion pull request. */
export interface PromotionPullContext {
  pull: PromotionPull;
  trailers: LadderTrailers;
  config: EffectiveConfig;
  environment: EffectiveEnvironment;
}

const rollbackSuffix = '-rollback';

/**
 * Reads a promotion pull request's trailers (from its head commit) and the
 * config they were rendered with. Undefined for pull requests Ladder did not
 * open: another branch, no trailers, a config for another service or
 * repository, or an environment the config lacks.
 */
export async function readPromotionPull(github: GitHub, manifestRepo: RepoRef, pull: PromotionPull): Promise<PromotionPullContext | undefined> {
  // Rollback PRs go into the same protected branch, so they need the statuses too.
  const rollback = pull.headRef.endsWith(rollbackSuffix);
  const branch = parsePromotionBranch(rollback ? pull.headRef.slice(0, -rollbackSuffix.length) : pull.headRef);
  if (!branch) return undefined;
  const head = await github.manifestRepo(manifestRepo).readCommit(pull.headSha);
  const trailers = parseTrailers(head.message);
  if (!trailers || trailers.environment !== branch.environment) return undefined;
  // The config the promoted version was rendered with: a later config change does not move a pending promotion's gates.
  const loaded = await loadServiceConfig(github, parseRepo(trailers.sourceRepo), trailers.sourceSha, { manifestRepo });
  if (loaded.kind !== 'ok') return undefined;
  const { config } = loaded;
  // The trailers name the config to judge by; it must be the one of this service in this repository.
  if (config.service !== branch.service || !sameRepo(parseRepo(config.manifests.repo), manifestRepo)) return undefined;
  const environment = config.environments.find((env) => env.name === branch.environment);
  if (!environment) return undefined;
  return { pull, trailers, config, environment };
}

/** The upstream environment's newest deployment, with the image it deployed. */
async function readUpstream(github: GitHub, manifestRepo: RepoRef, service: string, environment: string): Promise<UpstreamDeployment | undefined> {
  const deployment = await github.deployments(manifestRepo).latest(environment);
  if (!deployment) return undefined;
  const version = await github.manifestRepo(manifestRepo).versionAt(deployment.sha, { service, environment });
  return {
    state: deployment.state,
    at: deployment.stateAt,
    description: deployment.description,
    ...(version ? { image: version.trailers.image } : {}),
  };
}

const rollbackSoak: GateResult = { context: 'ladder/soak', state: 'success', description: 'Rollback: restores an earlier version, no soak' };

export interface GateEvaluation {
  results: GateResult[];
  /** The earliest time any result changes by time alone. */
  recheckAt?: Date;
  /** Contexts whose status was written (the others were already up to date). */
  written: string[];
}

/** Evaluates soak, window, lock (and image, when the App checks images) for a promotion pull request and sets them as statuses on its head. */
export async function evaluateGates(github: GitHub, manifestRepo: RepoRef, promotion: PromotionPullContext, now: Date, images?: ImageGateDeps): Promise<GateEvaluation> {
  const { environment, trailers, pull } = promotion;
  const rollback = trailers.kind === 'rollback';
  const promotedFrom = 'environment' in environment.from && !rollback ? environment.from.environment : undefined;
  const upstream = promotedFrom ? await readUpstream(github, manifestRepo, trailers.service, promotedFrom) : undefined;
  const lock = await github.locks(manifestRepo).read(trailers.service, environment.name);
  const results = [
    // A rollback restores a version this environment already ran: nothing upstream to soak.
    rollback ? rollbackSoak : soakGate({ environment, image: trailers.image, upstream, now }),
    windowGate({ windows: environment.windows, now }),
    lockGate(lock),
    // A rollback's image ran here before, but registries delete images: it is checked as well.
    ...(images ? [await evaluateImageGate(images.registry, trailers.image, now, images.recheckMs)] : []),
  ];
  const written = await github.statuses(manifestRepo).set(pull.headSha, results);
  const recheckAt = nextRecheck(results);
  return { results, written, ...(recheckAt ? { recheckAt } : {}) };
}
