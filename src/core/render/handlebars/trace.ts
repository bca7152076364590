import type {} from 'handlebars'; // declares the global hbs.AST types

/**
 * Where each character of a template's output came from. Handlebars keeps no
 * source map, so the template's syntax tree gets a marker before every
 * statement (and after every `{{helper}}`): a character of Unicode's private
 * use plane 15 that no manifest holds. Rendering the marked tree and reading
 * the markers back out gives, for every output offset, the template text or
 * the helper call that wrote it. The caller checks that the output without
 * markers is exactly the plain render, and uses no map when it is not.
 */

/** A place in a template: 1-based line and column, and the values key a helper wrote. */
export interface TemplateOrigin {
  line: number;
  column: number;
  /** `values.resources.memory` when the text came from a helper reading that key. */
  valuesKey?: string;
}

type Origin =
  | { kind: 'content'; line: number; column: number; original: string; skipped: number }
  | { kind: 'helper'; line: number; column: number; valuesKey?: string };

interface Segment {
  start: number;
  origin: Origin;
}

export interface OutputTrace {
  /** The output with the markers taken out. */
  text: string;
  /** The template origin of the character at `offset` of `text`. */
  originAt(offset: number): TemplateOrigin | undefined;
}

const base = 0xf0000;
/** Plane 15 holds 65 534 code points; two markers per statement. */
const maxStatements = 32_000;

/**
 * Adds markers to a parsed (whitespace-processed) template in place; returns
 * the origins by marker number, or undefined when the template is too large.
 * Compile the result with `ignoreStandalone: true`: whitespace is already done.
 */
export function markStatements(program: hbs.AST.Program): Origin[] | undefined {
  const origins: Origin[] = [];
  const visit = (body: hbs.AST.Statement[], context: string | undefined, chained: boolean): hbs.AST.Statement[] => {
    const out: hbs.AST.Statement[] = [];
    for (const statement of body) {
      if (chained) {
        // `{{else if}}`: Handlebars expects the chained block alone in its program.
        out.push(statement);
      } else {
        const id = origins.length;
        origins.push(originOf(statement, context));
        out.push(marker(2 * id, statement.loc));
        out.push(statement);
        if (statement.type === 'MustacheStatement') out.push(marker(2 * id + 1, statement.loc));
      }
      if (statement.type === 'BlockStatement') {
        const block = statement as hbs.AST.BlockStatement;
        const inner = block.path.type === 'PathExpression' && ['each', 'with'].includes((block.path as hbs.AST.PathExpression).original)
          ? valuesKeyOf(block.params[0], context) ?? context
          : context;
        if (block.program) block.program.body = visit(block.program.body, inner, false);
        if (block.inverse) block.inverse.body = visit(block.inverse.body, context, Boolean((block.inverse as { chained?: boolean }).chained));
      }
    }
    // A marker closes every program too, so no statement ever looks standalone to a second whitespace pass.
    if (!chained) {
      const id = origins.length;
      origins.push({ kind: 'helper', line: 0, column: 0 });
      out.push(marker(2 * id, undefined));
    }
    return out;
  };
  program.body = visit(program.body, undefined, false);
  return origins.length > maxStatements ? undefined : origins;
}

/** Takes the markers out of a marked render. */
export function readTrace(marked: string, origins: readonly Origin[]): OutputTrace {
  let text = '';
  const segments: Segment[] = [];
  let last = 0;
  for (let i = 0; i < marked.length; i++) {
    const code = marked.codePointAt(i)!;
    if (code < base || code > base + 2 * maxStatements) continue;
    text += marked.slice(last, i);
    last = i + 2; // a plane-15 code point is two UTF-16 units
    const n = code - base;
    const origin = origins[n >> 1];
    // After a helper's end marker comes the text of whatever encloses it; the next marker says what.
    if (origin && n % 2 === 0) segments.push({ start: text.length, origin });
    i++;
  }
  text += marked.slice(last);
  return {
    text,
    originAt(offset) {
      let low = 0;
      let high = segments.length - 1;
      let found: Segment | undefined;
      while (low <= high) {
        const mid = (low + high) >> 1;
        if (segments[mid]!.start <= offset) {
          found = segments[mid];
          low = mid + 1;
        } else high = mid - 1;
      }
      return found ? resolve(found, offset) : undefined;
    },
  };
}

function resolve(segment: Segment, offset: number): TemplateOrigin | undefined {
  const { origin } = segment;
  if (origin.kind === 'helper') {
    if (origin.line === 0) return undefined;
    return { line: origin.line, column: origin.column, ...(origin.valuesKey ? { valuesKey: origin.valuesKey } : {}) };
  }
  // Walk the template text from the content's start to the character's place in it.
  const upTo = origin.original.slice(0, origin.skipped + (offset - segment.start));
  const newlines = upTo.split('\n');
  return newlines.length === 1
    ? { line: origin.line, column: origin.column + upTo.length }
    : { line: origin.line + newlines.length - 1, column: newlines.at(-1)!.length + 1 };
}

function marker(n: number, loc: hbs.AST.SourceLocation | undefined): hbs.AST.ContentStatement {
  const value = String.fromCodePoint(base + n);
  // @types/handlebars types `original` as StripFlags; Handlebars keeps the unstripped text there.
  return { type: 'ContentStatement', value, original: value as unknown as hbs.AST.StripFlags, loc: loc ?? { source: '', start: { line: 0, column: 0 }, end: { line: 0, column: 0 } } };
}

function originOf(statement: hbs.AST.Statement, context: string | undefined): Origin {
  const line = statement.loc.start.line;
  const column = statement.loc.start.column + 1;
  if (statement.type === 'ContentStatement') {
    const content = statement as hbs.AST.ContentStatement;
    const original = content.original as unknown as string;
    return { kind: 'content', line, column, original, skipped: skippedPrefix(original, content.value) };
  }
  const mustache = statement as hbs.AST.MustacheStatement;
  const valuesKey = statement.type === 'MustacheStatement' ? firstValuesKey(mustache.params, context) : undefined;
  return { kind: 'helper', line, column, ...(valuesKey ? { valuesKey } : {}) };
}

/** How much leading whitespace Handlebars' standalone and `~` stripping took off a text. */
function skippedPrefix(original: string, value: string): number {
  for (let k = 0; k <= original.length - value.length; k++) {
    if (original.startsWith(value, k)) return k;
    if (!/\s/.test(original[k]!)) break;
  }
  return 0;
}

function firstValuesKey(params: readonly hbs.AST.Expression[], context: string | undefined): string | undefined {
  for (const param of params) {
    const key = valuesKeyOf(param, context);
    if (key) return key;
  }
  return undefined;
}

/** `values.a.b` (also under `@root.` or `../`), or a path inside an `#each`/`#with` over a values key. */
function valuesKeyOf(expression: hbs.AST.Expression | undefined, context: string | undefined): string | undefined {
  if (!expression) return undefined;
  if (expression.type === 'SubExpression') return firstValuesKey((expression as hbs.AST.SubExpression).params, context);
  if (expression.type !== 'PathExpression') return undefined;
  const path = expression as hbs.AST.PathExpression;
  const at = path.original.search(/(^|[./])values\./);
  if (at >= 0) return path.original.slice(at === 0 ? 0 : at + 1);
  if (context === undefined || path.data || path.original.startsWith('../')) return undefined;
  const rest = path.original.replace(/^this\.?/, '');
  return rest ? `${context}.${rest}` : context;
}
