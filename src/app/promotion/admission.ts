import type { GitHub } from '../../adapters/github/port.js';
import { formatRepo, parseRepo, type RepoRef } from '../../adapters/github/types.js';
import { checkConfigLocated, environmentsFedByBranch } from '../../core/config/load.js';
import type { EffectiveEnvironment } from '../../core/services/effective.js';
import { servicesFilePath } from '../../core/services/schema.js';
import { grantSnippet } from '../../core/services/snippet.js';
import { readGrants } from './grants.js';
import { loadServiceConfig, readCodeConfig, refusalOf, type ServiceConfig } from './service-config.js';

export type Admission =
  /** Not Ladder's business, or not a branch the manifest repository lets feed anything: logged, never rendered. */
  | { kind: 'ignore'; level: 'debug' | 'info'; reason: string }
  | { kind: 'invalid'; loaded: Extract<ServiceConfig, { kind: 'invalid' }> }
  | { kind: 'refused'; loaded: Extract<ServiceConfig, { kind: 'refused' }> }
  | { kind: 'promote'; loaded: Extract<ServiceConfig, { kind: 'ok' }>; environments: EffectiveEnvironment[] };

/**
 * Whether a merge or push into `branch` of a code repository may promote,
 * decided before its config is read (issue #11: a writer's `feature-x` with
 * its own `prd: { from: feature-x, autoMerge: true }` must never render):
 *
 * 1. The config on the default branch (the pushed commit itself when that is
 *    the default branch) names the manifest repository; nothing else of it is used.
 * 2. That repository's `.ladder/services.yml` must give the code repository a
 *    service, and let `branch` feed one of its environments.
 * 3. Only then is the config at the pushed commit read, and held to the grant.
 *
 * A refusal is reported on the commit only when the default branch's config
 * asks for `branch` to feed something: every other push is ignored with a log
 * line, so pushes to topic branches cost one or two reads and no check run.
 */
export async function admitCodeChange(github: GitHub, codeRepo: RepoRef, branch: string, sha: string): Promise<Admission> {
  const defaultBranch = await github.codeRepo(codeRepo).defaultBranch();
  const onDefault = branch === defaultBranch;
  const pointer = await readCodeConfig(github, codeRepo, onDefault ? sha : defaultBranch);
  if (pointer.kind === 'missing') return ignore('debug', `no config on ${defaultBranch}; not a Ladder service`);
  if (pointer.kind === 'invalid') return onDefault ? { kind: 'invalid', loaded: pointer } : ignore('info', `the config on ${defaultBranch} is invalid, so ${branch} is not read`);
  const parsed = checkConfigLocated(pointer.text);
  if (!parsed.ok) {
    return onDefault ? { kind: 'invalid', loaded: { kind: 'invalid', problems: parsed.problems, source: pointer.source } } : ignore('info', `the config on ${defaultBranch} is invalid, so ${branch} is not read`);
  }
  const manifestRepo = parseRepo(parsed.config.manifests.repo);
  const asked = environmentsFedByBranch(parsed.config, branch).length > 0;
  const grants = await readGrants(github, manifestRepo);
  if (grants.kind !== 'ok') {
    if (!asked) return ignore('info', `${branch} feeds no environment in the config on ${defaultBranch}, and ${formatRepo(manifestRepo)} grants nothing`);
    return { kind: 'refused', loaded: { kind: 'refused', refusal: refusalOf(grants, manifestRepo, parsed.config, codeRepo), source: pointer.source, config: parsed.config } };
  }
  const service = Object.entries(grants.services.services).find(([, grant]) => grant.repository.toLowerCase() === formatRepo(codeRepo).toLowerCase());
  if (!service && onDefault && asked) {
    // The pushed commit is the default branch's: its config is the one just read, so the refusal can point at its lines.
    const loaded = await loadServiceConfig(github, codeRepo, sha, { manifestRepo, grants });
    if (loaded.kind === 'invalid' || loaded.kind === 'refused') return loaded.kind === 'invalid' ? { kind: 'invalid', loaded } : { kind: 'refused', loaded };
  }
  if (!service) {
    if (!asked) return ignore('info', `${formatRepo(manifestRepo)}'s ${servicesFilePath} grants ${formatRepo(codeRepo)} nothing`);
    const refusal = {
      manifestRepo,
      reason: `${formatRepo(manifestRepo)}'s ${servicesFilePath} grants ${formatRepo(codeRepo)} no service`,
      remedy: `The manifest repository decides what may be promoted where (docs/services.md). To grant what this config asks for, add to \`${servicesFilePath}\` on the default branch of ${formatRepo(manifestRepo)}:\n\n\`\`\`yaml\n${grantSnippet(parsed.config, formatRepo(codeRepo))}\`\`\``,
    };
    return { kind: 'refused', loaded: { kind: 'refused', refusal, source: pointer.source, config: parsed.config } };
  }
  const [name, grant] = service;
  const feeds = Object.values(grant.environments).some((environment) => 'branches' in environment.from && environment.from.branches.includes(branch));
  if (!feeds) return ignore('info', `${formatRepo(manifestRepo)}'s ${servicesFilePath} lets ${branch} feed no environment of ${name}; its config there is not read`);

  const loaded = await loadServiceConfig(github, codeRepo, sha, { manifestRepo, grants });
  switch (loaded.kind) {
    case 'missing':
      return ignore('info', `no config at ${sha.slice(0, 12)} of ${branch}`);
    case 'invalid':
    case 'refused':
      return loaded.kind === 'invalid' ? { kind: 'invalid', loaded } : { kind: 'refused', loaded };
    case 'ok':
      return { kind: 'promote', loaded, environments: environmentsFedByBranch(loaded.config, branch) };
  }
}

function ignore(level: 'debug' | 'info', reason: string): Admission {
  return { kind: 'ignore', level, reason };
}
