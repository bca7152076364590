import { publishCheckRun } from '../../adapters/github/checks.js';
import type { GitHubClient, RepoRef } from '../../adapters/github/types.js';
import type { ConfigProblem } from '../../core/config/load.js';
import { formatProblem } from '../../core/config/problem.js';
import type { LadderInputError } from '../../core/errors.js';
import type { Finding } from '../../core/findings.js';
import { annotationsFor, countBySeverity, findingsText, plural } from '../../core/promotion/check-output.js';
import type { ValidationReport } from '../../core/validate/run.js';
import type { ConfigSource } from './service-config.js';

/** Check runs Ladder writes: on the code commit, and `ladder/validate` on the promotion PR's head. */
export const configCheckName = 'ladder/config';
export const validateCheckName = 'ladder/validate';
export function promotionCheckName(environment: string): string {
  return `ladder/promote (${environment})`;
}

/** An invalid config fails a check on the merge commit, annotated where the config is wrong. */
export async function reportConfigProblems(octokit: GitHubClient, codeRepo: RepoRef, sha: string, source: ConfigSource, problems: ConfigProblem[]): Promise<void> {
  const findings: Finding[] = problems.map((p) => ({
    file: source.path,
    line: p.line,
    column: p.column,
    rule: 'config',
    severity: 'error',
    message: p.key ? `${p.key}: ${p.message}` : p.message,
    ...(p.suggestion === undefined ? {} : { hint: `Did you mean '${p.suggestion}'?` }),
  }));
  await publishCheckRun(octokit, codeRepo, {
    name: configCheckName,
    headSha: sha,
    conclusion: 'failure',
    title: `${source.display} is invalid: ${plural(problems.length, 'problem')}`,
    summary: `Ladder did not promote this commit because its configuration is invalid.\n\n${problems.map((p) => `- \`${formatProblem(source.display, p)}\``).join('\n')}`,
    annotations: source.inCodeRepo ? annotationsFor(findings, (file) => file) : [],
    externalId: `config@${sha}`,
  });
}

/** A template or value error: the render never finished. */
export async function reportRenderError(
  octokit: GitHubClient,
  codeRepo: RepoRef,
  sha: string,
  environment: string,
  error: LadderInputError,
  templatesInRepo: boolean,
): Promise<void> {
  const { file, line } = error.location;
  // Ladder's default templates are not in the repository; then the message alone says where.
  const annotate = (templatesInRepo && file.endsWith('.hbs')) || file.endsWith('ladder.yml');
  await publishCheckRun(octokit, codeRepo, {
    name: promotionCheckName(environment),
    headSha: sha,
    conclusion: 'failure',
    title: `Rendering for ${environment} failed`,
    summary: `Ladder could not render the manifests for \`${environment}\`; no promotion pull request was opened.\n\n\`\`\`\n${error.message}\n\`\`\``,
    annotations: annotate
      ? [{ path: file, start_line: line ?? 1, end_line: line ?? 1, annotation_level: 'failure', message: error.message, title: 'render' }]
      : [],
    externalId: `promote:${environment}@${sha}`,
  });
}

/** Rendered manifests with validation errors: nothing goes to the manifest repository. */
export async function reportInvalidManifests(
  octokit: GitHubClient,
  codeRepo: RepoRef,
  sha: string,
  environment: string,
  report: ValidationReport,
  kubernetesVersion: string,
): Promise<void> {
  const { errors, warnings } = countBySeverity(report.findings);
  await publishCheckRun(octokit, codeRepo, {
    name: promotionCheckName(environment),
    headSha: sha,
    conclusion: 'failure',
    title: `Validation failed for ${environment}: ${plural(errors, 'error')}`,
    summary:
      `The manifests rendered for \`${environment}\` do not pass validation (Kubernetes ${kubernetesVersion}): ` +
      `${plural(errors, 'error')}, ${plural(warnings, 'warning')} in ${plural(report.resources, 'resource')}. ` +
      'No promotion pull request was opened. The files below are the rendered files (`ladder render` shows them locally).',
    text: findingsText(report.findings),
    externalId: `promote:${environment}@${sha}`,
  });
}

/** The code commit's check: what happened to its promotion to `environment`. */
export async function reportOutcome(
  octokit: GitHubClient,
  codeRepo: RepoRef,
  sha: string,
  environment: string,
  outcome: { conclusion: 'success' | 'failure' | 'neutral'; title: string; summary: string; detailsUrl?: string },
): Promise<void> {
  await publishCheckRun(octokit, codeRepo, {
    name: promotionCheckName(environment),
    headSha: sha,
    conclusion: outcome.conclusion,
    title: outcome.title,
    summary: outcome.summary,
    ...(outcome.detailsUrl ? { detailsUrl: outcome.detailsUrl } : {}),
    externalId: `promote:${environment}@${sha}`,
  });
}

/** `ladder/validate` on the promotion commit, annotated on the rendered files' lines. */
export async function reportValidation(
  octokit: GitHubClient,
  manifestRepo: RepoRef,
  headSha: string,
  report: ValidationReport,
  kubernetesVersion: string,
): Promise<void> {
  const { errors, warnings } = countBySeverity(report.findings);
  await publishCheckRun(octokit, manifestRepo, {
    name: validateCheckName,
    headSha,
    conclusion: errors > 0 ? 'failure' : 'success',
    title: `${plural(report.resources, 'resource')} valid for Kubernetes ${kubernetesVersion}${warnings > 0 ? `, ${plural(warnings, 'warning')}` : ''}`,
    summary:
      `Schema and policy validation of the rendered manifests: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}.` +
      (report.suppressed.length > 0 ? ` ${plural(report.suppressed.length, 'finding')} turned off by \`validation.disable\`.` : ''),
    ...(report.findings.length > 0 ? { text: findingsText(report.findings) } : {}),
    // Findings name files by their path in the manifest repository already.
    annotations: annotationsFor(report.findings, (file) => file),
    externalId: `validate@${headSha}`,
  });
}
