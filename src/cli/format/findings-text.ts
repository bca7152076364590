import type { Finding, Severity } from '../../core/findings.js';
import type { ValidationReport } from '../../core/validate/run.js';
import type { Paint } from '../../core/format/color.js';

export interface ReportContext {
  files: number;
  /** Kubernetes minor version whose schemas were used, for the summary line. */
  kubernetesVersion?: string;
}

/**
 * Compiler-style lines that editors and terminals turn into links:
 * `file:line:col  severity  rule  Kind/name  message`, the hint indented below,
 * then suppressed findings with their reasons, then one summary line.
 */
export function formatFindingsText(report: ValidationReport, context: ReportContext, paint: Paint): string {
  const lines: string[] = [];
  for (const finding of report.findings) {
    lines.push(formatFindingLine(finding, paint));
    if (finding.template) lines.push(`    ${paint.dim(renderedAt(finding))}`);
    if (finding.hint) lines.push(`    ${paint.dim(`hint: ${finding.hint}`)}`);
  }
  if (report.suppressed.length > 0) {
    if (lines.length > 0) lines.push('');
    lines.push(`Suppressed by validation.disable in the config:`);
    for (const finding of report.suppressed) {
      lines.push(`  ${formatLocation(finding.template ?? finding)}  ${finding.rule}  ${formatResource(finding)}  ${finding.message}`);
      lines.push(`    ${paint.dim(`reason: ${finding.reason}`)}`);
    }
  }
  if (lines.length > 0) lines.push('');
  lines.push(formatSummary(report, context, paint));
  return `${lines.join('\n')}\n`;
}

/** The template location first (what the user edits), else the file's own. */
function formatFindingLine(finding: Finding, paint: Paint): string {
  const severity = paintSeverity(finding.severity, paint);
  const where = finding.template ? formatLocation(finding.template) : formatLocation(finding);
  return `${paint.bold(where)}  ${severity}  ${finding.rule}  ${formatResource(finding)}  ${finding.message}`;
}

/** `rendered at out/dev/deployment-orders.yaml:51:38, from values.timeout`. */
function renderedAt(finding: Finding): string {
  const template = finding.template!;
  const from = template.valuesKey ? `, from ${template.valuesKey}` : '';
  const builtIn = template.builtIn ? ` (${template.file} is one of Ladder's default templates)` : '';
  return `rendered at ${formatLocation(finding)}${from}${builtIn}`;
}

/** `file:line:col`, or just the file for findings about the file as a whole (line 0). */
export function formatLocation(finding: Pick<Finding, 'file' | 'line' | 'column'>): string {
  if (!finding.line) return finding.file;
  return `${finding.file}:${finding.line}${finding.column ? `:${finding.column}` : ''}`;
}

function formatResource(finding: Finding): string {
  if (finding.kind && finding.name) return `${finding.kind}/${finding.name}`;
  return finding.kind ?? finding.name ?? '-';
}

function paintSeverity(severity: Severity, paint: Paint): string {
  if (severity === 'error') return paint.red(severity);
  if (severity === 'warning') return paint.yellow(severity);
  return paint.cyan(severity);
}

function formatSummary(report: ValidationReport, context: ReportContext, paint: Paint): string {
  const count = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const bySeverity = (severity: Severity) => report.findings.filter((f) => f.severity === severity).length;
  const errors = bySeverity('error');
  const warnings = bySeverity('warning');
  const infos = bySeverity('info');
  const scope = `${count(report.resources, 'resource')} in ${count(context.files, 'file')}` +
    (context.kubernetesVersion ? `, Kubernetes ${context.kubernetesVersion} schemas` : '');
  const suppressed = report.suppressed.length > 0 ? `; ${report.suppressed.length} suppressed` : '';
  if (report.findings.length === 0) return `${paint.green('No problems')} found (${scope})${suppressed}.`;
  const parts = [count(errors, 'error'), count(warnings, 'warning'), ...(infos > 0 ? [`${infos} info`] : [])];
  const headline = errors > 0 ? paint.red(parts.join(', ')) : paint.yellow(parts.join(', '));
  return `${headline} (${scope})${suppressed}.`;
}
