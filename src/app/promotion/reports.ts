import type { Checks } from '../../adapters/github/port.js';
import type { RepoRef } from '../../adapters/github/types.js';
import type { ConfigProblem } from '../../core/config/load.js';
import {
  configCheckName,
  configCheckRun,
  grantRefusalCheckRun,
  promotionCheckName,
  promotionCheckRun,
  validateCheckName,
  validateCheckRun,
  type CheckRunText,
} from '../../core/promotion/check-runs.js';
import type { PromotionOutcome } from '../../core/promotion/outcome.js';
import type { ValidationReport } from '../../core/validate/run.js';
import type { ConfigSource, GrantRefusal } from './service-config.js';
import { formatRepo } from '../../adapters/github/types.js';

/**
 * Publishes the check runs of a promotion. The words come from core
 * (`src/core/promotion/check-runs.ts`); here they get their name, commit and
 * external id (which lets a retried create find the run it made).
 */

/**
 * An invalid config, or one that asks for more than the manifest repository
 * grants, fails `ladder/config` on the commit, annotated where the config is wrong.
 */
export async function reportConfigProblems(
  checks: Checks,
  sha: string,
  source: ConfigSource,
  problems: ConfigProblem[],
  grant: { by?: RepoRef; suggestion?: string } = {},
): Promise<void> {
  const text = configCheckRun(source, problems, { ...(grant.by ? { by: formatRepo(grant.by) } : {}), ...(grant.suggestion ? { suggestion: grant.suggestion } : {}) });
  await publish(checks, configCheckName, sha, `config@${sha}`, text);
}

/** The manifest repository grants nothing (no or an invalid `.ladder/services.yml`): `ladder/config` says why and what to add where. */
export async function reportGrantRefusal(checks: Checks, sha: string, refusal: GrantRefusal): Promise<void> {
  await publish(checks, configCheckName, sha, `config@${sha}`, grantRefusalCheckRun(refusal));
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
