/** A problem found in user input, located in the file the user can open. */
export type Severity = 'error' | 'warning' | 'info';

export interface Finding {
  /** Path of the file as the user named it (or a stable relative path for rendered output). */
  file: string;
  /** 1-based line; 0 when the finding is about the file as a whole. */
  line: number;
  /** 1-based column; 0 when the finding is about the file as a whole. */
  column: number;
  /** Kind and name of the resource the finding is about, when there is one. */
  kind?: string;
  name?: string;
  /** Rule id: `schema`, `yaml-syntax`, `input`, or a policy rule id such as `run-as-root`. */
  rule: string;
  severity: Severity;
  message: string;
  /** How to fix it, in one sentence. */
  hint?: string;
  /**
   * For a rendered manifest: the template text that produced the node the
   * finding is about. It is what the user edits, so formats show it first.
   */
  template?: TemplateLocation;
}

/** A place in a template; line and column are 1-based. */
export interface TemplateLocation {
  file: string;
  line: number;
  column: number;
  /** The values key the template read there, e.g. `values.resources.memory`. */
  valuesKey?: string;
  /** One of Ladder's default templates: no file of the user's repository. */
  builtIn?: boolean;
}

const severityOrder: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Orders findings by file, position, then severity, so every output format is stable. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    compareText(a.file, b.file) ||
    a.line - b.line ||
    a.column - b.column ||
    severityOrder[a.severity] - severityOrder[b.severity] ||
    compareText(a.rule, b.rule) ||
    compareText(a.message, b.message)
  );
}

/** `localeCompare`, which asks ICU even about equal strings: most findings sorted next to each other share a file. */
function compareText(a: string, b: string): number {
  return a === b ? 0 : a.localeCompare(b);
}

export function hasErrors(findings: readonly Finding[]): boolean {
  return findings.some((f) => f.severity === 'error');
}
