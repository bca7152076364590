import { groupOf } from '../kubernetes/scope.js';
import { canonicalJson, containsPath, isLeaf, isRecord, parseFieldSet, type FieldTree, type PathElement } from './field-set.js';
import { formatDriftPath } from './format-path.js';
import { appliedFieldSet, ladderManager, managedFieldsOf, writerOf, type FieldWriter, type ManagedFieldsEntry } from './managed-fields.js';
import { absent, project, sameValue, step } from './values.js';

/** One managed field whose live value is not the applied one. */
export interface FieldDrift {
  /** Readable path, e.g. `spec.template.spec.containers[name=app].image`. */
  path: string;
  elements: PathElement[];
  /** The value Ladder applied (as the server stored it); absent when `masked`. */
  desired?: unknown;
  /** The live value; absent when the field is gone live, or when `masked`. */
  live?: unknown;
  /** The field is missing from the live object. */
  missing?: true;
  /** Secret data: the values are never carried, only the fact that they differ. */
  masked?: true;
  /** The writer that owns the path live (or, when nobody does, the latest other writer). */
  changedBy?: FieldWriter;
}

export type DriftResult =
  | { status: 'in-sync' }
  | { status: 'drifted'; changes: FieldDrift[] }
  | { status: 'deleted' }
  /** The snapshot shows no fields of Ladder's: nothing can be compared. */
  | { status: 'unmanaged' };

export interface CompareOptions {
  manager?: string;
  /**
   * The live object as last seen before this one. A removed field is owned by
   * nobody; the entry that changed between the two versions names its writer.
   */
  previous?: unknown;
}

/**
 * Compares the live object with the applied snapshot (the server's answer when
 * Ladder applied it) on the fields Ladder owns in the snapshot only. Defaults,
 * normalised quantities, status and other managers' fields are therefore never
 * drift. Ownership is read from the snapshot, not from the live object: an
 * Update that changes one of Ladder's fields moves its ownership away live.
 */
export function compareWithSnapshot(snapshot: unknown, live: unknown, options: CompareOptions = {}): DriftResult {
  const manager = options.manager ?? ladderManager;
  if (live === undefined || live === null) return { status: 'deleted' };
  const applied = fieldSetOf(snapshot, manager);
  if (!applied) return { status: 'unmanaged' };
  const secret = isSecret(snapshot);
  const fields = secret ? foldStringData(applied) : applied;
  const changes: FieldDrift[] = [];
  collect(fields, snapshot, live, [], changes);
  if (changes.length === 0) return { status: 'in-sync' };
  const entries = managedFieldsOf(live);
  const recent = recentlyWritten(entries, managedFieldsOf(options.previous));
  for (const change of changes) {
    const writer = attribute(change.elements, entries, recent, manager);
    if (writer) change.changedBy = writer;
    if (secret && isSecretPath(change.elements)) maskValues(change);
  }
  return { status: 'drifted', changes };
}

// A snapshot is compared on every change of its object: parse its field set once.
const fieldSets = new WeakMap<object, { manager: string; tree: FieldTree | undefined }>();
function fieldSetOf(snapshot: unknown, manager: string): FieldTree | undefined {
  if (!isRecord(snapshot)) return undefined;
  const cached = fieldSets.get(snapshot);
  if (cached?.manager === manager) return cached.tree;
  const tree = appliedFieldSet(snapshot, manager);
  fieldSets.set(snapshot, { manager, tree });
  return tree;
}

function collect(tree: FieldTree, desired: unknown, live: unknown, prefix: PathElement[], out: FieldDrift[]): void {
  for (const { element, tree: child } of tree.children.values()) {
    const wanted = step(desired, element);
    if (wanted === absent) continue;
    const elements = [...prefix, element];
    const actual = step(live, element);
    if (actual === absent) {
      out.push({ path: formatDriftPath(elements), elements, desired: project(wanted, child), missing: true });
    } else if (isLeaf(child) || !isContainer(wanted) || !isContainer(actual)) {
      if (!sameValue(wanted, actual)) out.push({ path: formatDriftPath(elements), elements, desired: wanted, live: actual });
    } else {
      collect(child, wanted, actual, elements, out);
    }
  }
}

