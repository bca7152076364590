import type { Logger } from 'pino';
import { withFields } from '../log.js';
import { describeGitHubError } from '../../adapters/github/errors.js';
import type { GitHub } from '../../adapters/github/port.js';
import { formatRepo, parseRepo, type RepoRef } from '../../adapters/github/types.js';
import { manifestBranch } from '../../core/config/load.js';
import type { EffectiveConfig, EffectiveEnvironment } from '../../core/services/effective.js';
import { promotionBranch } from '../../core/promotion/branch.js';
import { isRetryable, type PromotionOutcome } from '../../core/promotion/outcome.js';
import { promotionTitle } from '../../core/promotion/pull-request.js';
import type { LadderTrailers } from '../../core/promotion/trailers.js';
import type { KeyedQueue } from '../queue.js';
import type { SchemaStore } from '../schemas.js';
import type { TemplateStore } from '../templates.js';
import type { Renderer } from '../render-worker/pool.js';
import { prepare } from './prepare.js';
import { readKeptSecrets } from './kept-secrets.js';
import { publishPromotion } from './publish.js';
import { RecentSet } from './recent-set.js';
import { reportConfigProblems, reportGrantRefusal, reportPromotion } from './reports.js';
import { loadServiceConfig, type ServiceConfig } from './service-config.js';
import type { PromotionRequest } from './types.js';
import type { ChartFetcher, ManifestTools } from '../../core/render/tools/port.js';
import { writePromotionBranch } from './write.js';

export interface PromotionEngineDeps {
  queue: KeyedQueue;
  log: Logger;
  schemas: SchemaStore;
  templates: TemplateStore;
  renderer: Renderer;
  /** Helm and Kustomize for services that render with them. */
  tools: ManifestTools;
  /** Charts pinned in `.ladder/services.yml`. */
  charts: ChartFetcher;
  memory: PromotionMemory;
}

/** The queue key of an environment branch: promotions, gate checks, locks and rollbacks of it run one at a time. */
export function environmentQueueKey(manifestRepo: RepoRef, environmentBranch: string): string {
  return `promotion:${formatRepo(manifestRepo).toLowerCase()}:${environmentBranch}`;
}

/** Where a promotion goes, once its config is known. */
interface Target {
  config: EffectiveConfig;
  configFile: string;
  environment: EffectiveEnvironment;
  manifestRepo: RepoRef;
}

/**
 * Renders a code commit for an environment, validates it, and opens or
 * updates the one promotion PR of (service, environment); every outcome that
 * concerns the code commit becomes its `ladder/promote (<env>)` check run.
 * Work for one environment branch is serialised on the queue under
 * `environmentQueueKey`, so callers must not hold that key themselves.
 */
export class PromotionEngine {
  constructor(private readonly deps: PromotionEngineDeps) {}

  /** What this process has done already, so a merge's second event (or a redelivery) finds the work done. */
  get memory(): PromotionMemory {
    return this.deps.memory;
  }

  /** `options.config`: a config the caller already loaded at `sourceSha`; `options.log`: the caller's logger, to keep its context. */
  async promote(github: GitHub, request: PromotionRequest, options: { config?: ServiceConfig; log?: Logger } = {}): Promise<PromotionOutcome> {
    const env = request.environment;
    const loaded = options.config ?? (await loadServiceConfig(github, request.codeRepo, request.sourceSha));
    if (loaded.kind === 'missing') {
      return { kind: 'invalid', environment: env, reason: 'no-config', message: `${formatRepo(request.codeRepo)} has no .github/ladder.yml at ${request.sourceSha.slice(0, 12)}` };
    }
    if (loaded.kind === 'invalid') {
      const grant = { ...(loaded.grantedBy ? { by: loaded.grantedBy } : {}), ...(loaded.suggestion ? { suggestion: loaded.suggestion } : {}) };
      await reportConfigProblems(github.checks(request.codeRepo), request.sourceSha, loaded.source, loaded.problems, grant);
      if (loaded.grantedBy) return { kind: 'invalid', environment: env, reason: 'not-granted', message: `${loaded.source.display} asks for more than ${formatRepo(loaded.grantedBy)} grants` };
      return { kind: 'invalid', environment: env, reason: 'bad-config', message: `${loaded.source.display} is invalid at ${request.sourceSha.slice(0, 12)}` };
    }
    if (loaded.kind === 'refused') {
      await reportGrantRefusal(github.checks(request.codeRepo), request.sourceSha, loaded.refusal);
      return { kind: 'invalid', environment: env, reason: 'not-granted', message: loaded.refusal.reason };
    }
    const { config } = loaded;
    const environment = config.environments.find((candidate) => candidate.name === env);
    if (!environment) return { kind: 'invalid', environment: env, reason: 'no-environment', message: `${config.service} has no environment named ${env}` };
    const target: Target = { config, configFile: loaded.source.display, environment, manifestRepo: parseRepo(config.manifests.repo) };
    // The grant's branch, never one the code config names: manifestBranch() reads the resolved `branch`.
    const log = withFields(options.log ?? this.deps.log, { service: config.service, environment: env, commit: request.sourceSha });
    return this.deps.queue.run(environmentQueueKey(target.manifestRepo, manifestBranch(environment)), async () => {
      const checks = github.checks(request.codeRepo);
      let outcome: PromotionOutcome;
      try {
        outcome = await this.promoteNow(github, log, request, target);
        if (!isRetryable(outcome)) await reportPromotion(checks, request.sourceSha, outcome);
      } catch (error) {
        outcome = { kind: 'failed', environment: env, stage: 'promotion', reason: describeGitHubError(error) };
        log.error({ err: { message: outcome.reason } }, 'promotion failed');
      }
      // The report of a failure is best effort: the failure stands either way, and the next attempt reports again.
      if (isRetryable(outcome)) await reportPromotion(checks, request.sourceSha, outcome).catch(() => undefined);
      if (outcome.kind === 'opened' || outcome.kind === 'updated') {
        this.memory.rememberPromoted(request.codeRepo, request.sourceSha, env);
        log.info({ pull: outcome.pullRequest.number, kind: outcome.kind }, 'promotion pull request %s', outcome.kind);
      }
      return outcome;
    });
  }

