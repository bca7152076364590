import type { Finding } from '../findings.js';
import type { ManifestDocument } from '../manifests/document.js';

type KeyPath = (string | number)[];

/**
 * An unknown field next to the one it was meant to be (`resource:` for
 * `resources:`) makes other findings on the same object: the missing
 * requests `missing-resources` reports, a required field the schema misses.
 * Those come right after their cause, and say what probably caused them, so
 * the user fixes the typo first instead of adding what is already there.
 * `findings` are in report order; the result keeps it apart from the moves.
 */
export function rootCauseFirst(findings: readonly Finding[], spans: readonly CauseSpan[]): Finding[] {
  if (spans.length === 0) return [...findings];
  const consequencesOf = new Map<Finding, Finding[]>();
  const claimed = new Set<Finding>();
  // Causes and consequences share a file: look only there (a large set has thousands of files).
  const byFile = groupBy(findings, (finding) => finding.file);
  const spanOf = new Map(spans.map((span) => [`${span.file}\0${span.line}\0${span.column}`, span]));
  for (const cause of findings) {
    const typo = unknownField(cause);
    if (!typo) continue;
    const span = spanOf.get(`${cause.file}\0${cause.line}\0${cause.column}`);
    if (!span) continue;
    const mentions = new RegExp(`(^|[^A-Za-z0-9])${escape(typo.meant)}([^A-Za-z0-9]|$)`);
    const consequences = (byFile.get(cause.file) ?? []).filter((other) =>
      other !== cause && !claimed.has(other) &&
      other.line >= span.first && other.line <= span.last && mentions.test(other.message) && !unknownField(other));
    if (consequences.length === 0) continue;
    for (const consequence of consequences) claimed.add(consequence);
    consequencesOf.set(cause, consequences);
  }
  if (consequencesOf.size === 0) return [...findings];
  const ordered: Finding[] = [];
  for (const finding of findings) {
    if (claimed.has(finding)) continue;
    ordered.push(finding);
    const typo = unknownField(finding);
    for (const consequence of consequencesOf.get(finding) ?? []) {
      const where = finding.line > 0 ? ` at line ${finding.line}` : '';
      ordered.push({ ...consequence, message: `${consequence.message} (probably because of the unknown field '${typo!.written}'${where}: did you mean ${typo!.meant}?)` });
    }
  }
  return ordered;
}

/** Where an unknown field is, and the lines of the object holding it: the reach of its consequences. */
export interface CauseSpan {
  file: string;
  line: number;
  column: number;
  first: number;
  last: number;
}

/** The spans of the unknown fields among `findings`, found in the documents they are about. */
export function causeSpans(findings: readonly Finding[], documents: readonly ManifestDocument[]): CauseSpan[] {
  const spans: CauseSpan[] = [];
  const causes: { cause: Finding; typo: NonNullable<ReturnType<typeof unknownField>> }[] = [];
  for (const cause of findings) {
    const typo = unknownField(cause);
    if (typo) causes.push({ cause, typo });
  }
  if (causes.length === 0) return spans;
  // Only the documents of files with a cause are looked at: a large set has thousands of files.
  const causeFiles = new Set(causes.map(({ cause }) => cause.file));
  const documentsByFile = groupBy(documents.filter((document) => causeFiles.has(document.file)), (document) => document.file);
  for (const { cause, typo } of causes) {
    const span = parentSpan(cause, typo, documentsByFile.get(cause.file) ?? []);
    if (span) spans.push({ file: cause.file, line: cause.line, column: cause.column, ...span });
  }
  return spans;
}

/** `spec.template.spec.containers[0].resource: unknown field (did you mean resources?)`. */
function unknownField(finding: Finding): { path: KeyPath; written: string; meant: string } | undefined {
  if (finding.rule !== 'schema') return undefined;
  const match = /^(\S+): unknown field \(did you mean ([^?\s]+)\?\)$/.exec(finding.message);
  if (!match) return undefined;
  const path = parseKeyPath(match[1]!);
  const written = path.at(-1);
  return typeof written === 'string' ? { path, written, meant: match[2]! } : undefined;
}

/** `a.b[0].c` → `['a', 'b', 0, 'c']` (the paths of unknown fields hold no dotted map keys). */
function parseKeyPath(text: string): KeyPath {
  const path: KeyPath = [];
  for (const part of text.split('.')) {
    const [name, ...indexes] = part.split('[');
    if (name) path.push(name);
    for (const index of indexes) path.push(Number(index.replace(']', '')));
  }
  return path;
}

/**
 * The lines the object holding the unknown field spans, in the document the cause is in; none when
 * that object has the field the typo was meant to be as well: then what is said of that field is
 * about it, not about the typo (`replicas: "3"` next to `replica: 3`).
 */
function parentSpan(cause: Finding, typo: { path: KeyPath; meant: string }, documents: readonly ManifestDocument[]): { first: number; last: number } | undefined {
  const path = typo.path;
  const document = documents.find((doc) => {
    if (doc.file !== cause.file) return false;
    const at = doc.positionOf(path);
    return at.line === cause.line && at.column === cause.column;
  });
  if (!document) return undefined;
  const parentPath = path.slice(0, -1);
  let parent: unknown = document.object;
  for (const part of parentPath) parent = (parent as Record<string | number, unknown> | undefined)?.[part];
  if (typeof parent === 'object' && parent !== null && Object.hasOwn(parent, typo.meant)) return undefined;
  let first = document.positionOf(parentPath).line;
  let last = first;
  const visit = (value: unknown, at: KeyPath): void => {
    const line = document.positionOf(at).line;
    first = Math.min(first, line);
    last = Math.max(last, line);
    if (Array.isArray(value)) value.forEach((item, i) => visit(item, [...at, i]));
    else if (typeof value === 'object' && value !== null) for (const [key, item] of Object.entries(value)) visit(item, [...at, key]);
  };
  visit(parent, parentPath);
  return { first, last };
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
