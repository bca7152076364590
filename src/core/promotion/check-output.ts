import type { Finding, TemplateLocation } from '../findings.js';

/** A check-run annotation as GitHub's API takes it. */
export interface CheckAnnotation {
  path: string;
  start_line: number;
  end_line: number;
  start_column?: number;
  end_column?: number;
  annotation_level: 'failure' | 'warning' | 'notice';
  message: string;
  title: string;
  raw_details?: string;
}

/** GitHub takes at most 50 annotations per create or update request. */
export const annotationsPerRequest = 50;

/** GitHub refuses output texts over 65535 characters; stay clear of it. */
const maxOutputText = 60_000;

const levels = { error: 'failure', warning: 'warning', info: 'notice' } as const;

/**
 * Findings as annotations. `pathOf` maps a finding's file to the repository
 * path the annotation goes on (rendered files live under `manifests.path`),
 * or undefined when the file is not in the repository the check run is on.
 */
export function annotationsFor(findings: readonly Finding[], pathOf: (file: string) => string | undefined): CheckAnnotation[] {
  const annotations: CheckAnnotation[] = [];
  for (const finding of findings) {
    const path = pathOf(finding.file);
    if (path === undefined) continue;
    const from = finding.template ? `\nFrom ${formatTemplate(finding.template)}` : '';
    annotations.push(annotation(finding, path, finding.line, finding.column, `${finding.message}${from}`));
  }
  return annotations;
}

/**
 * Findings on rendered manifests as annotations on the template lines that
 * produced them, for a check run on the code repository's commit: where the
 * user edits. Findings without a template in the repository are left out.
 */
export function templateAnnotationsFor(findings: readonly Finding[]): CheckAnnotation[] {
  return findings.flatMap((finding) => {
    const template = finding.template;
    if (!template || template.builtIn) return [];
    const rendered = `\nRendered at ${formatPlace(finding)}${template.valuesKey ? `, from ${template.valuesKey}` : ''}`;
    return [annotation(finding, template.file, template.line, template.column, `${finding.message}${rendered}`)];
  });
}

function annotation(finding: Finding, path: string, line: number, column: number, message: string): CheckAnnotation {
  const at = Math.max(1, line);
  return {
    path,
    start_line: at,
    end_line: at,
    ...(column > 0 ? { start_column: column, end_column: column } : {}),
    annotation_level: levels[finding.severity],
    message: finding.hint ? `${message}\n${finding.hint}` : message,
    title: finding.kind && finding.name ? `${finding.rule}: ${finding.kind}/${finding.name}` : finding.rule,
  };
}

function formatPlace(where: { file: string; line: number; column: number }): string {
  return where.line > 0 ? `${where.file}:${where.line}${where.column > 0 ? `:${where.column}` : ''}` : where.file;
}

/** `deploy/templates/deployment.yaml.hbs:15:20 (values.timeout)`. */
function formatTemplate(template: TemplateLocation): string {
  const notes = [template.valuesKey, template.builtIn ? "Ladder's default template" : undefined].filter(Boolean);
  return `${formatPlace(template)}${notes.length > 0 ? ` (${notes.join('; ')})` : ''}`;
}

/** Splits annotations into request-sized batches; always at least one (possibly empty) batch. */
export function annotationBatches(annotations: readonly CheckAnnotation[]): CheckAnnotation[][] {
  const batches: CheckAnnotation[][] = [];
  for (let i = 0; i < annotations.length; i += annotationsPerRequest) batches.push(annotations.slice(i, i + annotationsPerRequest));
  return batches.length > 0 ? batches : [[]];
}

/** `file:line:column rule: message`, one finding a line, for check-run texts; a template location first. */
export function findingsText(findings: readonly Finding[], limit = 200): string {
  const lines = findings.slice(0, limit).map((f) => {
    // The template line first: it is what the user edits; the rendered file second.
    const where = f.template ? `\`${formatTemplate(f.template)}\` (rendered \`${formatPlace(f)}\`)` : `\`${formatPlace(f)}\``;
    const what = f.kind && f.name ? ` (${f.kind}/${f.name})` : '';
    return `- ${where} **${f.severity}** ${f.rule}${what}: ${oneLine(f.message)}`;
  });
  if (findings.length > limit) lines.push(`- … and ${findings.length - limit} more`);
  return clip(lines.join('\n'));
}

export function countBySeverity(findings: readonly Finding[]): { errors: number; warnings: number } {
  return {
    errors: findings.filter((f) => f.severity === 'error').length,
    warnings: findings.filter((f) => f.severity === 'warning').length,
  };
}

export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** Cuts text to what a check-run output field takes. */
export function clip(text: string, max = maxOutputText): string {
  return text.length <= max ? text : `${text.slice(0, max - 20)}\n\n… (cut)`;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ');
}
