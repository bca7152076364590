import { bundledKubernetesVersions } from '../../adapters/fs/schema-bundle.js';
import type { CodeRepo, GitHub } from '../../adapters/github/port.js';
import { formatRepo, parseRepo, type RepoRef } from '../../adapters/github/types.js';
import { checkConfigLocated, defaultConfigPath, type ConfigProblem } from '../../core/config/load.js';
import type { LadderConfig } from '../../core/config/schema.js';
import { formatLocation, LadderInputError } from '../../core/errors.js';
import { checkGrantedConfig, type EffectiveConfig } from '../../core/services/effective.js';
import { servicesFilePath } from '../../core/services/schema.js';
import { grantSnippet } from '../../core/services/snippet.js';
import { policyRuleIds } from '../../core/validate/policy/index.js';
import { readGrants, type Grants } from './grants.js';

/** Where a config was read from. */
export interface ConfigSource {
  repo: RepoRef;
  path: string;
  /** True when it is the code repository's own file (annotations can point at it). */
  inCodeRepo: boolean;
  /** How messages name it: `.github/ladder.yml`, or `shop/.github: .github/ladder.yml` for organisation defaults. */
  display: string;
}

/** Why the manifest repository grants nothing at all, with what to add where. */
export interface GrantRefusal {
  manifestRepo: RepoRef;
  /** One line: what is wrong. */
  reason: string;
  /** What to do about it, in Markdown (the services file's problems, or the entry to add). */
  remedy: string;
}

export type ServiceConfig =
  | { kind: 'ok'; config: EffectiveConfig; source: ConfigSource }
  /**
   * The code config is wrong, or asks for more than `.ladder/services.yml`
   * grants: either way each problem points at a line of the code config.
   * `grantedBy` names the manifest repository when the grant refused it;
   * `suggestion` is the entry to add there when it grants the repository nothing.
   */
  | { kind: 'invalid'; problems: ConfigProblem[]; source: ConfigSource; grantedBy?: RepoRef; suggestion?: string }
  /** The manifest repository has no valid `.ladder/services.yml`: nothing in the code config to point at. */
  | { kind: 'refused'; refusal: GrantRefusal; source: ConfigSource; config: LadderConfig }
  | { kind: 'missing' };

/**
 * `.github/ladder.yml` of the code repository at `ref` (with `manifestRepo`,
 * held to that repository's grant whatever the file names), checked by Ladder's
 * own loader, with the grant of the manifest repository it names applied:
 * what every feature works with is the effective config, never the code
 * repository's word alone. When the repository has no config of its own, the
 * organisation-wide default in `<owner>/.github` applies, as with Probot's config.
 */
export async function loadServiceConfig(github: GitHub, codeRepo: RepoRef, ref: string, options: { manifestRepo?: RepoRef; grants?: Grants } = {}): Promise<ServiceConfig> {
  const read = await readCodeConfig(github, codeRepo, ref);
  if (read.kind !== 'text') return read;
  const { text, source } = read;
  const own = checkConfigLocated(text, { knownRuleIds: policyRuleIds, knownKubernetesVersions: bundledKubernetesVersions() });
  if (!own.ok) return { kind: 'invalid', problems: own.problems, source };
  return applyGrants(github, codeRepo, { text, source, config: own.config }, options);
}

