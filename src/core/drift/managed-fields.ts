import { isRecord, parseFieldSet, type FieldTree } from './field-set.js';

/** The field manager Ladder applies as. */
export const ladderManager = 'ladder';

/** One `metadata.managedFields` entry, as the API server writes it. */
export interface ManagedFieldsEntry {
  manager: string;
  operation: string;
  apiVersion?: string;
  time?: string;
  subresource?: string;
  fieldsV1?: unknown;
}

/** Who wrote a field, from a `managedFields` entry. */
export interface FieldWriter {
  manager: string;
  operation: string;
  time?: string;
  subresource?: string;
  /**
   * True when no entry owns the field any more (it was removed, so nobody
   * manages it) and the writer is the most recent other writer of the object:
   * a good guess, not the server's word.
   */
  inferred?: boolean;
}

export function managedFieldsOf(object: unknown): ManagedFieldsEntry[] {
  const metadata = isRecord(object) ? object.metadata : undefined;
  const entries = isRecord(metadata) ? metadata.managedFields : undefined;
  if (!Array.isArray(entries)) return [];
  return entries.filter(
    (entry): entry is ManagedFieldsEntry => isRecord(entry) && typeof entry.manager === 'string' && typeof entry.operation === 'string',
  );
}

/**
 * The fields `manager` owns through Apply in `object`, merged over its entries
 * (there is one per apiVersion applied). Undefined when it owns none.
 */
export function appliedFieldSet(object: unknown, manager = ladderManager): FieldTree | undefined {
  const entries = managedFieldsOf(object).filter((e) => e.manager === manager && e.operation === 'Apply' && !e.subresource);
  if (entries.length === 0) return undefined;
  const merged: FieldTree = { children: new Map() };
  for (const entry of entries) mergeInto(merged, parseFieldSet(entry.fieldsV1));
  return merged;
}

function mergeInto(target: FieldTree, source: FieldTree): void {
  for (const [key, child] of source.children) {
    const existing = target.children.get(key);
    if (existing) mergeInto(existing.tree, child.tree);
    else target.children.set(key, child);
  }
}

export function writerOf(entry: ManagedFieldsEntry, inferred = false): FieldWriter {
  const writer: FieldWriter = { manager: entry.manager, operation: entry.operation };
  if (entry.time) writer.time = entry.time;
  if (entry.subresource) writer.subresource = entry.subresource;
  if (inferred) writer.inferred = true;
  return writer;
}

/**
 * True when `manager` applied between two versions of an object: its Apply
 * entry's time moved. Then the newer version is what that manager asked for
 * (a new commit being applied), not a hand edit. An entry that only lost
 * fields to another writer keeps its time, so edits are never taken for it.
 * Times have one-second resolution: two applies in the same second look like one.
 */
export function appliedBetween(previous: unknown, live: unknown, manager = ladderManager): boolean {
  const timeOf = (object: unknown) => managedFieldsOf(object).find((e) => e.manager === manager && e.operation === 'Apply' && !e.subresource)?.time;
  const after = timeOf(live);
  return previous !== undefined && after !== undefined && timeOf(previous) !== after;
}
