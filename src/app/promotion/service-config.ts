import { bundledKubernetesVersions } from '../../adapters/fs/schema-bundle.js';
import type { CodeRepo, GitHub } from '../../adapters/github/port.js';
import type { RepoRef } from '../../adapters/github/types.js';
import { checkConfig, defaultConfigPath, type ConfigProblem } from '../../core/config/load.js';
import type { LadderConfig } from '../../core/config/schema.js';
import { formatLocation, LadderInputError } from '../../core/errors.js';
import { policyRuleIds } from '../../core/validate/policy/index.js';

/** Where a config was read from. */
export interface ConfigSource {
  repo: RepoRef;
  path: string;
  /** True when it is the code repository's own file (annotations can point at it). */
  inCodeRepo: boolean;
  /** How messages name it: `.github/ladder.yml`, or `shop/.github: .github/ladder.yml` for organisation defaults. */
  display: string;
}

export type ServiceConfig =
  | { kind: 'ok'; config: LadderConfig; source: ConfigSource }
  | { kind: 'invalid'; problems: ConfigProblem[]; source: ConfigSource }
  | { kind: 'missing' };

/**
 * `.github/ladder.yml` of the code repository at `sha`, read as text and
 * checked by Ladder's own loader (Probot's `context.config()` parses the YAML
 * itself and loses lines and columns). When the repository has none, the
 * organisation-wide default in `<owner>/.github` applies, as with Probot's
 * config; errors then name that repository's file.
 */
export async function loadServiceConfig(github: GitHub, codeRepo: RepoRef, sha: string): Promise<ServiceConfig> {
  const ownSource: ConfigSource = { repo: codeRepo, path: defaultConfigPath, inCodeRepo: true, display: defaultConfigPath };
  const own = await readConfigText(github.codeRepo(codeRepo), ownSource, sha);
  if (typeof own === 'object') return own;
  if (own !== undefined) return check(own, ownSource);
  const orgRepo = { owner: codeRepo.owner, repo: '.github' };
  if (codeRepo.repo === '.github') return { kind: 'missing' };
  const sharedSource: ConfigSource = { repo: orgRepo, path: defaultConfigPath, inCodeRepo: false, display: `${orgRepo.owner}/.github: ${defaultConfigPath}` };
  const shared = await readConfigText(github.codeRepo(orgRepo), sharedSource);
  if (typeof shared === 'object') return shared;
  if (shared === undefined) return { kind: 'missing' };
  return check(shared, sharedSource);
}

/** The file's text; a file that cannot be a config (not UTF-8, too large) is an invalid config, reported like any other. */
async function readConfigText(repo: CodeRepo, source: ConfigSource, ref?: string): Promise<string | undefined | ServiceConfig> {
  try {
    return await repo.readTextFile(source.path, ref);
  } catch (error) {
    if (!(error instanceof LadderInputError)) throw error;
    const where = `${formatLocation(error.location)}: `;
    const message = error.message.startsWith(where) ? error.message.slice(where.length) : error.message;
    return { kind: 'invalid', problems: [{ message, key: '', line: 1, column: 1 }], source };
  }
}

function check(text: string, source: ConfigSource): ServiceConfig {
  const result = checkConfig(text, { knownRuleIds: policyRuleIds, knownKubernetesVersions: bundledKubernetesVersions() });
  return result.ok ? { kind: 'ok', config: result.config, source } : { kind: 'invalid', problems: result.problems, source };
}
