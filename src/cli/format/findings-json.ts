import type { Finding } from '../../core/findings.js';
import type { ValidationReport } from '../../core/validate/run.js';

/**
 * The machine-readable report. Every finding has the same keys in the same
 * order (`kind` and `name` are null when the finding is not about one
 * resource), so consumers need no optional-field handling.
 */
export function formatFindingsJson(report: ValidationReport): string {
  const body = {
    findings: report.findings.map(toJson),
    resources: report.resources,
    suppressed: report.suppressed.map((finding) => ({ ...toJson(finding), reason: finding.reason })),
  };
  return `${JSON.stringify(body, null, 2)}\n`;
}

function toJson(finding: Finding) {
  return {
    file: finding.file,
    line: finding.line,
    column: finding.column,
    kind: finding.kind ?? null,
    name: finding.name ?? null,
    rule: finding.rule,
    severity: finding.severity,
    message: finding.message,
    ...(finding.hint ? { hint: finding.hint } : {}),
    // For a rendered manifest: the template location that produced the node (file, line, column, valuesKey?, builtIn?).
    ...(finding.template ? { template: finding.template } : {}),
  };
}
