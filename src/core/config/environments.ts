import { LadderInputError } from '../errors.js';
import type { EnvironmentConfig, LadderConfig } from './schema.js';
import { suggestNearest } from '../text/suggest.js';

/** Where a service's config lives in its code repository. */
export const defaultConfigPath = '.github/ladder.yml';

/**
 * The environment called `name`, for names that come from users (CLI
 * arguments, comment commands). `file` is where the config was read from,
 * so the error points there.
 */
export function environmentNamed<E extends EnvironmentConfig>(config: { service: string; environments: readonly E[] }, name: string, file: string = defaultConfigPath): E {
  const environment = config.environments.find((env) => env.name === name);
  if (environment) return environment;
  const names = config.environments.map((env) => env.name);
  const suggestion = suggestNearest(name, names);
  throw new LadderInputError(
    `no environment named '${name}'; ${config.service} has ${names.map((n) => `'${n}'`).join(', ')}` +
      (suggestion ? ` (did you mean '${suggestion}'?)` : ''),
    { file, key: 'environments' },
  );
}

/** The manifest repository branch an environment's rendered manifests go to. */
export function manifestBranch(environment: EnvironmentConfig): string {
  return environment.branch ?? environment.name;
}

/** One environment with its place in the promotion chain. */
export interface PromotionStage {
  name: string;
  manifestBranch: string;
  /** Code branch whose merges render for this environment, when branch-fed. */
  codeBranch?: string;
  /** Environment promoted into this one, when promotion-fed. */
  upstream?: string;
  /** Environments promoted from this one, in config order. */
  downstream: string[];
}

/**
 * The environments in promotion order (config order, which a valid config
 * keeps upstream-first) with their upstream and downstream neighbours.
 */
export function promotionOrder(config: LadderConfig): PromotionStage[] {
  return config.environments.map((env) => {
    const stage: PromotionStage = {
      name: env.name,
      manifestBranch: manifestBranch(env),
      downstream: downstreamOf(config, env.name).map((next) => next.name),
    };
    if ('branch' in env.from) stage.codeBranch = env.from.branch;
    else stage.upstream = env.from.environment;
    return stage;
  });
}

/** Environments a merge into code branch `branch` renders for. */
export function environmentsFedByBranch<E extends EnvironmentConfig>(config: { environments: readonly E[] }, branch: string): E[] {
  return config.environments.filter((env) => 'branch' in env.from && env.from.branch === branch);
}

/** Environments that promote from `name` once it is deployed and healthy. */
export function downstreamOf<E extends EnvironmentConfig>(config: { environments: readonly E[] }, name: string): E[] {
  return config.environments.filter((env) => 'environment' in env.from && env.from.environment === name);
}
