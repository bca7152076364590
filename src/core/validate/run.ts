import { compareFindings, type Finding } from '../findings.js';
import type { ManifestDocument, Position } from '../manifests/document.js';
import { formatResourceKey, identityOf, keyOf, type ResourceKey } from '../diff/resource-key.js';
import { runPolicy, type PolicyContext, type SuppressedFinding } from './policy/index.js';
import { withTemplateLocations, type RenderedSourceMap } from '../render/source-map.js';
import { causeSpans, rootCauseFirst, type CauseSpan } from './root-cause.js';

/** The part of the schema validator this step needs; `createSchemaValidator` returns one. */
export interface SchemaCheck {
  /** `known`: documents of the set that are not checked here but whose CRDs count (another shard's). */
  validate(documents: readonly ManifestDocument[], known?: readonly ManifestDocument[]): Finding[];
  isNamespaced(apiVersion: string, kind: string): boolean | undefined;
}

export interface ValidateDocumentsOptions extends Omit<PolicyContext, 'isNamespaced'> {
  /** Findings from reading and parsing the files (`yaml-syntax`, `input`), reported with the rest. */
  parseFindings?: readonly Finding[];
  /** Schema validation; policy also asks it which kinds are namespaced. */
  schema?: SchemaCheck;
  /** The source map of a rendered file, so its findings also name the template line (see render/source-map.ts). */
  sourceMaps?: (file: string) => RenderedSourceMap | undefined;
}

export interface ValidationReport {
  /** Every finding, sorted by file, line, column, severity, rule. */
  findings: Finding[];
  /** Findings turned off by a policy exception, with its reason, in the same order. */
  suppressed: SuppressedFinding[];
  /** Number of Kubernetes objects validated. */
  resources: number;
}

/**
 * One validation report for a manifest set: parse findings, schema findings,
 * policy findings and the resources defined twice, sorted so every output
 * format is stable.
 */
export function validateDocuments(documents: readonly ManifestDocument[], options: ValidateDocumentsOptions = {}): ValidationReport {
  const { sourceMaps, ...rest } = options;
  return completeReport([checkShard(documents, rest)], findDuplicates(documents), sourceMaps);
}

/**
 * What one part of a large set finds on its own documents (parse, schema and
 * policy findings), knowing the `context` documents of the rest of the set
 * that rules relate objects to: CRDs (kinds and scopes) and autoscalers.
 * `ladder validate` checks large sets in parts on several threads.
 */
export interface ShardReport {
  findings: Finding[];
  suppressed: SuppressedFinding[];
  /** For each unknown-field finding, the lines of the object that holds it (see root-cause.ts). */
  causeSpans: CauseSpan[];
  resources: number;
}

export function checkShard(documents: readonly ManifestDocument[], options: Omit<ValidateDocumentsOptions, 'sourceMaps'> & { context?: readonly ManifestDocument[] } = {}): ShardReport {
  const { parseFindings = [], schema, context: known = [], ...context } = options;
  // Schema first: it learns the scope of custom kinds from the CRDs it sees, which policy then asks about.
  const schemaFindings = schema?.validate(documents, known) ?? [];
  const policy = runPolicy(documents, {
    ...context,
    ...(schema ? { isNamespaced: (apiVersion: string, kind: string) => schema.isNamespaced(apiVersion, kind) } : {}),
  }, undefined, known.length > 0 ? [...documents, ...known] : documents);
  const findings = [...parseFindings, ...schemaFindings, ...policy.findings];
  return { findings, suppressed: policy.suppressed, causeSpans: causeSpans(findings, documents), resources: documents.length };
}

/** The report of a set checked in shards: every finding in order, the resources defined twice, template locations. */
export function completeReport(shards: readonly ShardReport[], duplicates: readonly Finding[], sourceMaps?: (file: string) => RenderedSourceMap | undefined): ValidationReport {
  const located = <F extends Finding>(list: F[]): F[] => (sourceMaps ? withTemplateLocations(list, sourceMaps) : list);
  const findings = [...shards.flatMap((shard) => shard.findings), ...duplicates];
  const spans = shards.flatMap((shard) => shard.causeSpans);
  return {
    // Sorted by place, except that a cause goes before the findings it explains (root-cause.ts).
    findings: rootCauseFirst(located(findings).sort(compareFindings), spans),
    suppressed: located(shards.flatMap((shard) => shard.suppressed)).sort(compareFindings),
    resources: shards.reduce((sum, shard) => sum + shard.resources, 0),
  };
}

/**
 * Two documents defining the same object: whichever is applied last wins, and
 * one file per resource on the manifest branch cannot hold both.
 */
export function findDuplicates(documents: readonly ManifestDocument[]): Finding[] {
  const nameOf = (entry: IdentityEntry) => documents[entry.document]!.positionOf(['metadata', 'name']);
  return duplicatesAmong(identityEntries(documents)).map(({ entry, first }) => duplicateFinding(entry, nameOf(entry), first, nameOf(first).line));
}

/**
 * A resource's identity and which document holds it: all duplicate detection
 * needs until it finds a duplicate. Where the name is written is looked up
 * only then: locating it in every document of a large set was 3 % of a run.
 */
export interface IdentityEntry {
  key: ResourceKey;
  file: string;
  /** The document's index in the list `identityEntries` was given. */
  document: number;
}

/** The identities of documents, in their order; objects without one are left out (the schema check reports them). */
export function identityEntries(documents: readonly ManifestDocument[]): IdentityEntry[] {
  return documents.flatMap((doc, document) => {
    const key = keyOf(doc.object);
    return key ? [{ key, file: doc.file, document }] : [];
  });
}

/** A document that defines an object an earlier one defined, and that earlier one. */
export interface Duplicate<E extends IdentityEntry> {
  entry: E;
  first: E;
}

/** Every identity that appeared before, in the order given. */
export function duplicatesAmong<E extends IdentityEntry>(entries: readonly E[]): Duplicate<E>[] {
  const firstSeen = new Map<string, E>();
  const duplicates: Duplicate<E>[] = [];
  for (const entry of entries) {
    const identity = identityOf(entry.key);
    const first = firstSeen.get(identity);
    if (first) duplicates.push({ entry, first });
    else firstSeen.set(identity, entry);
  }
  return duplicates;
}

/** `duplicate-resource` at the duplicate's name, naming the line where the first one's name is. */
export function duplicateFinding(entry: IdentityEntry, at: Position, first: IdentityEntry, firstLine: number): Finding {
  return {
    file: entry.file,
    line: at.line,
    column: at.column,
    kind: entry.key.kind,
    name: entry.key.name,
    rule: 'duplicate-resource',
    severity: 'error',
    message: `${formatResourceKey(entry.key)} is already defined at ${first.file}:${firstLine}`,
    hint: 'Keep one definition of each resource; rename one of them if both are needed.',
  };
}
