import { ladderVersionAt } from '../../adapters/github/deployments.js';
import type { GitHubClient, RepoRef } from '../../adapters/github/types.js';
import { manifestBranch } from '../../core/config/load.js';
import type { LadderConfig } from '../../core/config/schema.js';
import type { LadderTrailers } from '../../core/promotion/trailers.js';

/** What `/ladder promote <env>` promotes: a code commit, and for promotion-fed environments the upstream's image. */
export type PromotionSource =
  | { ok: true; sourceSha: string; image?: { tag: string; digest?: string }; from: string }
  | { ok: false; problem: string };

/**
 * For a branch-fed environment, the head of its code branch. For
 * `from: { environment: X }`, the Ladder version X runs now — its newest
 * deployment whose latest status is success — with the same image; when X
 * has no deployment recorded (no agent reporting yet), the version on X's
 * branch.
 */
export async function promotionSource(octokit: GitHubClient, config: LadderConfig, codeRepo: RepoRef, manifestRepo: RepoRef, environment: string): Promise<PromotionSource> {
  const env = config.environments.find((e) => e.name === environment)!;
  if ('branch' in env.from) {
    const { data } = await octokit.rest.repos.getBranch({ ...codeRepo, branch: env.from.branch });
    return { ok: true, sourceSha: data.commit.sha, from: `the head of \`${env.from.branch}\`` };
  }
  const upstreamName = env.from.environment;
  const upstream = config.environments.find((e) => e.name === upstreamName)!;
  const deployed = await deployedCommit(octokit, manifestRepo, upstreamName);
  const at = deployed ?? manifestBranch(upstream);
  // Other services may share the manifest repository: only this service's version on the upstream counts.
  const version = await ladderVersionAt(octokit, manifestRepo, at, { service: config.service, environment: upstreamName });
  if (!version) {
    return { ok: false, problem: `\`${upstreamName}\` has no ${config.service} version yet to promote` };
  }
  const from = deployed
    ? `what \`${upstreamName}\` runs, deployed from ${deployed.slice(0, 7)}`
    : `what \`${upstreamName}\`'s branch has; no deployment of it is recorded yet`;
  return { ok: true, sourceSha: version.trailers.sourceSha, image: imageOf(version.trailers), from };
}

/** The manifest commit of the newest deployment to `environment` whose latest status is success. */
async function deployedCommit(octokit: GitHubClient, repo: RepoRef, environment: string): Promise<string | undefined> {
  const { data: deployments } = await octokit.rest.repos.listDeployments({ ...repo, environment, per_page: 10 });
  for (const deployment of deployments) {
    const { data: statuses } = await octokit.rest.repos.listDeploymentStatuses({ ...repo, deployment_id: deployment.id, per_page: 1 });
    if (statuses[0]?.state === 'success') return deployment.sha;
  }
  return undefined;
}

/** `registry/name:tag@sha256:…` → tag and digest. */
export function imageOf(trailers: LadderTrailers): { tag: string; digest?: string } {
  const [reference, digest] = trailers.image.split('@') as [string, string | undefined];
  const colon = reference.lastIndexOf(':');
  const tag = colon > reference.lastIndexOf('/') ? reference.slice(colon + 1) : trailers.sourceSha;
  return digest ? { tag, digest } : { tag };
}
