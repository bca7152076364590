import type { GitHub } from '../../adapters/github/port.js';
import type { RepoRef } from '../../adapters/github/types.js';
import type { ConfigProblem } from '../../core/config/load.js';
import { formatLocation, LadderInputError } from '../../core/errors.js';
import { checkServices } from '../../core/services/load.js';
import { servicesFilePath, type ServicesFile } from '../../core/services/schema.js';
import { policyRuleIds } from '../../core/validate/policy/index.js';

export type Grants = { kind: 'ok'; services: ServicesFile } | { kind: 'invalid'; problems: ConfigProblem[] } | { kind: 'missing' };

/**
 * `.ladder/services.yml` on the manifest repository's default branch (never a
 * promotion or environment branch: only what was merged there, under its
 * protection, grants anything). A repository the App cannot read has none.
 */
export async function readGrants(github: GitHub, manifestRepo: RepoRef): Promise<Grants> {
  let text: string | undefined;
  try {
    text = await github.manifestRepo(manifestRepo).readTextFile(servicesFilePath);
  } catch (error) {
    if (!(error instanceof LadderInputError)) throw error;
    const where = `${formatLocation(error.location)}: `;
    const message = error.message.startsWith(where) ? error.message.slice(where.length) : error.message;
    return { kind: 'invalid', problems: [{ message, key: '', line: 1, column: 1 }] };
  }
  if (text === undefined) return { kind: 'missing' };
  const checked = checkServices(text, { knownRuleIds: policyRuleIds });
  return checked.ok ? { kind: 'ok', services: checked.services } : { kind: 'invalid', problems: checked.problems };
}