function isContainer(value: unknown): boolean {
  return isRecord(value) || Array.isArray(value);
}

/**
 * Who changed a path: the live entry other than Ladder's Apply that owns it.
 * A removed field is owned by nobody; then the likely writer is one whose entry
 * changed since the previous version (or, without one, the latest entry by
 * time), leaving out Ladder and status writers, and it is marked as inferred.
 */
function attribute(path: PathElement[], entries: ManagedFieldsEntry[], recent: Set<ManagedFieldsEntry>, manager: string): FieldWriter | undefined {
  const others = entries.filter((e) => !(e.manager === manager && e.operation === 'Apply'));
  const owner = latest(others.filter((e) => containsPath(parseOnce(e), path)));
  if (owner) return writerOf(owner);
  const writers = others.filter((e) => e.subresource !== 'status');
  const candidate = latest(writers.filter((e) => recent.has(e))) ?? latest(writers);
  return candidate ? writerOf(candidate, true) : undefined;
}

/** Entries that are new or different in `entries` compared with `previous`; empty without a previous version. */
function recentlyWritten(entries: ManagedFieldsEntry[], previous: ManagedFieldsEntry[]): Set<ManagedFieldsEntry> {
  if (previous.length === 0) return new Set();
  const identity = (e: ManagedFieldsEntry) => `${e.manager}\0${e.operation}\0${e.subresource ?? ''}\0${e.apiVersion ?? ''}`;
  const before = new Map(previous.map((e) => [identity(e), e]));
  return new Set(
    entries.filter((e) => {
      const old = before.get(identity(e));
      return !old || old.time !== e.time || canonicalJson(old.fieldsV1) !== canonicalJson(e.fieldsV1);
    }),
  );
}

const parsed = new WeakMap<ManagedFieldsEntry, FieldTree>();
function parseOnce(entry: ManagedFieldsEntry): FieldTree {
  let tree = parsed.get(entry);
  if (!tree) {
    tree = parseFieldSet(entry.fieldsV1);
    parsed.set(entry, tree);
  }
  return tree;
}

function latest(entries: ManagedFieldsEntry[]): ManagedFieldsEntry | undefined {
  return entries.reduce<ManagedFieldsEntry | undefined>((best, e) => (!best || (e.time ?? '') >= (best.time ?? '') ? e : best), undefined);
}

/**
 * The server turns a Secret's `stringData` into base64 `data` and stores no
 * `stringData`, while the field set still names `stringData` keys: compare
 * those keys under `data`, where the applied values are.
 */
function foldStringData(tree: FieldTree): FieldTree {
  const stringData = tree.children.get('f:stringData');
  if (!stringData) return tree;
  const children = new Map(tree.children);
  children.delete('f:stringData');
  const data = children.get('f:data');
  const merged = new Map([...(data?.tree.children ?? []), ...stringData.tree.children]);
  children.set('f:data', { element: { type: 'field', name: 'data' }, tree: { children: merged } });
  return { children };
}

function isSecret(object: unknown): boolean {
  return isRecord(object) && object.kind === 'Secret' && typeof object.apiVersion === 'string' && groupOf(object.apiVersion) === '';
}

const lastApplied = 'kubectl.kubernetes.io/last-applied-configuration';

/** Secret values live in `data` and `stringData`, and in a last-applied copy of the whole object. */
function isSecretPath(path: PathElement[]): boolean {
  const names = path.map((e) => (e.type === 'field' ? e.name : undefined));
  if (names[0] === 'data' || names[0] === 'stringData') return true;
  return names[0] === 'metadata' && (names.length < 3 || (names[1] === 'annotations' && names[2] === lastApplied));
}

function maskValues(change: FieldDrift): void {
  delete change.desired;
  delete change.live;
  change.masked = true;
}
