import type { Document, LineCounter } from 'yaml';
import { yamlLibrary } from './yaml-library.js';
import type { Finding } from '../findings.js';
import { documentLocator, type KubeObject, type ManifestDocument } from './document.js';
import { withKubernetesScalars } from './scalars.js';

export interface YamlDocuments {
  documents: Document.Parsed[];
  lineCounter: LineCounter;
}

/**
 * Every document of a file as the `yaml` package composes it, with positions.
 * Duplicate keys are errors; `<<` merges like go-yaml, which Kubernetes uses.
 */
export function composeYamlDocuments(text: string): YamlDocuments {
  const { LineCounter: Counter, parseAllDocuments } = yamlLibrary();
  const lineCounter = new Counter();
  const docs = parseAllDocuments(text, {
    lineCounter, uniqueKeys: true, prettyErrors: false, strict: true, merge: true, customTags: withKubernetesScalars,
  });
  // parseAllDocuments returns an EmptyStream (not an array) for a file with no documents.
  return { documents: Array.isArray(docs) ? docs : [], lineCounter };
}

/**
 * The careful path: every syntax error with its line and column, and aliases
 * expanded under a budget (billion laughs). Used for any file the quick path
 * declines (see parse-quick.ts), so every finding about bad YAML comes from here.
 */
export function parseWithYaml(text: string, file: string, maxAliasCount: number): { documents: ManifestDocument[]; findings: Finding[] } {
  const findings: Finding[] = [];
  const { documents: docs, lineCounter } = composeYamlDocuments(text);
  const documents: ManifestDocument[] = [];
  docs.forEach((doc, index) => {
    // Only the first syntax error of a document: the rest are almost always knock-on errors of it.
    const [syntaxError] = doc.errors;
    if (syntaxError) {
      const { line, col } = syntaxError.linePos?.[0] ?? lineCounter.linePos(syntaxError.pos[0]);
      findings.push({ file, line, column: col, rule: 'yaml-syntax', severity: 'error', message: firstLine(syntaxError.message) });
      return;
    }
    if (doc.contents === null) return; // an empty document, e.g. a trailing `---`
    const start = lineCounter.linePos(doc.contents.range[0]);
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount });
    } catch (error) {
      findings.push({
        file, line: start.line, column: start.col, rule: 'yaml-syntax', severity: 'error',
        message: `document ${index + 1}: ${firstLine((error as Error).message)}`,
      });
      return;
    }
    if (value === null || value === undefined) return;
    if (typeof value !== 'object' || Array.isArray(value)) {
      findings.push({
        file, line: start.line, column: start.col, rule: 'input', severity: 'error',
        message: `document ${index + 1} is ${Array.isArray(value) ? 'a list' : `a ${typeof value}`}, not a Kubernetes object (a mapping with apiVersion and kind)`,
      });
      return;
    }
    documents.push({
      file,
      index,
      object: value as KubeObject,
      start: { line: start.line, column: start.col },
      positionOf: documentLocator(doc, lineCounter),
    });
  });
  return { documents, findings };
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.trim();
}
