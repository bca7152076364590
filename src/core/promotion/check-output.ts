import type { Finding } from '../findings.js';

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
    const line = Math.max(1, finding.line);
    const annotation: CheckAnnotation = {
      path,
      start_line: line,
      end_line: line,
      annotation_level: levels[finding.severity],
      message: finding.hint ? `${finding.message}\n${finding.hint}` : finding.message,
      title: finding.kind && finding.name ? `${finding.rule}: ${finding.kind}/${finding.name}` : finding.rule,
    };
    if (finding.column > 0) {
      annotation.start_column = finding.column;
      annotation.end_column = finding.column;
    }
    annotations.push(annotation);
  }
  return annotations;
}

/** Splits annotations into request-sized batches; always at least one (possibly empty) batch. */
export function annotationBatches(annotations: readonly CheckAnnotation[]): CheckAnnotation[][] {
  const batches: CheckAnnotation[][] = [];
  for (let i = 0; i < annotations.length; i += annotationsPerRequest) batches.push(annotations.slice(i, i + annotationsPerRequest));
  return batches.length > 0 ? batches : [[]];
}

/** `file:line:column rule: message`, one finding a line, for check-run texts. */
export function findingsText(findings: readonly Finding[], limit = 200): string {
  const lines = findings.slice(0, limit).map((f) => {
    const where = f.line > 0 ? `${f.file}:${f.line}${f.column > 0 ? `:${f.column}` : ''}` : f.file;
    const what = f.kind && f.name ? ` (${f.kind}/${f.name})` : '';
    return `- \`${where}\` **${f.severity}** ${f.rule}${what}: ${oneLine(f.message)}`;
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
