import { relative } from 'node:path';
import { readManifests, type ReadManifestsResult } from '../../adapters/fs/read-manifests.js';
import { areEnvironmentsOfOneService, diffResources, findIdentityProblems, hasDifferences } from '../../core/diff/diff-resources.js';
import { identityOf, keyOf, type ResourceKey } from '../../core/diff/resource-key.js';
import { diffSopsDocuments, isSopsObject, type SopsDocumentInput } from '../../core/diff/sops-diff.js';
import { hasErrors } from '../../core/findings.js';
import { choiceOption } from '../args.js';
import { exitCode, UsageError, type CliIO, type ParsedValues } from '../command.js';
import { createPaint } from '../../core/format/color.js';
import { formatDiffJson } from '../format/diff-json.js';
import { formatDiffText } from '../../core/format/diff-text.js';
import { formatLocation } from '../format/findings-text.js';

export async function runDiff(values: ParsedValues, positionals: string[], io: CliIO): Promise<number> {
  const format = choiceOption(values, 'format', ['text', 'json'] as const, 'text');
  if (positionals.length !== 2) {
    throw new UsageError(`expected two directories or files to compare, got ${positionals.length}`);
  }
  if (values['across-namespaces'] === true && values['by-namespace'] === true) throw new UsageError('--across-namespaces and --by-namespace exclude each other');
  const [beforePath, afterPath] = positionals as [string, string];
  // SOPS-encrypted documents are compared by key names and ciphertext, apart from the rest (docs/secrets.md).
  const [before, sopsBefore] = splitSops(await readManifests([beforePath]), beforePath);
  const [after, sopsAfter] = splitSops(await readManifests([afterPath]), afterPath);
  const unreadable = [...describeUnreadable(before), ...describeUnreadable(after)];
  if (unreadable.length > 0) {
    io.stderr(`${unreadable.join('\n')}\nladder diff: cannot compare until these are fixed.\n`);
    return exitCode.trouble;
  }
  const objects = { before: before.documents.map((d) => d.object), after: after.documents.map((d) => d.object) };
  const acrossNamespaces = values['by-namespace'] === true ? false : values['across-namespaces'] === true || areEnvironmentsOfOneService(objects.before, objects.after);
  const problems = acrossNamespaces ? [...describeIdentityProblems(before, true), ...describeIdentityProblems(after, true)] : [];
  if (problems.length > 0) {
    io.stderr(`${problems.join('\n')}\nladder diff: cannot compare until these are fixed.\n`);
    return exitCode.trouble;
  }

  const diff = { ...diffResources(objects.before, objects.after, { acrossNamespaces }), sops: diffSopsDocuments(sopsBefore, sopsAfter, { acrossNamespaces }) };
  const files = { before: fileIndex(before), after: fileIndex(after) };
  const fileOf = (key: ResourceKey, side: 'before' | 'after') => files[side].get(identityOf(key));
  const paint = createPaint(io.color && format === 'text');
  io.stdout(format === 'json' ? formatDiffJson(diff, fileOf) : formatDiffText(diff, fileOf, paint));
  return hasDifferences(diff) ? exitCode.problems : exitCode.ok;
}

/** The side without its SOPS-encrypted documents, and those documents. */
function splitSops(side: ReadManifestsResult, root: string): [ReadManifestsResult, SopsDocumentInput[]] {
  const sops = side.documents.filter((doc) => isSopsObject(doc.object));
  if (sops.length === 0) return [side, []];
  const place = (file: string) => relative(root, file) || file;
  return [{ ...side, documents: side.documents.filter((doc) => !isSopsObject(doc.object)) }, sops.map((doc) => ({ object: doc.object, file: doc.file, place: place(doc.file) }))];
}

/**
 * A side cannot be compared when a file does not parse (its resources would
 * show as removed) or a resource has no identity or two definitions.
 */
function describeUnreadable(side: ReadManifestsResult): string[] {
  const lines = side.findings.filter((f) => f.severity === 'error').map((f) => `${formatLocation(f)}: ${f.message}`);
  if (hasErrors(side.findings)) return lines;
  return describeIdentityProblems(side, false);
}

function describeIdentityProblems(side: ReadManifestsResult, acrossNamespaces: boolean): string[] {
  const lines: string[] = [];
  for (const problem of findIdentityProblems(side.documents.map((d) => d.object), { acrossNamespaces })) {
    const doc = side.documents[problem.index]!;
    const first = problem.duplicateOf === undefined ? undefined : side.documents[problem.duplicateOf];
    const also = first ? ` (also at ${formatLocation({ file: first.file, ...first.start })})` : '';
    lines.push(`${formatLocation({ file: doc.file, ...doc.start })}: ${problem.message}${also}`);
  }
  return lines;
}

function fileIndex(side: ReadManifestsResult): Map<string, string> {
  const index = new Map<string, string>();
  for (const doc of side.documents) {
    const key = keyOf(doc.object);
    if (key) index.set(identityOf(key), doc.file);
  }
  return index;
}
