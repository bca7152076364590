import { compareFindings, type Finding } from '../findings.js';
import type { ManifestDocument } from '../manifests/document.js';
import { formatResourceKey, identityOf, keyOf } from '../diff/resource-key.js';
import { runPolicy, type PolicyContext, type SuppressedFinding } from './policy/index.js';
import { withTemplateLocations, type RenderedSourceMap } from '../render/source-map.js';
import { rootCauseFirst } from './root-cause.js';

/** The part of the schema validator this step needs; `createSchemaValidator` returns one. */
export interface SchemaCheck {
  validate(documents: readonly ManifestDocument[]): Finding[];
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
  const { parseFindings = [], schema, sourceMaps, ...context } = options;
  // Schema first: it learns the scope of custom kinds from the CRDs it sees, which policy then asks about.
  const schemaFindings = schema?.validate(documents) ?? [];
  const policy = runPolicy(documents, {
    ...context,
    ...(schema ? { isNamespaced: (apiVersion: string, kind: string) => schema.isNamespaced(apiVersion, kind) } : {}),
  });
  const findings = [...parseFindings, ...schemaFindings, ...findDuplicates(documents), ...policy.findings];
  const located = <F extends Finding>(list: F[]): F[] => (sourceMaps ? withTemplateLocations(list, sourceMaps) : list);
  return {
    // Sorted by place, except that a cause goes before the findings it explains (root-cause.ts).
    findings: rootCauseFirst(located(findings).sort(compareFindings), documents),
    suppressed: located([...policy.suppressed]).sort(compareFindings),
    resources: documents.length,
  };
}

/**
 * Two documents defining the same object: whichever is applied last wins, and
 * one file per resource on the manifest branch cannot hold both.
 */
export function findDuplicates(documents: readonly ManifestDocument[]): Finding[] {
  const firstSeen = new Map<string, ManifestDocument>();
  const findings: Finding[] = [];
  for (const doc of documents) {
    const key = keyOf(doc.object);
    if (!key) continue; // the schema check reports objects without apiVersion, kind or name
    const identity = identityOf(key);
    const first = firstSeen.get(identity);
    if (!first) {
      firstSeen.set(identity, doc);
      continue;
    }
    const where = doc.positionOf(['metadata', 'name']);
    findings.push({
      file: doc.file,
      line: where.line,
      column: where.column,
      kind: key.kind,
      name: key.name,
      rule: 'duplicate-resource',
      severity: 'error',
      message: `${formatResourceKey(key)} is already defined at ${first.file}:${first.positionOf(['metadata', 'name']).line}`,
      hint: 'Keep one definition of each resource; rename one of them if both are needed.',
    });
  }
  return findings;
}
