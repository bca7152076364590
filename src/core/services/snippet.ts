import { stringify } from 'yaml';
import type { LadderConfig } from '../config/schema.js';
import type { ServiceGrant } from './schema.js';

/**
 * The `.ladder/services.yml` entry that would grant a code config exactly
 * what it asks: what a refusal shows the manifest repository's owners to add
 * (they decide whether to). Asks the config does not make are left out.
 */
export function grantFor(config: LadderConfig, codeRepo: string): { name: string; grant: ServiceGrant } {
  const environments: ServiceGrant['environments'] = {};
  for (const environment of config.environments) {
    const exceptions = config.validation.disable.map((exception) => ({
      rule: exception.rule,
      reason: exception.reason,
      ...(exception.resources ? { resources: exception.resources } : {}),
    }));
    const clusterScoped = config.validation.allowClusterScoped.map((kind) => ({ kind, names: ['<name>'] }));
    environments[environment.name] = {
      ...(environment.branch !== undefined && environment.branch !== environment.name ? { branch: environment.branch } : {}),
      from: 'branch' in environment.from ? { branches: [environment.from.branch] } : { environment: environment.from.environment },
      namespaces: [environment.namespace],
      autoMerge: environment.autoMerge,
      exceptions,
      clusterScoped,
      ...(environment.commenters ? { commenters: environment.commenters } : {}),
    };
  }
  return { name: config.service, grant: { repository: codeRepo, path: config.manifests.path ?? config.service, environments } };
}

/** The entry as YAML under `services:`, defaults left out so it reads like a hand-written one. */
export function grantSnippet(config: LadderConfig, codeRepo: string): string {
  const { name, grant } = grantFor(config, codeRepo);
  const environments = Object.fromEntries(
    Object.entries(grant.environments).map(([env, entry]) => [
      env,
      Object.fromEntries(Object.entries(entry).filter(([key, value]) => !(key === 'autoMerge' && value === false) && !(Array.isArray(value) && value.length === 0))),
    ]),
  );
  return stringify({ services: { [name]: { ...grant, environments } } }, { flowCollectionPadding: true, collectionStyle: 'block' });
}
