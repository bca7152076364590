import type { KubeObject, ObjectRef } from '../../adapters/kube/client.js';
import { formatLocation } from '../../core/errors.js';
import { parseManifests } from '../../core/manifests/parse.js';
import { stampOwned } from '../apply/marks.js';

/** One object of the commit, as Ladder will apply it (marks included), and where it came from. */
export interface ParsedObject {
  ref: ObjectRef;
  object: KubeObject;
  file: string;
  line: number;
}

/** Something wrong with the set, located in the file or naming the object. */
export interface SetProblem {
  file?: string;
  line?: number;
  ref?: ObjectRef;
  message: string;
}

export interface ManifestFile {
  path: string;
  content: string;
}

/**
 * Parses every file of the commit into the objects to apply. Any problem —
 * bad YAML, a document without apiVersion/kind/name — is returned, and the
 * caller applies nothing.
 */
export interface ParsedCommit {
  objects: ParsedObject[];
  problems: SetProblem[];
}

export function parseCommitFiles(files: readonly ManifestFile[], applySetId: string): ParsedCommit {
  const objects: ParsedObject[] = [];
  const problems: SetProblem[] = [];
  for (const file of files) {
    const parsed = parseManifests(file.content, file.path);
    for (const finding of parsed.findings) {
      if (finding.severity === 'error') problems.push({ file: finding.file, line: finding.line, message: finding.message });
    }
    for (const doc of parsed.documents) {
      const line = doc.start.line;
      const { apiVersion, kind } = doc.object;
      const metadata = doc.object.metadata as { name?: unknown; namespace?: unknown } | undefined;
      if (typeof apiVersion !== 'string' || typeof kind !== 'string' || typeof metadata?.name !== 'string' || !metadata.name) {
        problems.push({ file: file.path, line, message: 'a manifest needs apiVersion, kind and metadata.name' });
        continue;
      }
      const shapeProblem = metadataShapeProblem(metadata as Record<string, unknown>);
      if (shapeProblem) {
        problems.push({ file: file.path, line, message: shapeProblem });
        continue;
      }
      const ref: ObjectRef = { apiVersion, kind, name: metadata.name };
      if (typeof metadata.namespace === 'string' && metadata.namespace) ref.namespace = metadata.namespace;
      // The parser's object is this document's alone: stamped in place, not copied.
      objects.push({ ref, object: stampOwned(doc.object as KubeObject, applySetId, file.path), file: file.path, line });
    }
  }
  return { objects, problems };
}

/**
 * Metadata the marks are merged into must have the right shape: spreading
 * `labels: web` would turn it into labels `0: w, 1: e, 2: b`, which the API
 * server accepts, and a `namespace: 5` would be replaced by the default one.
 */
function metadataShapeProblem(metadata: Record<string, unknown>): string | undefined {
  for (const key of ['labels', 'annotations']) {
    const value = metadata[key];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'object' || Array.isArray(value)) return `metadata.${key} must be a map of names to strings`;
  }
  const namespace = metadata.namespace;
  if (namespace !== undefined && namespace !== null && typeof namespace !== 'string') return 'metadata.namespace must be a string';
  return undefined;
}

/** Identity of an object across API versions: group, kind, namespace, name. */
export function objectKey(ref: ObjectRef): string {
  const slash = ref.apiVersion.indexOf('/');
  const group = slash < 0 ? '' : ref.apiVersion.slice(0, slash);
  return `${group}/${ref.kind}/${ref.namespace ?? ''}/${ref.name}`;
}

/** `file:line Kind ns/name: message`, as the outcome and the GitHub status describe a problem. */
export function formatProblem(problem: SetProblem): string {
  const where = problem.file ? formatLocation({ file: problem.file, ...(problem.line ? { line: problem.line } : {}) }) : '';
  const what = problem.ref ? (problem.ref.namespace ? `${problem.ref.kind} ${problem.ref.namespace}/${problem.ref.name}` : `${problem.ref.kind} ${problem.ref.name}`) : '';
  return [[where, what].filter(Boolean).join(' '), problem.message].filter(Boolean).join(': ');
}
