import type { GitHub } from '../../adapters/github/port.js';
import { formatRepo, type RepoRef } from '../../adapters/github/types.js';
import type { EffectiveConfig, EffectiveEnvironment } from '../../core/services/effective.js';
import { manifestPath } from '../../core/promotion/changes.js';
import { renderPromotionBody, type IncludedCommit } from '../../core/promotion/pull-request.js';
import { pullRequestNumberOf, summarizeResources } from '../../core/promotion/summary.js';
import type { LadderTrailers } from '../../core/promotion/trailers.js';
import type { RenderedFile } from '../../core/render/render.js';
import type { ValidationReport } from '../../core/validate/run.js';
import type { TemplateStore } from '../templates.js';
import type { PromotionRequest } from './types.js';

export interface BodyInput {
  request: PromotionRequest;
  config: EffectiveConfig;
  environment: EffectiveEnvironment;
  manifestRepo: RepoRef;
  envBranch: string;
  /** The environment head the promotion commit was written over, and that commit. */
  envHead: string;
  commit: string;
  trailers: LadderTrailers;
  files: readonly RenderedFile[];
  report: ValidationReport;
  kubernetesVersion: string;
}

/**
 * The promotion PR's body. A fixed number of requests whatever the size of
 * the change: the Ladder version on the environment (one commit listing),
 * every file's patch (one compare of the manifest repo), and the code commits
 * since that version (one compare of the code repo).
 */
export async function promotionBody(github: GitHub, templates: TemplateStore, input: BodyInput): Promise<string> {
  const { request, config, environment, manifestRepo } = input;
  const dir = config.manifests.path;
  const manifests = github.manifestRepo(manifestRepo);
  const [deployed, files, template] = await Promise.all([
    manifests.versionOnBranch(input.envBranch, dir, { service: config.service, environment: environment.name }),
    manifests.changedFiles(input.envHead, input.commit),
    templates.pullRequestBody(),
  ]);
  let commits: IncludedCommit[] | undefined;
  let totalCommits: number | undefined;
  if (deployed && deployed.sourceRepo.toLowerCase() === formatRepo(request.codeRepo).toLowerCase() && deployed.sourceSha !== request.sourceSha) {
    const comparison = await github.codeRepo(request.codeRepo).commitsBetween(deployed.sourceSha, request.sourceSha);
    if (comparison) {
      totalCommits = comparison.total;
      commits = comparison.commits.map((c) => {
        const number = pullRequestNumberOf(c.message);
        return { sha: c.sha, title: c.message.split('\n', 1)[0] ?? '', ...(c.author ? { author: c.author } : {}), ...(number ? { pullRequest: number } : {}) };
      });
    }
  }
  const rendered = new Map(input.files.map((f) => [manifestPath(dir, f.path), { kind: f.kind, name: f.name }]));
  return renderPromotionBody(template, {
    service: config.service,
    environment: environment.name,
    codeRepo: formatRepo(request.codeRepo),
    manifestRepo: formatRepo(manifestRepo),
    envBranch: input.envBranch,
    image: { ...(deployed ? { old: deployed.image } : {}), new: input.trailers.image },
    source: { ...(deployed ? { old: deployed.sourceSha } : {}), new: request.sourceSha },
    ...(commits ? { commits, totalCommits: totalCommits ?? commits.length } : {}),
    resources: summarizeResources(files, rendered),
    validation: { findings: input.report.findings, resources: input.report.resources, kubernetesVersion: input.kubernetesVersion },
    supersedes: input.trailers.supersedes ?? [],
    reason: request.reason,
    ...(request.requestedBy ? { requestedBy: request.requestedBy } : {}),
    trailers: input.trailers,
  });
}
