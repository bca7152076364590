import type { Logger } from 'pino';
import { hasCheckRun } from '../../adapters/github/checks.js';
import { describeGitHubError } from '../../adapters/github/errors.js';
import { deleteBranch } from '../../adapters/github/manifest-repo.js';
import { addLabels, commentOnPull, openPull, requestReviewers, updatePull, type OpenPull } from '../../adapters/github/pulls.js';
import { formatRepo, parseRepo, type RepoRef } from '../../adapters/github/types.js';
import { manifestBranch } from '../../core/config/load.js';
import type { EnvironmentConfig, LadderConfig } from '../../core/config/schema.js';
import { promotionBranch } from '../../core/promotion/branch.js';
import { promotionTitle } from '../../core/promotion/pull-request.js';
import { parseTrailers, type LadderTrailers } from '../../core/promotion/trailers.js';
import type { RenderedFile } from '../../core/render/render.js';
import { promotionState, type PromotionContext } from './context.js';
import { promotionBody } from './body.js';
import { prepare } from './prepare.js';
import { reportConfigProblems, reportInvalidManifests, reportOutcome, reportRenderError, reportValidation, validateCheckName } from './reports.js';
import { loadServiceConfig, type ServiceConfig } from './service-config.js';
import { writePromotionBranch, type WriteResult } from './write.js';

export type { PromotionContext } from './context.js';
export { promotionContext } from './context.js';

export interface PromotionRequest {
  codeRepo: RepoRef;
  sourceSha: string;
  environment: string;
  /** Set when promoting an upstream environment's image: rendered with this tag (and digest) instead of one from sourceSha. */
  image?: { tag: string; digest?: string; builtFrom?: string };
  reason: 'merge' | 'push' | 'deployment' | 'command';
  requestedBy?: string;
}

export interface PromotionOutcome {
  kind: 'opened' | 'updated' | 'unchanged' | 'superseded' | 'invalid' | 'failed';
  pullRequest?: { number: number; url: string; headSha: string };
  message: string;
}

/**
 * Renders `sourceSha` for `environment`, validates it, and opens or updates
 * the one promotion PR of (service, environment). Every outcome is also a
 * check run on the code commit. Work for one (manifest repo, environment) is
 * serialised through `deps.queue` under the key `promotion:<repo>:<env>`, so
 * callers must not hold that key themselves.
 *
 * `options.config` passes a config the caller already loaded at `sourceSha`.
 */
export async function promote(ctx: PromotionContext, request: PromotionRequest, options: { config?: ServiceConfig } = {}): Promise<PromotionOutcome> {
  const { octokit } = ctx;
  const loaded = options.config ?? (await loadServiceConfig(octokit, request.codeRepo, request.sourceSha));
  if (loaded.kind === 'missing') return { kind: 'invalid', message: `${formatRepo(request.codeRepo)} has no .github/ladder.yml at ${request.sourceSha.slice(0, 12)}` };
  if (loaded.kind === 'invalid') {
    await reportConfigProblems(octokit, request.codeRepo, request.sourceSha, loaded.source, loaded.problems);
    return { kind: 'invalid', message: `${loaded.source.display} is invalid at ${request.sourceSha.slice(0, 12)}` };
  }
  const { config } = loaded;
  const environment = config.environments.find((env) => env.name === request.environment);
  if (!environment) return { kind: 'invalid', message: `${config.service} has no environment named ${request.environment}` };
  const manifestRepo = parseRepo(config.manifests.repo);
  const key = `promotion:${formatRepo(manifestRepo).toLowerCase()}:${manifestBranch(environment)}`;
  const log = ctx.log.child({ service: config.service, env: environment.name, sha: request.sourceSha });
  return ctx.deps.queue.run(key, async () => {
    try {
      return await promoteNow(ctx, log, request, { config, configFile: loaded.source.display, environment, manifestRepo });
    } catch (error) {
      const reason = describeGitHubError(error);
      log.error({ err: { message: reason } }, 'promotion failed');
      await reportOutcome(octokit, request.codeRepo, request.sourceSha, environment.name, {
        conclusion: 'failure',
        title: `Promotion to ${environment.name} failed`,
        summary: `Ladder could not finish the promotion: ${reason}. Branches only ever move to whole commits, and the next attempt completes whatever this one left (a pull request without its labels or check run); re-run by redelivering the webhook or with \`/ladder promote ${environment.name}\`.`,
      }).catch(() => undefined);
      return { kind: 'failed', message: reason };
    }
  });
}

