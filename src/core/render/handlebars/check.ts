import type {} from 'handlebars'; // declares the global hbs.AST types
import { helperSpecs, type HelperSpec } from '../helpers/registry.js';

/** A template breaks a rule Ladder checks before rendering. Line and column are 1-based. */
export class TemplateSourceError extends Error {
  override readonly name = 'TemplateSourceError';
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
  }
}

// Characters that may touch an output helper. Anything else would glue the
// helper's YAML value to template text, where a value's content could change
// what the text means (`image: registry/{{str x}}` with `x = "a #b"` truncates
// at the comment).
const allowedBefore = ' \t[{,}';
const allowedAfter = ' \t\r,]}:{';

/**
 * Checks a parsed template before it runs, so every branch is checked, not just
 * the one the current values take: known helpers only, each where it belongs
 * and with the right number of arguments; no plain `{{x}}`; no partials.
 */
export function checkTemplate(program: hbs.AST.Program, source: string): void {
  new TemplateChecker(source.split('\n')).program(program);
}

class TemplateChecker {
  constructor(private readonly lines: readonly string[]) {}

  program(program: hbs.AST.Program | undefined): void {
    for (const statement of program?.body ?? []) this.statement(statement);
  }

  private statement(node: hbs.AST.Statement): void {
    switch (node.type) {
      case 'ContentStatement':
      case 'CommentStatement':
        return;
      case 'MustacheStatement':
        return this.mustache(node as hbs.AST.MustacheStatement);
      case 'BlockStatement':
        return this.block(node as hbs.AST.BlockStatement);
      case 'PartialStatement':
      case 'PartialBlockStatement':
        return fail(node, 'partials ({{> name}}) are not supported: each template file renders on its own');
      default:
        return fail(node, `${node.type} is not supported in Ladder templates`);
    }
  }

  private mustache(node: hbs.AST.MustacheStatement): void {
    if (node.path.type !== 'PathExpression') {
      return fail(node, 'a literal in {{ }} is not needed: write it as template text, or use {{str "…"}}');
    }
    const path = node.path as hbs.AST.PathExpression;
    const name = helperName(path);
    const spec = name === undefined ? undefined : helperSpecs.get(name);
    if (!spec) {
      if (node.params.length > 0 || (node.hash?.pairs.length ?? 0) > 0) return fail(node, unknownHelper(path.original));
      return fail(
        node,
        `{{${path.original}}} writes a value without a helper; write {{str ${path.original}}} ` +
          '(or int, num, bool, toYaml) so the value stays one YAML value of the intended type',
      );
    }
    if (spec.kind === 'value') return fail(node, `${name} returns a value for another helper; write {{str (${name} …)}}`);
    if (spec.kind === 'block') return fail(node, `${name} is a block helper: write {{#${name} …}}…{{/${name}}}`);
    this.call(node, name!, spec);
    this.checkSurroundings(node, name!);
  }

  private block(node: hbs.AST.BlockStatement): void {
    const name = helperName(node.path);
    const spec = name === undefined ? undefined : helperSpecs.get(name);
    if (spec && spec.kind !== 'block') return fail(node, `${name} is not a block helper; blocks are #if, #unless, #each and #with`);
    if (!spec) {
      const section = name === undefined || node.params.length === 0;
      return fail(
        node,
        section
          ? `{{#${node.path.original}}} is a Mustache section; write {{#if …}}, {{#each …}} or {{#with …}}`
          : `unknown block helper "${name}"; blocks are #if, #unless, #each and #with`,
      );
    }
    this.call(node, name!, spec);
    this.program(node.program);
    this.program(node.inverse);
  }

  private expression(node: hbs.AST.Expression): void {
    if (node.type !== 'SubExpression') return;
    const sub = node as hbs.AST.SubExpression;
    const name = helperName(sub.path);
    const spec = name === undefined ? undefined : helperSpecs.get(name);
    if (!spec) return fail(node, unknownHelper(sub.path.original));
    if (spec.kind === 'output') {
      return fail(node, `${name} writes YAML text and cannot be used inside ( ); use concat, default or another value helper there`);
    }
    if (spec.kind === 'block') return fail(node, `${name} is a block helper and cannot be used inside ( )`);
    this.call(sub, name!, spec);
  }

