import type { GitHubClient, RepoRef } from '../../adapters/github/types.js';
import { defaultConfigPath, parseConfig } from '../../core/config/load.js';
import type { LadderConfig } from '../../core/config/schema.js';

/**
 * The service's `.github/ladder.yml` at a code commit. Gates and the
 * promotion chain read the config the promoted version was rendered with
 * (the `Ladder-Source` commit), so a later config change cannot retro-
 * actively change what a pending promotion needs. Throws LadderConfigError
 * for an invalid file (which the promotion itself would have refused).
 */
export async function readServiceConfig(octokit: GitHubClient, codeRepo: RepoRef, sha: string): Promise<LadderConfig> {
  const { data } = await octokit.rest.repos.getContent({ ...codeRepo, path: defaultConfigPath, ref: sha });
  if (Array.isArray(data) || data.type !== 'file' || typeof data.content !== 'string') {
    throw new Error(`${codeRepo.owner}/${codeRepo.repo}@${sha}: ${defaultConfigPath} is not a file`);
  }
  const text = Buffer.from(data.content, 'base64').toString('utf8');
  return parseConfig(text, defaultConfigPath);
}
