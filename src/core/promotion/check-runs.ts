import { formatProblem, type ConfigProblem } from '../config/problem.js';
import type { Finding } from '../findings.js';
import type { ValidationReport } from '../validate/run.js';
import { annotationsFor, countBySeverity, findingsText, plural, templateAnnotationsFor, type CheckAnnotation } from './check-output.js';
import type { PromotionOutcome } from './outcome.js';

/** The words of a check run: what GitHub shows on a commit. Names and ids are added where it is published. */
export interface CheckRunText {
  conclusion: 'success' | 'failure' | 'neutral';
  title: string;
  summary: string;
  text?: string;
  annotations?: CheckAnnotation[];
  detailsUrl?: string;
}

/** Check runs Ladder writes: on the code commit, and `ladder/validate` on the promotion (or rollback) PR's head. */
export const configCheckName = 'ladder/config';
export const validateCheckName = 'ladder/validate';
export function promotionCheckName(environment: string): string {
  return `ladder/promote (${environment})`;
}

/**
 * `ladder/promote (<env>)` on the code commit, for an outcome; undefined when
 * the outcome is not reported there (no config, a config problem reported as
 * `ladder/config`, or a promotion an earlier delivery already reported).
 */
export function promotionCheckRun(outcome: PromotionOutcome): CheckRunText | undefined {
  const env = outcome.environment;
  switch (outcome.kind) {
    case 'opened':
    case 'updated':
      return {
        conclusion: 'success',
        title: `Promotion pull request #${outcome.pullRequest.number} ${outcome.kind}`,
        summary: `The manifests for \`${env}\` are in ${outcome.pullRequest.url} (${outcome.manifestRepo}, branch \`${outcome.branch}\`).`,
        detailsUrl: outcome.pullRequest.url,
      };
    case 'unchanged':
      if (outcome.reason === 'already-promoted') return undefined;
      return {
        conclusion: 'success',
        title: `${env} is already up to date`,
        summary: `The manifests rendered for \`${env}\` at this commit equal what branch \`${outcome.envBranch}\` of ${outcome.manifestRepo} already has; no promotion pull request was needed.`,
      };
    case 'superseded':
      return {
        conclusion: 'neutral',
        title: `Superseded by ${outcome.newer.slice(0, 12)}`,
        summary: `A newer commit (${outcome.newer}) is already being promoted to \`${env}\`${outcome.pullRequest ? ` in ${outcome.pullRequest.url}` : ''}; this one was skipped.`,
      };
    case 'invalid':
      if (outcome.reason === 'render') return renderFailure(env, outcome.message, outcome.location, outcome.templatesInRepo);
      if (outcome.reason === 'validation') return validationFailure(env, outcome.report, outcome.kubernetesVersion);
      return undefined;
    case 'failed':
      if (outcome.stage === 'pull-request') {
        return {
          conclusion: 'failure',
          title: `Could not open the promotion pull request for ${env}`,
          summary: `The manifests were written, but GitHub refused the pull request: ${outcome.reason}. ${afterPullFailure(outcome.branch, outcome.branchRemoved, outcome.stalePull)}`,
        };
      }
      return {
        conclusion: 'failure',
        title: `Promotion to ${env} failed`,
        summary: `Ladder could not finish the promotion: ${outcome.reason}. Branches only ever move to whole commits, and the next attempt completes whatever this one left (a pull request without its labels or check run); re-run by redelivering the webhook or with \`/ladder promote ${env}\`.`,
      };
  }
}

function renderFailure(environment: string, message: string, location: { file: string; line?: number }, templatesInRepo: boolean): CheckRunText {
  const { file, line } = location;
  // Ladder's default templates are not in the repository; then the message alone says where. A chart
  // or kustomize error names a file of the repository (a directory cannot carry an annotation).
  const annotate = (templatesInRepo && /\.(hbs|ya?ml|tpl|json)$/.test(file)) || file.endsWith('ladder.yml');
  return {
    conclusion: 'failure',
    title: `Rendering for ${environment} failed`,
    summary: `Ladder could not render the manifests for \`${environment}\`; no promotion pull request was opened.\n\n\`\`\`\n${message}\n\`\`\``,
    annotations: annotate ? [{ path: file, start_line: line ?? 1, end_line: line ?? 1, annotation_level: 'failure', message, title: 'render' }] : [],
  };
}

function validationFailure(environment: string, report: ValidationReport, kubernetesVersion: string): CheckRunText {
  const { errors, warnings } = countBySeverity(report.findings);
  return {
    conclusion: 'failure',
    title: `Validation failed for ${environment}: ${plural(errors, 'error')}`,
    summary:
      `The manifests rendered for \`${environment}\` do not pass validation (Kubernetes ${kubernetesVersion}): ` +
      `${plural(errors, 'error')}, ${plural(warnings, 'warning')} in ${plural(report.resources, 'resource')}. ` +
      'No promotion pull request was opened. Each finding names the template line that produced it, then the rendered file (`ladder render` shows them locally).',
    text: findingsText(report.findings),
    // On the code commit: annotate the template lines, where the fix goes.
    annotations: templateAnnotationsFor(report.findings),
  };
}

