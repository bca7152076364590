import type { Document, LineCounter } from 'yaml';
import { yamlLibrary } from './yaml-library.js';
import type { Finding } from '../findings.js';
import { documentLocator, type KubeObject, type ManifestDocument } from './document.js';
import { withKubernetesScalars } from './scalars.js';
import { findAliasCycle, findDepthOver, isStackOverflow } from '../yaml/budget.js';

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
export function parseWithYaml(text: string, file: string, limits: { maxAliasCount: number; maxDepth: number }): { documents: ManifestDocument[]; findings: Finding[] } {
  const findings: Finding[] = [];
  const { documents: docs, lineCounter } = composeYamlDocuments(text);
  const documents: ManifestDocument[] = [];
  docs.forEach((doc, index) => {
    // Only the first syntax error of a document: the rest are almost always knock-on errors of it.
    const [syntaxError] = doc.errors;
    if (syntaxError) {
      const { line, col } = syntaxError.linePos?.[0] ?? lineCounter.linePos(syntaxError.pos[0]);
      const message = isStackOverflow(syntaxError.message) ? `nested more than ${limits.maxDepth} levels deep` : firstLine(syntaxError.message);
      findings.push({ file, line, column: col, rule: 'yaml-syntax', severity: 'error', message });
      return;
    }
    if (doc.contents === null) return; // an empty document, e.g. a trailing `---`
    const start = lineCounter.linePos(doc.contents.range[0]);
    const shape = shapeProblem(doc, limits.maxDepth);
    if (shape) {
      const at = lineCounter.linePos(shape.offset);
      findings.push({ file, line: at.line, column: at.col, rule: 'input', severity: 'error', message: `document ${index + 1}: ${shape.message}` });
      return;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: limits.maxAliasCount });
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

/**
 * Too deep (the tree, then the value once aliases are expanded), or an alias
 * inside the value it names: a cycle that loads as a circular object, which
 * every later walk of it (validation, diff, serialisation) follows for ever.
 */
function shapeProblem(doc: Document, maxDepth: number): { offset: number; message: string } | undefined {
  const tooDeep = `nested more than ${maxDepth} levels deep`;
  const deep = findDepthOver(doc, maxDepth, { followAliases: false });
  if (deep !== undefined) return { offset: deep, message: tooDeep };
  const cycle = findAliasCycle(doc);
  if (cycle) return { offset: cycle.offset, message: `alias *${cycle.name} stands inside the value &${cycle.name} names, which makes an endless value` };
  const expanded = findDepthOver(doc, maxDepth, { followAliases: true });
  if (expanded !== undefined) return { offset: expanded, message: `${tooDeep} once its aliases are expanded` };
  return undefined;
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.trim();
}
