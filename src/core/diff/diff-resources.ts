import type { KubeObject } from '../manifests/document.js';
import { diffValues } from './diff-values.js';
import { formatFieldPath } from './field-path.js';
import { maskSecretChanges } from './mask-secrets.js';
import type { SopsDocumentChange } from './sops-diff.js';
import { compareResourceKeys, formatResourceKey, identityOf, keyOf, type ResourceKey } from './resource-key.js';

export interface FieldChange {
  /** `spec.template.spec.containers[name=app].image` */
  path: string;
  /** Absent when the field was added. */
  before?: unknown;
  /** Absent when the field was removed. */
  after?: unknown;
  /** Set when values were replaced by a marker because they are Secret data. */
  masked?: true;
}

export interface ResourceChange {
  /** The key on the `after` side (its apiVersion may differ from the `before` side). */
  key: ResourceKey;
  changes: FieldChange[];
}

export interface ResourceDiff {
  added: ResourceKey[];
  removed: ResourceKey[];
  changed: ResourceChange[];
  /**
   * Set when resources were matched across namespaces (two environments of
   * one service): the namespaces each side uses. A resource's namespace is
   * then not one of its changes.
   */
  namespaces?: { before: string[]; after: string[] };
  /** SOPS-encrypted documents, compared by key names and ciphertext only (`diffSopsDocuments`). */
  sops?: SopsDocumentChange[];
}

export interface DiffOptions {
  /** Match resources by group, kind and name alone, so two environments' renders compare field by field. */
  acrossNamespaces?: boolean;
}

/**
 * Compares two sets of Kubernetes objects by identity (group, kind,
 * namespace, name), not by the files they came from: moving a resource to
 * another file is no change, renaming it is a removal and an addition.
 * Every list is sorted, so the same inputs always give the same output.
 *
 * Precondition: every object has apiVersion, kind and metadata.name, and no
 * identity appears twice on one side (see `findIdentityProblems`).
 */
export function diffResources(before: readonly KubeObject[], after: readonly KubeObject[], options: DiffOptions = {}): ResourceDiff {
  const across = options.acrossNamespaces === true;
  const beforeIndex = indexByIdentity(before, 'before', across);
  const afterIndex = indexByIdentity(after, 'after', across);
  const added: ResourceKey[] = [];
  const removed: ResourceKey[] = [];
  const changed: ResourceChange[] = [];
  for (const [identity, entry] of afterIndex) {
    const old = beforeIndex.get(identity);
    if (!old) {
      added.push(entry.key);
      continue;
    }
    const changes = maskSecretChanges(entry.key, diffValues(old.object, entry.object)).filter((change) => !(across && isNamespacePath(change.path)));
    if (changes.length > 0) {
      changed.push({ key: entry.key, changes: changes.map(({ path, ...rest }) => ({ path: formatFieldPath(path), ...rest })) });
    }
  }
  for (const [identity, entry] of beforeIndex) if (!afterIndex.has(identity)) removed.push(entry.key);
  added.sort(compareResourceKeys);
  removed.sort(compareResourceKeys);
  changed.sort((a, b) => compareResourceKeys(a.key, b.key));
  if (!across) return { added, removed, changed };
  return { added, removed, changed, namespaces: { before: namespacesOf(before), after: namespacesOf(after) } };
}

/**
 * Whether two sets look like renders of one service for two environments:
 * every resource is managed by Ladder and names the same service
 * (`app.kubernetes.io/name`), and each side keeps its namespaced resources in
 * one namespace, a different one. Then matching across namespaces is what
 * the user means; `ladder diff` does it unless told otherwise.
 */
export function areEnvironmentsOfOneService(before: readonly KubeObject[], after: readonly KubeObject[]): boolean {
  if (before.length === 0 || after.length === 0) return false;
  const services = new Set<string>();
  for (const object of [...before, ...after]) {
    const labels = ((object.metadata as { labels?: Record<string, unknown> } | undefined)?.labels) ?? {};
    if (labels['app.kubernetes.io/managed-by'] !== 'ladder' || typeof labels['app.kubernetes.io/name'] !== 'string') return false;
    services.add(labels['app.kubernetes.io/name']);
  }
  const [left, right] = [namespacesOf(before), namespacesOf(after)];
  return services.size === 1 && left.length === 1 && right.length === 1 && left[0] !== right[0];
}

/** The namespaces of a set's namespaced resources, sorted. */
function namespacesOf(objects: readonly KubeObject[]): string[] {
  return [...new Set(objects.map((object) => keyOf(object)?.namespace ?? '').filter((namespace) => namespace !== ''))].sort();
}

function isNamespacePath(path: readonly unknown[]): boolean {
  return path.length === 2 && path[0] === 'metadata' && path[1] === 'namespace';
}

function identityFor(key: ResourceKey, across: boolean): string {
  return identityOf(across ? { ...key, namespace: '' } : key);
}

export function hasDifferences(diff: ResourceDiff): boolean {
  return diff.added.length + diff.removed.length + diff.changed.length + (diff.sops?.length ?? 0) > 0;
}

/** A reason why a set of objects cannot be diffed, with the index of the offending object. */
export interface IdentityProblem {
  index: number;
  message: string;
  /** For a second definition, the index of the first one. */
  duplicateOf?: number;
}

/** Objects without identity, and identities that appear more than once, in one set. */
export function findIdentityProblems(objects: readonly KubeObject[], options: DiffOptions = {}): IdentityProblem[] {
  const problems: IdentityProblem[] = [];
  const seen = new Map<string, number>();
  objects.forEach((object, index) => {
    const key = keyOf(object);
    if (!key) {
      problems.push({ index, message: 'has no apiVersion, kind or metadata.name, so it cannot be matched with another resource' });
      return;
    }
    const identity = identityFor(key, options.acrossNamespaces === true);
    const first = seen.get(identity);
    if (first === undefined) seen.set(identity, index);
    else if (options.acrossNamespaces) {
      problems.push({ index, message: `${formatResourceKey(key)} has the kind and name of another resource in another namespace, so resources cannot be matched across namespaces (compare with --by-namespace)`, duplicateOf: first });
    } else problems.push({ index, message: `${formatResourceKey(key)} is defined more than once`, duplicateOf: first });
  });
  return problems;
}

function indexByIdentity(objects: readonly KubeObject[], side: string, across: boolean): Map<string, { key: ResourceKey; object: KubeObject }> {
  const index = new Map<string, { key: ResourceKey; object: KubeObject }>();
  for (const object of objects) {
    const key = keyOf(object);
    if (!key) throw new Error(`diffResources: an object on the ${side} side has no apiVersion, kind or metadata.name`);
    const identity = identityFor(key, across);
    if (index.has(identity)) throw new Error(`diffResources: ${formatResourceKey(key)} appears twice on the ${side} side`);
    index.set(identity, { key, object });
  }
  return index;
}