interface Resolved {
  config: LadderConfig;
  configFile: string;
  environment: EnvironmentConfig;
  manifestRepo: RepoRef;
}

async function promoteNow(ctx: PromotionContext, log: Logger, request: PromotionRequest, resolved: Resolved): Promise<PromotionOutcome> {
  const { octokit, deps } = ctx;
  const { config, environment, manifestRepo } = resolved;
  const state = promotionState(deps);
  const env = environment.name;
  const prepared = await prepare(octokit, deps.schemas, state.blobs, {
    config,
    configFile: resolved.configFile,
    codeRepo: request.codeRepo,
    sourceSha: request.sourceSha,
    environment: env,
    ...(request.image ? { image: request.image } : {}),
  });
  if (prepared.kind === 'render-error') {
    await reportRenderError(octokit, request.codeRepo, request.sourceSha, env, prepared.error, prepared.templatesInRepo);
    return { kind: 'invalid', message: prepared.error.message };
  }
  if (prepared.kind === 'invalid') {
    await reportInvalidManifests(octokit, request.codeRepo, request.sourceSha, env, prepared.report, prepared.kubernetesVersion);
    return { kind: 'invalid', message: `validation failed for ${env}` };
  }

  const envBranch = manifestBranch(environment);
  const branch = promotionBranch(config.service, env);
  const title = promotionTitle(config.service, env, request.sourceSha);
  const trailers: LadderTrailers = {
    service: config.service,
    environment: env,
    sourceRepo: formatRepo(request.codeRepo),
    sourceSha: request.sourceSha,
    image: prepared.image,
  };
  const written = await writePromotionBranch(octokit, {
    manifestRepo,
    codeRepo: request.codeRepo,
    envBranch,
    branch,
    dir: config.manifests.path,
    files: prepared.files,
    trailers,
    title,
  });

  if (written.kind === 'unchanged') {
    if (written.stale?.pull) {
      // The open PR would now change the environment away from what this commit renders.
      await commentOnPull(octokit, manifestRepo, written.stale.pull.number, `Closed by Ladder: \`${env}\` already matches ${formatRepo(request.codeRepo)}@${request.sourceSha.slice(0, 12)}.`);
      await updatePull(octokit, manifestRepo, written.stale.pull.number, { state: 'closed' });
      await deleteBranch(octokit, manifestRepo, branch);
    }
    await reportOutcome(octokit, request.codeRepo, request.sourceSha, env, {
      conclusion: 'success',
      title: `${env} is already up to date`,
      summary: `The manifests rendered for \`${env}\` at this commit equal what branch \`${envBranch}\` of ${formatRepo(manifestRepo)} already has; no promotion pull request was needed.`,
    });
    return { kind: 'unchanged', message: `${env} is already up to date` };
  }
  if (written.kind === 'superseded') {
    await reportOutcome(octokit, request.codeRepo, request.sourceSha, env, {
      conclusion: 'neutral',
      title: `Superseded by ${written.newer.slice(0, 12)}`,
      summary: `A newer commit (${written.newer}) is already being promoted to \`${env}\`${written.pull ? ` in ${written.pull.url}` : ''}; this one was skipped.`,
    });
    return { kind: 'superseded', message: `superseded by ${written.newer}`, ...(written.pull ? { pullRequest: pullRef(written.pull) } : {}) };
  }
  return publish(ctx, log, request, resolved, {
    written,
    branch,
    envBranch,
    title,
    files: prepared.files,
    report: prepared.report,
    kubernetesVersion: prepared.kubernetesVersion,
  });
}

interface Publish {
  written: Extract<WriteResult, { kind: 'written' | 'already' }>;
  branch: string;
  envBranch: string;
  title: string;
  files: readonly RenderedFile[];
  report: Parameters<typeof reportValidation>[3];
  kubernetesVersion: string;
}

