import type { Alias, Document, Node } from 'yaml';
// Loaded on first use: manifests that take the quick path never need `yaml` (see yaml-library.ts).
import { yamlLibrary as yaml } from '../manifests/yaml-library.js';

/**
 * Budgets every reader of untrusted YAML applies (configs, `.ladder/services.yml`,
 * manifests, rendered output): how deep a document may nest, and the shapes
 * that make a parser or a later walk run away — an alias inside the value it
 * names (a cycle: every walk of the result loops until the heap is gone), and
 * thousands of nested brackets or `- ` markers (the parsers recurse per level
 * and, before their own guards trip, spend gigabytes on them).
 */

export interface Position {
  line: number;
  column: number;
}

/**
 * Where the raw text first nests deeper than `max`, before any parser sees it:
 * `[`/`{` flow nesting, and a run of block-sequence markers on one line
 * (`- - - - x`), each of which opens a level. Brackets inside strings count
 * too, which only matters for absurd input. Indentation alone cannot nest
 * deeply within the size budgets: each level costs one more column on every
 * line below it.
 */
export function findNestingOver(text: string, max: number): Position | undefined {
  // Most files have no bracket, and only a line of more than 2 × max characters holds more
  // than max markers: such a file is answered without looking at each character.
  if (!text.includes('[') && !text.includes('{') && !hasLineLongerThan(text, 2 * max + 1)) return undefined;
  let depth = 0;
  let line = 1;
  let column = 0;
  let lineStart = true;
  let markers = 0;
  // By UTF-16 index, like the yaml parser's columns.
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    column++;
    if (char === '\n') {
      line++;
      column = 0;
      lineStart = true;
      markers = 0;
      continue;
    }
    if (lineStart) {
      if (char === ' ' || char === '\t') continue;
      if (char === '-' && (text[index + 1] === ' ' || text[index + 1] === '\t')) {
        if (++markers > max) return { line, column };
        continue;
      }
      lineStart = false;
    }
    if (char === '[' || char === '{') {
      if (++depth > max) return { line, column };
    } else if ((char === ']' || char === '}') && depth > 0) {
      depth--;
    }
  }
  return undefined;
}

function hasLineLongerThan(text: string, length: number): boolean {
  let lineStart = 0;
  for (let newline = text.indexOf('\n'); newline !== -1; newline = text.indexOf('\n', lineStart)) {
    if (newline - lineStart > length) return true;
    lineStart = newline + 1;
  }
  return text.length - lineStart > length;
}

/** The offset of the first alias that stands inside the very value its anchor names. */
export function findAliasCycle(doc: Document): { offset: number; name: string } | undefined {
  let found: { offset: number; name: string } | undefined;
  yaml().visit(doc, {
    Alias(_, alias, path) {
      const target = alias.resolve(doc);
      if (target && path.includes(target)) {
        found = { offset: alias.range?.[0] ?? 0, name: alias.source };
        return yaml().visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}

/**
 * The offset of the first node nested deeper than `max` collections.
 * With `followAliases`, an alias counts the depth of the value it names where
 * it is used (what a walk of the loaded value meets); only for a document
 * without alias cycles. Linear in the document's size even for an alias bomb
 * (each named value's height is computed once), and iterative, so the check
 * itself cannot run out of stack.
 */
export function findDepthOver(doc: Document, max: number, options: { followAliases: boolean }): number | undefined {
  const root = doc.contents;
  if (!yaml().isNode(root)) return undefined;
  const heights = options.followAliases ? new Map<Node, number>() : undefined;
  const stack: { node: Node; depth: number }[] = [{ node: root, depth: 0 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    if (yaml().isAlias(node)) {
      const target = heights ? node.resolve(doc) : undefined;
      if (target && depth + heightOf(doc, target, heights!) > max) return node.range?.[0] ?? 0;
      continue;
    }
    if (!yaml().isCollection(node)) continue;
    if (depth + 1 > max) return node.range?.[0] ?? 0;
    for (const child of childrenOf(node)) stack.push({ node: child, depth: depth + 1 });
  }
  return undefined;
}

/** The nodes inside a collection: items, and the values and non-scalar keys of pairs. */
function childrenOf(node: Node): Node[] {
  if (!yaml().isCollection(node)) return [];
  const children: Node[] = [];
  for (const item of node.items) {
    if (yaml().isPair(item)) {
      if (yaml().isNode(item.value)) children.push(item.value);
      if (yaml().isNode(item.key) && !yaml().isScalar(item.key)) children.push(item.key);
    } else if (yaml().isNode(item)) {
      children.push(item);
    }
  }
  return children;
}

function targetsOf(doc: Document, alias: Alias): Node[] {
  const target = alias.resolve(doc);
  return target ? [target] : [];
}

/** Collections nested in `node` once aliases are expanded, memoised per node (post-order, without recursion). */
function heightOf(doc: Document, node: Node, heights: Map<Node, number>): number {
  const pending: { node: Node; expanded: boolean }[] = [{ node, expanded: false }];
  while (pending.length > 0) {
    const top = pending[pending.length - 1]!;
    if (heights.has(top.node)) {
      pending.pop();
      continue;
    }
    const next: Node[] = yaml().isAlias(top.node) ? targetsOf(doc, top.node) : childrenOf(top.node);
    if (!top.expanded) {
      top.expanded = true;
      for (const child of next) if (!heights.has(child)) pending.push({ node: child, expanded: false });
      continue;
    }
    pending.pop();
    let below = 0;
    for (const child of next) below = Math.max(below, heights.get(child) ?? 0);
    heights.set(top.node, yaml().isCollection(top.node) ? below + 1 : below);
  }
  return heights.get(node) ?? 0;
}

/** The tags a YAML value may carry explicitly and still be plain data (text, numbers, booleans, null, lists, mappings). */
const plainTags = new Set(['str', 'int', 'float', 'bool', 'null', 'seq', 'map'].map((name) => `tag:yaml.org,2002:${name}`));

/**
 * The first node with an explicit tag that makes something other than plain
 * data: `!!set`, `!!omap`, `!!pairs`, `!!timestamp`, `!!binary` (a Set, a
 * Map, a Date, bytes) render as `{}` or byte maps, and no template means that.
 */
export function findNonPlainTag(doc: Document): { offset: number; tag: string } | undefined {
  let found: { offset: number; tag: string } | undefined;
  yaml().visit(doc, {
    Node(_, node) {
      if (yaml().isAlias(node) || !node.tag || plainTags.has(node.tag)) return undefined;
      found = { offset: node.range?.[0] ?? 0, tag: node.tag.replace(/^tag:yaml\.org,2002:/, '!!') };
      return yaml().visit.BREAK;
    },
  });
  return found;
}

/** The yaml parser reports a stack overflow as a syntax error: it is a nesting problem, and should say so. */
export function isStackOverflow(message: string): boolean {
  return /maximum call stack size exceeded/i.test(message);
}
