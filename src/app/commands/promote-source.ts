import type { GitHub } from '../../adapters/github/port.js';
import type { RepoRef } from '../../adapters/github/types.js';
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
export async function promotionSource(github: GitHub, config: LadderConfig, codeRepo: RepoRef, manifestRepo: RepoRef, environment: string): Promise<PromotionSource> {
  const env = config.environments.find((e) => e.name === environment)!;
  if ('branch' in env.from) {
    const head = await github.codeRepo(codeRepo).branchHead(env.from.branch);
    if (!head) return { ok: false, problem: `the code repository has no branch \`${env.from.branch}\`` };
    return { ok: true, sourceSha: head, from: `the head of \`${env.from.branch}\`` };
  }
  const upstreamName = env.from.environment;
  const upstream = config.environments.find((e) => e.name === upstreamName)!;
  // What the upstream runs now: its newest deployment whose latest status is success.
  const deployed = (await github.deployments(manifestRepo).find({ environment: upstreamName, newest: 10, state: (state) => state === 'success' })).match?.sha;
  const at = deployed ?? manifestBranch(upstream);
  // Other services may share the manifest repository: only this service's version on the upstream counts.
  const version = await github.manifestRepo(manifestRepo).versionAt(at, { service: config.service, environment: upstreamName });
  if (!version) {
    return { ok: false, problem: `\`${upstreamName}\` has no ${config.service} version yet to promote` };
  }
  const from = deployed
    ? `what \`${upstreamName}\` runs, deployed from ${deployed.slice(0, 7)}`
    : `what \`${upstreamName}\`'s branch has; no deployment of it is recorded yet`;
  return { ok: true, sourceSha: version.trailers.sourceSha, image: imageOf(version.trailers), from };
}

/** `registry/name:tag@sha256:…` → tag and digest. */
export function imageOf(trailers: LadderTrailers): { tag: string; digest?: string } {
  const [reference, digest] = trailers.image.split('@') as [string, string | undefined];
  const colon = reference.lastIndexOf(':');
  const tag = colon > reference.lastIndexOf('/') ? reference.slice(colon + 1) : trailers.sourceSha;
  return digest ? { tag, digest } : { tag };
}