/** What a failed pull-request step left behind. */
function afterPullFailure(branch: string, removed: boolean, stalePull: number | undefined): string {
  if (removed) return `Branch \`${branch}\` was deleted again, so nothing is left half done.`;
  if (stalePull !== undefined) return `Pull request #${stalePull} still describes the previous commit; the next delivery rewrites it.`;
  return `Branch \`${branch}\` is kept; the next delivery opens its pull request.`;
}

/** `ladder/config` on the code commit: an invalid config, annotated where it is wrong when the file is in that repository. */
export function configCheckRun(
  source: { path: string; display: string; inCodeRepo: boolean },
  problems: readonly ConfigProblem[],
  grant: { by?: string; suggestion?: string } = {},
): CheckRunText {
  const findings: Finding[] = problems.map((p) => ({
    file: source.path,
    line: p.line,
    column: p.column,
    rule: 'config',
    severity: 'error',
    message: p.key ? `${p.key}: ${p.message}` : p.message,
    ...(p.suggestion === undefined ? {} : { hint: `Did you mean '${p.suggestion}'?` }),
  }));
  const list = problems.map((p) => `- \`${formatProblem(source.display, p)}\``).join('\n');
  if (grant.by) {
    // The code config asks for more than the manifest repository grants: the grant decides (docs/services.md).
    const suggestion = grant.suggestion ? `\n\nTo grant what this config asks for, the owners of ${grant.by} can add this to \`.ladder/services.yml\` on its default branch:\n\n\`\`\`yaml\n${grant.suggestion}\`\`\`` : '';
    return {
      conclusion: 'failure',
      title: `${source.display} asks for more than ${grant.by} grants: ${plural(problems.length, 'problem')}`,
      summary: `Ladder did not promote this commit: ${grant.by}'s \`.ladder/services.yml\` decides what this service may promote where, and does not grant this.\n\n${list}${suggestion}`,
      annotations: source.inCodeRepo ? annotationsFor(findings, (file) => file) : [],
    };
  }
  return {
    conclusion: 'failure',
    title: `${source.display} is invalid: ${plural(problems.length, 'problem')}`,
    summary: `Ladder did not promote this commit because its configuration is invalid.\n\n${list}`,
    annotations: source.inCodeRepo ? annotationsFor(findings, (file) => file) : [],
  };
}

/** `ladder/config` when the manifest repository grants nothing at all (no `.ladder/services.yml`, or an invalid one): why, and what to add where. */
export function grantRefusalCheckRun(refusal: { reason: string; remedy: string }): CheckRunText {
  return {
    conclusion: 'failure',
    title: refusal.reason.length <= 120 ? capitalise(refusal.reason) : `${capitalise(refusal.reason.slice(0, 119))}…`,
    summary: `Ladder did not promote this commit: ${refusal.reason}.\n\n${refusal.remedy}`,
  };
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** `ladder/validate` on the promotion commit, annotated on the rendered files' lines (findings name them by their path there). */
export function validateCheckRun(report: ValidationReport, kubernetesVersion: string): CheckRunText {
  const { errors, warnings } = countBySeverity(report.findings);
  return {
    conclusion: errors > 0 ? 'failure' : 'success',
    title: `${plural(report.resources, 'resource')} valid for Kubernetes ${kubernetesVersion}${warnings > 0 ? `, ${plural(warnings, 'warning')}` : ''}`,
    summary:
      `Schema and policy validation of the rendered manifests: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}.` +
      (report.suppressed.length > 0 ? ` ${plural(report.suppressed.length, 'finding')} turned off by \`validation.disable\`.` : ''),
    ...(report.findings.length > 0 ? { text: findingsText(report.findings) } : {}),
    annotations: annotationsFor(report.findings, (file) => file),
  };
}

/**
 * `ladder/validate` on a rollback PR's head. A rollback writes no new
 * manifests, it restores bytes validated when their version was promoted:
 * success when that validation is on record, neutral — passing, but visibly
 * unproven — when it is not.
 */
export function rollbackCheckRun(rollback: { validated: boolean; versionCommit: string; fromCommit: string; environment: string }): CheckRunText {
  const short = (sha: string) => sha.slice(0, 7);
  return {
    conclusion: rollback.validated ? 'success' : 'neutral',
    title: rollback.validated ? `Restores manifests validated at ${short(rollback.versionCommit)}` : 'Restores manifests with no validation on record',
    summary: rollback.validated
      ? `This rollback restores, byte for byte, the manifests of ${short(rollback.fromCommit)}; \`${validateCheckName}\` passed on them when they were promoted (${short(rollback.versionCommit)}). Nothing new was rendered.`
      : `This rollback restores, byte for byte, the manifests of ${short(rollback.fromCommit)}, but no successful \`${validateCheckName}\` is recorded for ${short(rollback.versionCommit)}. Review the diff before merging into \`${rollback.environment}\`.`,
  };
}
