import { statusOf } from '../../adapters/github/errors.js';
import type { GitHub } from '../../adapters/github/port.js';
import { formatRepo, parseRepo, sameRepo, type RepoRef } from '../../adapters/github/types.js';
import { manifestBranch } from '../../core/config/environments.js';
import type { LadderConfig } from '../../core/config/schema.js';
import { promotedImage, type PromotedImage } from '../../core/promotion/chain.js';

/** An image built before for a commit with the same tree. */
export interface ReusedImage {
  image: PromotedImage;
  /** The environment running it, and the code commit it was built from. */
  environment: string;
  sourceSha: string;
}

/**
 * For a branch-mapped environment's merge: when the code commit just merged has the
 * same tree as a commit already on some environment (a `stg` branch merged
 * from `dev` without changes, say), that commit's image holds the same
 * bytes, so promote it instead of asking for a rebuild under a new tag.
 *
 * Looks at each environment's current Ladder version (the `Ladder-Source` of
 * its manifest branch head) and compares code trees through
 * `GET git/commits/{sha}`; one listing per environment and one commit read
 * per distinct source, whatever the size of the repository.
 */
export async function reusableImage(github: GitHub, input: { config: LadderConfig; codeRepo: RepoRef; sha: string }): Promise<ReusedImage | undefined> {
  const { config, codeRepo, sha } = input;
  const manifests = github.manifestRepo(parseRepo(config.manifests.repo));
  const code = github.codeRepo(codeRepo);
  const mergedTree = await code.treeOf(sha);
  const treeOf = new Map<string, Promise<string>>();
  for (const environment of config.environments) {
    const version = await manifests.versionAt(manifestBranch(environment), { service: config.service, environment: environment.name }).catch(notFoundAsUndefined);
    if (!version || !sameRepo(parseRepo(version.trailers.sourceRepo), codeRepo)) continue;
    const { sourceSha } = version.trailers;
    if (sourceSha === sha) continue; // the same commit: its own image tag is what rendering gives anyway
    let tree = treeOf.get(sourceSha);
    if (!tree) {
      tree = code.treeOf(sourceSha);
      treeOf.set(sourceSha, tree);
    }
    if ((await tree.catch(() => undefined)) !== mergedTree) continue;
    const image = promotedImage(version.trailers.image);
    if (image) return { image, environment: environment.name, sourceSha };
  }
  return undefined;
}

/** A missing branch (404) or an empty repository (409) has no version. */
function notFoundAsUndefined(error: unknown): undefined {
  if (statusOf(error) === 404 || statusOf(error) === 409) return undefined;
  throw error;
}

export function describeReuse(reused: ReusedImage, codeRepo: RepoRef): string {
  return `same tree as ${formatRepo(codeRepo)}@${reused.sourceSha.slice(0, 12)} on ${reused.environment}: reusing image tag ${reused.image.tag}`;
}
