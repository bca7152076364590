import jsyaml from 'js-yaml';
import { checkBlockDocument, locateInBlockDocument, type BlockDocument } from './block-index.js';
import { documentLocator, type KubeObject, type ManifestDocument, type Position } from './document.js';
import { composeYamlDocuments, type YamlDocuments } from './parse-yaml.js';
import { kubernetesJsYamlSchema } from './scalars.js';

/**
 * The quick path: js-yaml builds the values (10–15× faster than composing
 * `yaml` Documents) and the block reader (block-index.ts) finds where each
 * node starts. Returns `undefined` — and the caller takes the careful `yaml`
 * path — for anything it should not decide itself:
 * - any parse error (duplicate keys included): every finding about bad YAML
 *   comes from the careful path, with its wording and position;
 * - a possible anchor: js-yaml resolves aliases to shared references, so
 *   later traversal (Ajv, policy) of a billion-laughs document would be
 *   exponential, while the careful path refuses it by an alias budget;
 * - a collection as a key, `<<` (merge keys), directives, `...`, a
 *   byte-order mark, a `---` line with content, a lone CR: rare, and the
 *   careful path handles them exactly;
 * - a document that is not a mapping, which is a finding;
 * - a document the block reader does not take, or reads into another shape
 *   than js-yaml: the two parsers must agree before either is trusted.
 * Positions are not computed here: the block reader finds one when a
 * finding asks for it (most documents of a large set have none).
 * The textual checks are conservative: a false alarm only costs speed.
 */
export function parseQuickly(text: string, file: string): ManifestDocument[] | undefined {
  if (needsCarefulParse(text)) return undefined;
  const segments = splitDocuments(text);
  if (!segments) return undefined;
  let values: unknown[];
  try {
    values = jsyaml.loadAll(text, null, { schema: kubernetesJsYamlSchema });
  } catch {
    return undefined;
  }
  // js-yaml reads a file of only comments as one empty document; `yaml`, whose numbering Ladder keeps, as none.
  const aligned = values.length === segments.length || (segments.length === 0 && values.every((value) => value === null));
  if (!aligned) return undefined;

  const source = new SourceText(text);
  const documents: ManifestDocument[] = [];
  for (const [index, segment] of segments.entries()) {
    const value = values[index];
    if (value === null || value === undefined) {
      // An empty document is skipped; `~`, `null` or a lone tag (`!`, which `yaml` reads as a string) is left to `yaml`.
      if (hasContent(text.slice(segment.start, segment.end))) return undefined;
      continue;
    }
    if (typeof value !== 'object' || Array.isArray(value)) return undefined;
    const block = checkBlockDocument(text, segment.start, segment.end, value);
    if (!block) return undefined;
    documents.push(quickDocument(file, index, value as KubeObject, block, source));
  }
  return documents;
}

const anchor = /(?:^|[\s,[{])&[^\s,[\]{}]/;
// A collection as a key (`[a]: b`, `? [a]`, `{{ .Values }}` in a flow mapping): js-yaml and `yaml` turn
// it into different strings, and Kubernetes refuses it. `, [` in a flow sequence is a false alarm.
const complexKey = /[}\]][ \t]*:(?:[ \t\r]|$)|(?:^|[\s,[{])\?(?:[ \t\r]|$)|[{,]\s*[{[]/m;

function needsCarefulParse(text: string): boolean {
  // Each pattern runs only when the character it needs is there: most manifests have none of them.
  const has = (character: string): boolean => text.includes(character);
  return (
    text.charCodeAt(0) === 0xfeff ||
    (has('&') && anchor.test(text)) ||
    ((has('[') || has('{') || has('?')) && complexKey.test(text)) ||
    has('<<') ||
    (has('\r') && /\r(?!\n)/.test(text)) ||
    ((has('%') || has('...')) && /^(?:%|\.\.\.(?:[ \t\r]|$))/m.test(text))
  );
}

interface Segment {
  /** Offset of the document's first line (after its `---` line). */
  start: number;
  end: number;
}

/**
 * The documents of a file by its `---` lines, numbered as `yaml` numbers
 * them: text before the first `---` is a document only if it has content.
 * `undefined` for a `---` line that carries content (`--- |`, `--- !tag`).
 */
function splitDocuments(text: string): Segment[] | undefined {
  const markers: { start: number; end: number }[] = [];
  if (text.includes('---')) {
    for (const match of text.matchAll(/^---(?=[ \t\r\n]|$).*$/gm)) {
      if (!/^---[ \t]*(?:#.*)?\r?$/.test(match[0])) return undefined;
      markers.push({ start: match.index, end: Math.min(text.length, match.index + match[0].length + 1) });
    }
  }
  const segments: Segment[] = [];
  const firstEnd = markers[0]?.start ?? text.length;
  if (/^[ \t]*[^ \t\r\n#]/m.test(text.slice(0, firstEnd))) segments.push({ start: 0, end: firstEnd });
  markers.forEach((marker, i) => segments.push({ start: marker.end, end: markers[i + 1]?.start ?? text.length }));
  return segments;
}

function hasContent(text: string): boolean {
  return /^[ \t]*[^ \t\r\n#]/m.test(text);
}

/** The file's text with what positions need, each computed once and shared by its documents. */
class SourceText {
  private lineStarts: number[] | undefined;
  private composed: YamlDocuments | undefined;

  constructor(readonly text: string) {}

  positionAt(offset: number): Position {
    const starts = (this.lineStarts ??= lineStartsOf(this.text));
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - starts[low]! + 1 };
  }

  /** The file composed by `yaml`, for paths into flow collections. */
  yamlDocuments(): YamlDocuments {
    this.composed ??= composeYamlDocuments(this.text);
    return this.composed;
  }
}

function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let newline = text.indexOf('\n'); newline !== -1; newline = text.indexOf('\n', newline + 1)) starts.push(newline + 1);
  return starts;
}

function quickDocument(file: string, index: number, object: KubeObject, block: BlockDocument, source: SourceText): ManifestDocument {
  let yamlLocate: ManifestDocument['positionOf'] | undefined;
  // The block reader treats a flow collection (`[a, b]`, `{a: 1}`) as one node; `yaml` finds what is inside.
  const locateWithYaml: ManifestDocument['positionOf'] = (path) => {
    if (!yamlLocate) {
      const { documents, lineCounter } = source.yamlDocuments();
      const doc = documents[index];
      yamlLocate = doc ? documentLocator(doc, lineCounter) : () => source.positionAt(block.root);
    }
    return yamlLocate(path);
  };
  return {
    file,
    index,
    object,
    get start() {
      return source.positionAt(block.root);
    },
    positionOf(path) {
      const offset = locateInBlockDocument(source.text, block, path);
      return offset === undefined ? locateWithYaml(path) : source.positionAt(offset);
    },
  };
}
