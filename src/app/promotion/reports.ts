import type { Checks } from '../../adapters/github/port.js';
import type { ConfigProblem } from '../../core/config/load.js';
import {
  configCheckName,
  configCheckRun,
  promotionCheckName,
  promotionCheckRun,
  validateCheckName,
  validateCheckRun,
  type CheckRunText,
} from '../../core/promotion/check-runs.js';
import type { PromotionOutcome } from '../../core/promotion/outcome.js';
import type { ValidationReport } from '../../core/validate/run.js';
import type { ConfigSource } from './service-config.js';

/**
 * Publishes the check runs of a promotion. The words come from core
 * (`src/core/promotion/check-runs.ts`); here they get their name, commit and
 * external id (which lets a retried create find the run it made).
 */

/** An invalid config fails `ladder/config` on the commit, annotated where the config is wrong. */
export async function reportConfigProblems(checks: Checks, sha: string, source: ConfigSource, problems: ConfigProblem[]): Promise<void> {
  await publish(checks, configCheckName, sha, `config@${sha}`, configCheckRun(source, problems));
}

/** `ladder/promote (<env>)` on the code commit: what its promotion came to (nothing when the outcome is not reported there). */
export async function reportPromotion(checks: Checks, sha: string, outcome: PromotionOutcome): Promise<void> {
  const text = promotionCheckRun(outcome);
  if (text) await publish(checks, promotionCheckName(outcome.environment), sha, `promote:${outcome.environment}@${sha}`, text);
}

/** `ladder/validate` on the promotion commit. */
export async function reportValidation(checks: Checks, headSha: string, report: ValidationReport, kubernetesVersion: string): Promise<void> {
  await publish(checks, validateCheckName, headSha, `validate@${headSha}`, validateCheckRun(report, kubernetesVersion));
}

export async function publish(checks: Checks, name: string, headSha: string, externalId: string, text: CheckRunText): Promise<void> {
  await checks.publish({ name, headSha, externalId, ...text });
}