  private async promoteNow(github: GitHub, log: Logger, request: PromotionRequest, target: Target): Promise<PromotionOutcome> {
    const { config, environment, manifestRepo } = target;
    const env = environment.name;
    const envBranch = manifestBranch(environment);
    // The branch's SOPS-encrypted Secrets: a rendered resource may not be one of them (docs/secrets.md).
    const keptSecrets = await readKeptSecrets(github.manifestRepo(manifestRepo), envBranch, config.manifests.path);
    const prepared = await prepare(
      { codeRepo: github.codeRepo(request.codeRepo), schemas: this.deps.schemas, templates: this.deps.templates, renderer: this.deps.renderer, tools: this.deps.tools, charts: this.deps.charts },
      { config, configFile: target.configFile, sourceSha: request.sourceSha, environment: env, keptSecrets, ...(request.image ? { image: request.image } : {}) },
    );
    if (prepared.kind === 'render-error') {
      const { error } = prepared;
      const message = error.message;
      return { kind: 'invalid', environment: env, reason: 'render', message, location: error.location, templatesInRepo: prepared.templatesInRepo };
    }
    if (prepared.kind === 'invalid') return { kind: 'invalid', environment: env, reason: 'validation', report: prepared.report, kubernetesVersion: prepared.kubernetesVersion };

    const branch = promotionBranch(config.service, env);
    const title = promotionTitle(config.service, env, request.sourceSha);
    const trailers: LadderTrailers = { service: config.service, environment: env, sourceRepo: formatRepo(request.codeRepo), sourceSha: request.sourceSha, image: prepared.image };
    const written = await writePromotionBranch(github, { manifestRepo, codeRepo: request.codeRepo, envBranch, branch, dir: config.manifests.path, files: prepared.files, trailers, title });

    if (written.kind === 'unchanged') {
      if (written.stale?.pull) {
        // The open PR would now change the environment away from what this commit renders.
        const pulls = github.pulls(manifestRepo);
        await pulls.comment(written.stale.pull.number, `Closed by Ladder: \`${env}\` already matches ${formatRepo(request.codeRepo)}@${request.sourceSha.slice(0, 12)}.`);
        await pulls.update(written.stale.pull.number, { state: 'closed' });
        await github.manifestRepo(manifestRepo).deleteBranch(branch);
      }
      return { kind: 'unchanged', environment: env, reason: 'up-to-date', manifestRepo: formatRepo(manifestRepo), envBranch };
    }
    if (written.kind === 'superseded') {
      const pull = written.pull ? { number: written.pull.number, url: written.pull.url, headSha: written.pull.headSha } : undefined;
      return { kind: 'superseded', environment: env, newer: written.newer, ...(pull ? { pullRequest: pull } : {}) };
    }
    return publishPromotion(
      { github, templates: this.deps.templates, log },
      { request, config, environment, manifestRepo, written, branch, envBranch, title, files: prepared.files, report: prepared.report, kubernetesVersion: prepared.kubernetesVersion },
    );
  }
}

/**
 * Code commits this process promoted to an environment, or whose invalid
 * config it reported: bounded (the oldest go first), and only an
 * optimisation, since a promotion finds work done on GitHub anyway.
 */
export class PromotionMemory {
  private readonly done = new RecentSet(5000);
  wasPromoted(codeRepo: RepoRef, sha: string, environment: string): boolean {
    return this.done.has(`${formatRepo(codeRepo)}@${sha}:${environment}`);
  }
  rememberPromoted(codeRepo: RepoRef, sha: string, environment: string): void {
    this.done.add(`${formatRepo(codeRepo)}@${sha}:${environment}`);
  }
  /** The config check goes on a commit once, whichever of a merge's two events comes first. */
  configReported(codeRepo: RepoRef, sha: string): boolean {
    return this.done.has(`${formatRepo(codeRepo)}@${sha}:config`);
  }
  rememberConfigReported(codeRepo: RepoRef, sha: string): void {
    this.done.add(`${formatRepo(codeRepo)}@${sha}:config`);
  }
}
