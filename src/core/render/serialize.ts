import { Document, parseDocument, visit } from 'yaml';
import { compareCodeUnits } from './helpers/structures.js';
import { escapeUnsafe, hasUnsafeCharacters } from './yaml-text.js';

const rootFirst = ['apiVersion', 'kind', 'metadata'];
const metadataFirst = ['name', 'namespace', 'labels', 'annotations'];
// Lists of named things (containers, ports, env, volumes) read best name first.
const listItemFirst = ['name'];

/**
 * Deterministic YAML for one Kubernetes object: apiVersion, kind, metadata
 * first (metadata: name, namespace, labels, annotations first), `name` first
 * in list items, every other key in code-unit order; no anchors, no folding.
 * Same object → same bytes, whatever the key order it was built with.
 * Strings are written so YAML 1.1 readers (kubectl) read them unchanged too.
 */
export function serializeResource(object: Record<string, unknown>): string {
  const doc = new Document(orderKeys(object, rootFirst), { aliasDuplicateObjects: false });
  const quoteCache = new Map<string, boolean>();
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value !== 'string') return;
      let quote = quoteCache.get(node.value);
      if (quote === undefined) {
        quote = hasUnsafeCharacters(node.value) || changesTypeInYaml11(node.value);
        quoteCache.set(node.value, quote);
      }
      if (quote) node.type = 'QUOTE_DOUBLE';
    },
  });
  // The yaml library writes DEL, C1 controls, NEL, LS, PS and BOM raw. YAML 1.1
  // readers refuse the controls and break lines at NEL/LS/PS, so they are
  // escaped; every string holding one was made double-quoted above, so each
  // occurrence in the text is inside double quotes, where `\uXXXX` is the same value.
  return escapeUnsafe(doc.toString({ lineWidth: 0 }));
}

/** Maps become `Map`s in the chosen order (a plain object would put integer-like keys first). */
function orderKeys(value: unknown, first: readonly string[] = []): unknown {
  if (Array.isArray(value)) return value.map((item) => orderKeys(item, listItemFirst));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value);
  const rank = (key: string): number => {
    const index = first.indexOf(key);
    return index === -1 ? first.length : index;
  };
  entries.sort(([a], [b]) => rank(a) - rank(b) || compareCodeUnits(a, b));
  return new Map(entries.map(([key, item]) => [key, orderKeys(item, key === 'metadata' ? metadataFirst : [])]));
}

/**
 * The yaml library writes YAML 1.2, where `on`, `yes`, `n`, `0b1`, `1_000` and
 * `12:30` are plain strings. kubectl reads YAML 1.1 (sigs.k8s.io/yaml), where
 * they are booleans and numbers. A one-line string that YAML 1.1 would read as
 * anything else is quoted. Multi-line strings are block scalars: strings in both.
 */
function changesTypeInYaml11(text: string): boolean {
  if (text.includes('\n')) return false;
  if (text === '<<' || text === '=') return true; // merge key and value key in YAML 1.1
  const doc = parseDocument(text, { version: '1.1' });
  if (doc.errors.length > 0) return true;
  try {
    return doc.toJS() !== text;
  } catch {
    return true; // e.g. `*name`, an alias with no anchor: anything but a plain string
  }
}
