import type { Logger } from 'pino';
import { describeGitHubError } from '../../adapters/github/errors.js';
import type { GitHub, OpenPull } from '../../adapters/github/port.js';
import { formatRepo, type RepoRef } from '../../adapters/github/types.js';
import type { EffectiveConfig, EffectiveEnvironment } from '../../core/services/effective.js';
import { validateCheckName } from '../../core/promotion/check-runs.js';
import type { PromotionOutcome, PullRef } from '../../core/promotion/outcome.js';
import { parseTrailers } from '../../core/promotion/trailers.js';
import type { RenderedFile } from '../../core/render/render.js';
import type { ValidationReport } from '../../core/validate/run.js';
import type { TemplateStore } from '../templates.js';
import { promotionBody } from './body.js';
import { reportValidation } from './reports.js';
import type { PromotionRequest } from './types.js';
import type { WriteResult } from './write.js';

export interface PublishInput {
  request: PromotionRequest;
  config: EffectiveConfig;
  environment: EffectiveEnvironment;
  manifestRepo: RepoRef;
  written: Extract<WriteResult, { kind: 'written' | 'already' }>;
  branch: string;
  envBranch: string;
  title: string;
  files: readonly RenderedFile[];
  report: ValidationReport;
  kubernetesVersion: string;
}

/**
 * The last step of a promotion: the written branch gets its pull request
 * (opened, or updated to describe the new commit), its labels and reviewers,
 * and `ladder/validate` on its head. Whatever an earlier delivery left
 * undone here is completed; what it finished is not done twice.
 */
export async function publishPromotion(using: { github: GitHub; templates: TemplateStore; log: Logger }, input: PublishInput): Promise<PromotionOutcome> {
  const { github, log } = using;
  const { request, config, environment, manifestRepo, written } = input;
  const env = environment.name;
  const pulls = github.pulls(manifestRepo);
  const envLabel = `env:${env}`;
  // Already promoted, unless an earlier delivery failed part way: after moving the branch (body not rewritten)
  // or after opening the PR (label or ladder/validate missing). Then this delivery completes it.
  if (
    written.kind === 'already' &&
    written.pull &&
    parseTrailers(written.pull.body)?.sourceSha === request.sourceSha &&
    written.pull.labels.includes(envLabel) &&
    (await github.checks(manifestRepo).has(written.commit, validateCheckName))
  ) {
    return { kind: 'unchanged', environment: env, reason: 'already-promoted', pullRequest: pullRef(written.pull) };
  }
  const body = await promotionBody(github, using.templates, {
    request,
    config,
    environment,
    manifestRepo,
    envBranch: input.envBranch,
    envHead: written.envHead,
    commit: written.commit,
    trailers: written.trailers,
    files: input.files,
    report: input.report,
    kubernetesVersion: input.kubernetesVersion,
  });
  let pull: OpenPull;
  // No open PR when we looked: this delivery opens it, even when a retried create found it already there.
  const created = !written.pull;
  try {
    if (written.pull) {
      await pulls.update(written.pull.number, { title: input.title, body });
      pull = { ...written.pull, headSha: written.commit, body };
    } else {
      pull = { ...(await pulls.open({ branch: input.branch, base: input.envBranch, title: input.title, body })).pull, headSha: written.commit };
    }
  } catch (error) {
    const reason = describeGitHubError(error);
    const removed = written.kind === 'written' && written.created ? await github.manifestRepo(manifestRepo).deleteBranch(input.branch) : false;
    log.error({ err: { message: reason } }, 'could not open the promotion pull request');
    return {
      kind: 'failed',
      environment: env,
      stage: 'pull-request',
      reason,
      branch: input.branch,
      branchRemoved: removed,
      ...(written.pull ? { stalePull: written.pull.number } : {}),
    };
  }
  // Labels are added when missing, not only on creation: a delivery that failed just after opening the PR left none.
  if (created || !pull.labels.includes(envLabel)) await pulls.addLabels(pull.number, [envLabel, ...environment.labels]);
  if (created) {
    const note = await pulls.requestReviewers(pull.number, { users: environment.reviewers?.users ?? [], teams: environment.reviewers?.teams ?? [] });
    if (note) log.warn(note);
  }
  await reportValidation(github.checks(manifestRepo), written.commit, input.report, input.kubernetesVersion);
  return { kind: created ? 'opened' : 'updated', environment: env, pullRequest: pullRef(pull), manifestRepo: formatRepo(manifestRepo), branch: input.branch };
}

function pullRef(pull: OpenPull): PullRef {
  return { number: pull.number, url: pull.url, headSha: pull.headSha };
}