  private call(node: hbs.AST.MustacheStatement | hbs.AST.BlockStatement | hbs.AST.SubExpression, name: string, spec: HelperSpec): void {
    const count = node.params.length;
    if (count < spec.minArgs || count > spec.maxArgs) {
      const expected =
        spec.minArgs === spec.maxArgs ? `${spec.minArgs}` : spec.maxArgs === Infinity ? `at least ${spec.minArgs}` : `${spec.minArgs} to ${spec.maxArgs}`;
      fail(node, `${name} takes ${expected} argument${expected === '1' ? '' : 's'}, not ${count}`);
    }
    for (const pair of node.hash?.pairs ?? []) {
      // includeZero is the one option of Handlebars' own #if/#unless.
      if (!((name === 'if' || name === 'unless') && pair.key === 'includeZero')) {
        fail(pair, `${name} takes no ${pair.key}=… option`);
      }
      this.expression(pair.value);
    }
    for (const param of node.params) this.expression(param);
  }

  private checkSurroundings(node: hbs.AST.MustacheStatement, name: string): void {
    const before = this.charBefore(node.loc.start, node.strip?.open ?? false);
    if (before !== undefined && !allowedBefore.includes(before)) {
      fail(node, `{{${name} …}} is glued to the ${JSON.stringify(before)} before it; ${glueAdvice(name)}`);
    }
    const after = this.charAfter(node.loc.end, node.strip?.close ?? false);
    if (after !== undefined && !allowedAfter.includes(after)) {
      fail(node, `{{${name} …}} is glued to the ${JSON.stringify(after)} after it; ${glueAdvice(name)}`);
    }
  }

  /** The character before a position (undefined at the start of a line); with `~`, the first one that is not whitespace. */
  private charBefore(position: hbs.AST.Position, skipWhitespace: boolean): string | undefined {
    let line = position.line - 1;
    let column = position.column - 1;
    for (;;) {
      const text = this.lines[line] ?? '';
      if (column < 0) {
        if (!skipWhitespace || line === 0) return undefined;
        line -= 1;
        column = (this.lines[line] ?? '').length - 1;
        continue;
      }
      const char = text[column]!;
      if (!skipWhitespace || !/\s/.test(char)) return char;
      column -= 1;
    }
  }

  /** The character after a position (undefined at the end of a line); with `~`, the first one that is not whitespace. */
  private charAfter(position: hbs.AST.Position, skipWhitespace: boolean): string | undefined {
    let line = position.line - 1;
    let column = position.column;
    for (;;) {
      const text = this.lines[line] ?? '';
      if (column >= text.length) {
        if (!skipWhitespace || line >= this.lines.length - 1) return undefined;
        line += 1;
        column = 0;
        continue;
      }
      const char = text[column]!;
      if (!skipWhitespace || !/\s/.test(char)) return char;
      column += 1;
    }
  }
}

/** The helper a path names, when it is a bare name (`str`, not `values.str` or `@root.str`). */
function helperName(path: hbs.AST.PathExpression): string | undefined {
  return path.parts.length === 1 && path.depth === 0 && !path.data && path.original === path.parts[0] ? path.parts[0] : undefined;
}

function unknownHelper(name: string): string {
  const known = [...helperSpecs.keys()].filter((n) => helperSpecs.get(n)!.kind !== 'block');
  return `unknown helper "${name}"; the helpers are ${known.join(', ')}`;
}

function glueAdvice(name: string): string {
  return name === 'str' || name === 'quote'
    ? `a helper writes a whole YAML value; build the string inside it instead, e.g. {{${name} "prefix-" x}}`
    : 'a helper writes a whole YAML value, so put it after "key: " or "- " on its own';
}

function fail(node: hbs.AST.Node, message: string): never {
  throw new TemplateSourceError(message, node.loc?.start.line ?? 0, (node.loc?.start.column ?? -1) + 1);
}
