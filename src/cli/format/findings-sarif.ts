import { isAbsolute, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Finding, Severity } from '../../core/findings.js';
import type { ValidationReport } from '../../core/validate/run.js';
import type { SuppressedFinding } from '../../core/validate/policy/index.js';

export interface RuleInfo {
  summary: string;
  hint?: string;
}

export interface SarifContext {
  version: string;
  /** Relative URIs are relative to this directory (the repository root in CI). */
  cwd: string;
  /** Description of a rule id, for the rules table code-scanning shows. */
  describeRule(id: string): RuleInfo | undefined;
}

const levels: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };

/**
 * SARIF 2.1.0 for GitHub code scanning and other viewers. Suppressed findings
 * are included as results with an external suppression carrying the recorded
 * reason, which is how SARIF says "known, and accepted".
 */
export function formatFindingsSarif(report: ValidationReport, context: SarifContext): string {
  const all: (Finding | SuppressedFinding)[] = [...report.findings, ...report.suppressed];
  const ruleIds = [...new Set(all.map((f) => f.rule))].sort();
  const rules = ruleIds.map((id) => {
    const info = context.describeRule(id);
    return {
      id,
      name: id,
      shortDescription: { text: info?.summary ?? id },
      ...(info?.hint ? { help: { text: info.hint } } : {}),
      defaultConfiguration: { level: levels[all.find((f) => f.rule === id)!.severity] },
    };
  });
  const toResult = (finding: Finding | SuppressedFinding) => ({
    ruleId: finding.rule,
    ruleIndex: ruleIds.indexOf(finding.rule),
    level: levels[finding.severity],
    message: { text: finding.hint ? `${finding.message}. ${finding.hint}` : finding.message },
    // Code scanning annotates the first location: the template the user edits, when the finding has
    // one in the repository; the rendered file is then a related location.
    locations: [templateInRepo(finding) ? physical(finding.template!, context.cwd) : physical(finding, context.cwd)],
    ...(templateInRepo(finding) ? { relatedLocations: [{ id: 1, ...physical(finding, context.cwd), message: { text: 'rendered manifest' } }] } : {}),
    ...(finding.kind && finding.name || finding.template?.valuesKey
      ? { properties: { ...(finding.kind && finding.name ? { kind: finding.kind, name: finding.name } : {}), ...(finding.template?.valuesKey ? { valuesKey: finding.template.valuesKey } : {}) } }
      : {}),
    ...('reason' in finding ? { suppressions: [{ kind: 'external', justification: finding.reason }] } : {}),
  });
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'ladder', version: context.version, rules } },
        results: all.map(toResult),
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}

function templateInRepo(finding: Finding): boolean {
  return finding.template !== undefined && !finding.template.builtIn;
}

function physical(where: { file: string; line: number; column: number }, cwd: string) {
  return {
    physicalLocation: {
      artifactLocation: { uri: toUri(where.file, cwd) },
      // SARIF regions start at 1; a finding about the whole file (line 0) has none.
      ...(where.line > 0 ? { region: { startLine: where.line, ...(where.column > 0 ? { startColumn: where.column } : {}) } } : {}),
    },
  };
}

/**
 * A URI relative to the working directory, with forward slashes and
 * percent-encoding, so code scanning can map it onto the repository; an
 * absolute `file:` URI for files outside it, which no relative URI can name.
 */
function toUri(file: string, cwd: string): string {
  const path = relative(cwd, resolve(cwd, file));
  if (isAbsolute(path) || path === '..' || path.startsWith(`..${sep}`)) return pathToFileURL(resolve(cwd, file)).href;
  return path.split(sep).map(encodeURIComponent).join('/');
}
