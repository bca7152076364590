import type { GitHub } from '../../adapters/github/port.js';
import { formatRepo, parseRepo, sameRepo, type RepoRef } from '../../adapters/github/types.js';
import { defaultConfigPath } from '../../core/config/load.js';
import type { LadderConfig } from '../../core/config/schema.js';
import { parsePromotionBranch } from '../../core/promotion/branch.js';
import { parseTrailers, type LadderTrailers } from '../../core/promotion/trailers.js';
import { loadServiceConfig } from '../promotion/service-config.js';

/** The pull request a command was written on, and the service it belongs to. */
export interface CommandTarget {
  /** A pull request in the code repository, or a promotion (or rollback) PR in the manifest repository. */
  kind: 'code' | 'promotion';
  /** Where the comment was made (permissions are checked here). */
  repo: RepoRef;
  pull: { number: number; headRef: string; headSha: string; baseRef: string; state: string };
  codeRepo: RepoRef;
  manifestRepo: RepoRef;
  /** The service's config from its code repository's default branch. */
  config: LadderConfig;
  /** Trailers of a promotion PR (its body). */
  promotion?: LadderTrailers;
}

/** A target, or why there is none: `reply` says it to the commenter; without it the comment is not Ladder's business. */
export type TargetResult = { ok: true; target: CommandTarget } | { ok: false; reply?: string; log: string };

/**
 * Works out which service a comment is about. A promotion PR names its
 * service and code repository in its body's trailers; any other pull request
 * is a code PR when its repository has `.github/ladder.yml` (or its
 * organization a shared default). Either way the config is read from the
 * code repository's default branch, the way promotions read it: commands act
 * on the service as it is configured now.
 */
export async function resolveCommandTarget(github: GitHub, repo: RepoRef, pullNumber: number): Promise<TargetResult> {
  const pr = await github.pulls(repo).get(pullNumber);
  const pull = { number: pr.number, headRef: pr.head.ref, headSha: pr.head.sha, baseRef: pr.base.ref, state: pr.state };
  const trailers = parseTrailers(pr.body);
  const ladderBranch = pr.head.ref.startsWith('ladder/') && (parsePromotionBranch(pr.head.ref) !== undefined || pr.head.ref.endsWith('-rollback'));
  if (trailers && ladderBranch) {
    const codeRepo = parseRepo(trailers.sourceRepo);
    const loaded = await loadConfig(github, codeRepo, await github.codeRepo(codeRepo).defaultBranch());
    if (!loaded.ok) return loaded;
    const manifestRepo = parseRepo(loaded.config.manifests.repo);
    if (!sameRepo(manifestRepo, repo)) {
      return { ok: false, log: `promotion PR names ${trailers.sourceRepo}, whose manifests live in ${loaded.config.manifests.repo}, not here` };
    }
    return { ok: true, target: { kind: 'promotion', repo, pull, codeRepo, manifestRepo, config: loaded.config, promotion: trailers } };
  }
  const loaded = await loadConfig(github, repo, pr.base.defaultBranch);
  if (!loaded.ok) return loaded;
  return { ok: true, target: { kind: 'code', repo, pull, codeRepo: repo, manifestRepo: parseRepo(loaded.config.manifests.repo), config: loaded.config } };
}

async function loadConfig(github: GitHub, codeRepo: RepoRef, ref: string): Promise<{ ok: true; config: LadderConfig } | { ok: false; reply?: string; log: string }> {
  const loaded = await loadServiceConfig(github, codeRepo, ref);
  if (loaded.kind === 'missing') {
    return {
      ok: false,
      reply: `\`${formatRepo(codeRepo)}\` has no \`${defaultConfigPath}\` on \`${ref}\`, so Ladder does not know this service. See docs/getting-started.md.`,
      log: `no ${formatRepo(codeRepo)}:${defaultConfigPath} on ${ref}`,
    };
  }
  if (loaded.kind === 'invalid') {
    const problems = loaded.problems.map((p) => `- ${loaded.source.display}:${p.line}:${p.column}: ${p.message}`).join('\n');
    return { ok: false, reply: `\`${formatRepo(codeRepo)}\`'s \`${loaded.source.display}\` on \`${ref}\` is invalid, so I cannot run commands for it:\n\n${problems}`, log: `invalid config of ${formatRepo(codeRepo)}` };
  }
  return { ok: true, config: loaded.config };
}
