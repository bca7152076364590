import type { GitHub } from '../../adapters/github/port.js';
import { formatRepo, parseRepo, sameRepo, type RepoRef } from '../../adapters/github/types.js';
import { defaultConfigPath } from '../../core/config/load.js';
import { codeSpan } from '../../core/commands/markdown.js';
import { formatProblem } from '../../core/config/problem.js';
import type { EffectiveConfig } from '../../core/services/effective.js';
import { parsePromotionBranch } from '../../core/promotion/branch.js';
import { parseTrailers, type LadderTrailers } from '../../core/promotion/trailers.js';
import { loadServiceConfig } from '../promotion/service-config.js';

/** The pull request a command was written on, and the service it belongs to. */
export interface CommandTarget {
  /** A pull request in the code repository, or a promotion (or rollback) PR in the manifest repository. */
  kind: 'code' | 'promotion';
  /** Where the comment was made (replies go here; permissions are checked on the manifest repository). */
  repo: RepoRef;
  pull: { number: number; headRef: string; headSha: string; baseRef: string; state: string };
  codeRepo: RepoRef;
  manifestRepo: RepoRef;
  /** The service's config from its code repository's default branch, with the manifest repository's grant applied. */
  config: EffectiveConfig;
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
 * code repository's default branch, the way promotions read it, with the
 * manifest repository's grant applied: commands act on the service as it is
 * configured, and granted, now. A repository without Ladder configuration
 * gets no reply at all (anyone who can comment could otherwise make Ladder
 * spend the installation's rate limit answering).
 */
export async function resolveCommandTarget(github: GitHub, repo: RepoRef, pullNumber: number): Promise<TargetResult> {
  const pr = await github.pulls(repo).get(pullNumber);
  const pull = { number: pr.number, headRef: pr.head.ref, headSha: pr.head.sha, baseRef: pr.base.ref, state: pr.state };
  const trailers = parseTrailers(pr.body);
  // A fork's branch may be called ladder/… too: only the manifest repository's own branches are Ladder's.
  const ladderBranch = pr.head.inRepo && pr.head.ref.startsWith('ladder/') && (parsePromotionBranch(pr.head.ref) !== undefined || pr.head.ref.endsWith('-rollback'));
  if (trailers && ladderBranch) {
    const codeRepo = parseRepo(trailers.sourceRepo);
    const loaded = await loadConfig(github, codeRepo, await github.codeRepo(codeRepo).defaultBranch());
    if (!loaded.ok) return loaded;
    const manifestRepo = parseRepo(loaded.config.manifests.repo);
    if (!sameRepo(manifestRepo, repo)) {
      return { ok: false, log: `promotion PR names ${trailers.sourceRepo}, whose manifests live in ${loaded.config.manifests.repo}, not here` };
    }
    // The branch and trailers name the service: it must be the one the grant gives that repository.
    if (trailers.service !== loaded.config.service) {
      return { ok: false, log: `promotion PR names service ${trailers.service}, but ${trailers.sourceRepo} speaks for ${loaded.config.service}` };
    }
    return { ok: true, target: { kind: 'promotion', repo, pull, codeRepo, manifestRepo, config: loaded.config, promotion: trailers } };
  }
  const loaded = await loadConfig(github, repo, pr.base.defaultBranch);
  if (!loaded.ok) return loaded;
  return { ok: true, target: { kind: 'code', repo, pull, codeRepo: repo, manifestRepo: parseRepo(loaded.config.manifests.repo), config: loaded.config } };
}

async function loadConfig(github: GitHub, codeRepo: RepoRef, ref: string): Promise<{ ok: true; config: EffectiveConfig } | { ok: false; reply?: string; log: string }> {
  const loaded = await loadServiceConfig(github, codeRepo, ref);
  if (loaded.kind === 'missing') return { ok: false, log: `no ${formatRepo(codeRepo)}:${defaultConfigPath} on ${ref}: not a Ladder service, no reply` };
  if (loaded.kind === 'invalid') {
    const problems = loaded.problems.map((p) => `- ${codeSpan(formatProblem(loaded.source.display, p), 500)}`).join('\n');
    const what = loaded.grantedBy ? `asks for more than \`${formatRepo(loaded.grantedBy)}\` grants` : 'is invalid';
    return { ok: false, reply: `\`${formatRepo(codeRepo)}\`'s \`${loaded.source.display}\` on \`${ref}\` ${what}, so I cannot run commands for it:\n\n${problems}`, log: `invalid config of ${formatRepo(codeRepo)}` };
  }
  if (loaded.kind === 'refused') {
    return { ok: false, reply: `I cannot run commands for \`${formatRepo(codeRepo)}\`: ${loaded.refusal.reason}. See docs/services.md.`, log: loaded.refusal.reason };
  }
  return { ok: true, config: loaded.config };
}