/** A code config that reads fine, held to the grant of the manifest repository it names (or `options.manifestRepo`). */
async function applyGrants(
  github: GitHub,
  codeRepo: RepoRef,
  own: { text: string; source: ConfigSource; config: LadderConfig },
  options: { manifestRepo?: RepoRef; grants?: Grants },
): Promise<ServiceConfig> {
  const { text, source } = own;
  const checks = { knownRuleIds: policyRuleIds, knownKubernetesVersions: bundledKubernetesVersions() };
  // A caller acting for one manifest repository (a comment there, a code PR of a service it knows) holds the config to that one's grant.
  const manifestRepo = options.manifestRepo ?? parseRepo(own.config.manifests.repo);
  const grants = options.grants ?? (await readGrants(github, manifestRepo));
  if (grants.kind !== 'ok') return { kind: 'refused', refusal: refusalOf(grants, manifestRepo, own.config, codeRepo), source, config: own.config };
  const granted = checkGrantedConfig(text, { services: grants.services, manifestRepo: formatRepo(manifestRepo), codeRepo: formatRepo(codeRepo) }, checks);
  if (granted.ok) return { kind: 'ok', config: granted.config, source };
  const claimed = Object.values(grants.services.services).some((grant) => grant.repository.toLowerCase() === formatRepo(codeRepo).toLowerCase());
  return {
    kind: 'invalid',
    problems: granted.problems,
    source,
    grantedBy: manifestRepo,
    ...(claimed ? {} : { suggestion: grantSnippet(own.config, formatRepo(codeRepo)) }),
  };
}

/** The code config's text and where it came from: the repository's own file, else the organisation's default. */
export async function readCodeConfig(github: GitHub, codeRepo: RepoRef, ref: string): Promise<{ kind: 'text'; text: string; source: ConfigSource } | Extract<ServiceConfig, { kind: 'invalid' | 'missing' }>> {
  const ownSource: ConfigSource = { repo: codeRepo, path: defaultConfigPath, inCodeRepo: true, display: defaultConfigPath };
  const own = await readConfigText(github.codeRepo(codeRepo), ownSource, ref);
  if (typeof own === 'object') return own;
  if (own !== undefined) return { kind: 'text', text: own, source: ownSource };
  const orgRepo = { owner: codeRepo.owner, repo: '.github' };
  if (codeRepo.repo === '.github') return { kind: 'missing' };
  const sharedSource: ConfigSource = { repo: orgRepo, path: defaultConfigPath, inCodeRepo: false, display: `${orgRepo.owner}/.github: ${defaultConfigPath}` };
  const shared = await readConfigText(github.codeRepo(orgRepo), sharedSource);
  if (typeof shared === 'object') return shared;
  if (shared === undefined) return { kind: 'missing' };
  return { kind: 'text', text: shared, source: sharedSource };
}

/** The file's text; a file that cannot be a config (not UTF-8, too large, not a regular file) is an invalid config, reported like any other. */
async function readConfigText(repo: CodeRepo, source: ConfigSource, ref?: string): Promise<string | undefined | Extract<ServiceConfig, { kind: 'invalid' }>> {
  try {
    return await repo.readTextFile(source.path, ref);
  } catch (error) {
    if (!(error instanceof LadderInputError)) throw error;
    const where = `${formatLocation(error.location)}: `;
    const message = error.message.startsWith(where) ? error.message.slice(where.length) : error.message;
    return { kind: 'invalid', problems: [{ message, key: '', line: 1, column: 1 }], source };
  }
}

export function refusalOf(grants: Exclude<Grants, { kind: 'ok' }>, manifestRepo: RepoRef, config: LadderConfig, codeRepo: RepoRef): GrantRefusal {
  const where = `${formatRepo(manifestRepo)}: ${servicesFilePath}`;
  if (grants.kind === 'invalid') {
    return {
      manifestRepo,
      reason: `${where} is invalid, so it grants nothing`,
      remedy: `Fix it on the default branch of ${formatRepo(manifestRepo)}:\n\n${grants.problems.map((p) => `- \`${servicesFilePath}:${p.line}:${p.column}\` ${p.key ? `${p.key}: ` : ''}${p.message}`).join('\n')}`,
    };
  }
  return {
    manifestRepo,
    reason: `${formatRepo(manifestRepo)} has no ${servicesFilePath} on its default branch, so it grants this service nothing`,
    remedy:
      `The manifest repository decides what may be promoted where (docs/services.md). To grant what this config asks for, ` +
      `add \`${servicesFilePath}\` to the default branch of ${formatRepo(manifestRepo)} (and protect that branch), with:\n\n` +
      `\`\`\`yaml\n${grantSnippet(config, formatRepo(codeRepo))}\`\`\``,
  };
}