/** Opens or updates the PR for a written branch, labels it, asks reviewers, and reports. */
async function publish(ctx: PromotionContext, log: Logger, request: PromotionRequest, resolved: Resolved, p: Publish): Promise<PromotionOutcome> {
  const { octokit, deps } = ctx;
  const { config, environment, manifestRepo } = resolved;
  const env = environment.name;
  const { written } = p;
  const envLabel = `env:${env}`;
  // Already promoted, unless an earlier delivery failed part way: after moving the branch (body not rewritten)
  // or after opening the PR (label or ladder/validate missing). Then this delivery completes it.
  if (
    written.kind === 'already' &&
    written.pull &&
    parseTrailers(written.pull.body)?.sourceSha === request.sourceSha &&
    written.pull.labels.includes(envLabel) &&
    (await hasCheckRun(octokit, manifestRepo, written.commit, validateCheckName))
  ) {
    return { kind: 'unchanged', message: `already promoted in #${written.pull.number}`, pullRequest: pullRef(written.pull) };
  }
  const body = await promotionBody(ctx, {
    request,
    config,
    environment,
    manifestRepo,
    envBranch: p.envBranch,
    envHead: written.envHead,
    commit: written.commit,
    trailers: written.trailers,
    files: p.files,
    report: p.report,
    kubernetesVersion: p.kubernetesVersion,
  });
  let pull: OpenPull;
  // No open PR when we looked: this delivery opens it, even when a retried create found it already there.
  const created = !written.pull;
  try {
    if (written.pull) {
      await updatePull(octokit, manifestRepo, written.pull.number, { title: p.title, body });
      pull = { ...written.pull, headSha: written.commit, body };
    } else {
      pull = { ...(await openPull(octokit, manifestRepo, { branch: p.branch, base: p.envBranch, title: p.title, body })).pull, headSha: written.commit };
    }
  } catch (error) {
    const reason = describeGitHubError(error);
    const removed = written.kind === 'written' && written.created ? await deleteBranch(octokit, manifestRepo, p.branch) : false;
    log.error({ err: { message: reason } }, 'could not open the promotion pull request');
    await reportOutcome(octokit, request.codeRepo, request.sourceSha, env, {
      conclusion: 'failure',
      title: `Could not open the promotion pull request for ${env}`,
      summary: `The manifests were written, but GitHub refused the pull request: ${reason}. ${afterFailure(p.branch, removed, written.pull)}`,
    }).catch(() => undefined);
    return { kind: 'failed', message: reason };
  }
  // Labels are added when missing, not only on creation: a delivery that failed just after opening the PR left none.
  if (created || !pull.labels.includes(envLabel)) await addLabels(octokit, manifestRepo, pull.number, [envLabel, ...environment.labels]);
  if (created) {
    const note = await requestReviewers(octokit, manifestRepo, pull.number, { users: environment.reviewers?.users ?? [], teams: environment.reviewers?.teams ?? [] });
    if (note) log.warn(note);
  }
  await reportValidation(octokit, manifestRepo, written.commit, p.report, p.kubernetesVersion);
  const kind = created ? 'opened' : 'updated';
  await reportOutcome(octokit, request.codeRepo, request.sourceSha, env, {
    conclusion: 'success',
    title: `Promotion pull request #${pull.number} ${kind}`,
    summary: `The manifests for \`${env}\` are in ${pull.url} (${formatRepo(manifestRepo)}, branch \`${p.branch}\`).`,
    detailsUrl: pull.url,
  });
  promotionState(deps).done.add(`${formatRepo(request.codeRepo)}@${request.sourceSha}:${env}`);
  log.info({ pull: pull.number, kind }, 'promotion pull request %s', kind);
  return { kind, pullRequest: pullRef(pull), message: `promotion pull request #${pull.number} ${kind}` };
}

/** What a failed PR step left behind, for the check run. */
function afterFailure(branch: string, removed: boolean, pull: OpenPull | undefined): string {
  if (removed) return `Branch \`${branch}\` was deleted again, so nothing is left half done.`;
  if (pull) return `Pull request #${pull.number} still describes the previous commit; the next delivery rewrites it.`;
  return `Branch \`${branch}\` is kept; the next delivery opens its pull request.`;
}

function pullRef(pull: OpenPull): { number: number; url: string; headSha: string } {
  return { number: pull.number, url: pull.url, headSha: pull.headSha };
}
