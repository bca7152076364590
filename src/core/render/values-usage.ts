import Handlebars from 'handlebars';
import type {} from 'handlebars'; // declares the global hbs.AST types
import type { LadderConfig } from '../config/schema.js';
import type { Finding } from '../findings.js';
import type { Position } from '../manifests/document.js';
import { suggestNearest } from '../text/suggest.js';
import type { TemplateFile } from './types.js';

/**
 * Which values keys templates read, found in their syntax trees, so a key in
 * the config that nothing reads (`memroy: 512Mi`) is a warning instead of an
 * environment silently running with the default.
 */
export interface ValuesRead {
  /** Every key path read (`resources.memory`, and its parents). */
  keys: Set<string>;
  /** Key paths read whole (`toYaml values.env`, `#each values.env`): anything below counts as read. */
  whole: Set<string>;
  /** A template reads values by a computed key (`lookup values x`) or whole: no key can be called unused. */
  everything: boolean;
}

/** Walks every template's tree; a template that does not parse reads nothing (rendering reports it). */
export function valuesReadBy(templates: readonly TemplateFile[]): ValuesRead {
  const read: ValuesRead = { keys: new Set(), whole: new Set(), everything: false };
  for (const template of templates) {
    let program: hbs.AST.Program;
    try {
      program = Handlebars.parseWithoutProcessing(template.content.replace(/^\uFEFF/, ''));
    } catch {
      continue;
    }
    walkProgram(program, undefined, read);
  }
  return read;
}

function walkProgram(program: hbs.AST.Program | undefined, context: string | undefined, read: ValuesRead): void {
  for (const statement of program?.body ?? []) {
    if (statement.type === 'MustacheStatement') {
      const mustache = statement as hbs.AST.MustacheStatement;
      walkCall(mustache.path, mustache.params, mustache.hash, context, read);
    } else if (statement.type === 'BlockStatement') {
      const block = statement as hbs.AST.BlockStatement;
      walkCall(block.path, block.params, block.hash, context, read);
      const name = block.path.type === 'PathExpression' ? (block.path as hbs.AST.PathExpression).original : '';
      const subject = keyOf(block.params[0], context);
      // Inside #with, names are keys of its subject; #each reads its subject whole (every entry is rendered).
      if (name === 'each' && subject !== undefined) markWhole(subject, read);
      walkProgram(block.program, name === 'with' || name === 'each' ? subject : context, read);
      walkProgram(block.inverse, context, read);
    }
  }
}

function walkCall(path: hbs.AST.Expression, params: readonly hbs.AST.Expression[], hash: hbs.AST.Hash | undefined, context: string | undefined, read: ValuesRead): void {
  const helper = path.type === 'PathExpression' ? (path as hbs.AST.PathExpression).original : '';
  // `lookup values key`: the key is known only when rendering.
  if (helper === 'lookup' && keyOf(params[0], context) !== undefined) {
    markWhole(keyOf(params[0], context)!, read);
    return;
  }
  const wholeArgument = helper === 'toYaml' || helper === 'checksum';
  for (const param of [...params, ...(hash?.pairs.map((pair) => pair.value) ?? [])]) {
    if (param.type === 'SubExpression') {
      const sub = param as hbs.AST.SubExpression;
      walkCall(sub.path, sub.params, sub.hash, context, read);
      continue;
    }
    const key = keyOf(param, context);
    if (key === undefined) continue;
    // toYaml and checksum use all of a mapping; other helpers a value at that key.
    if (wholeArgument) markWhole(key, read);
    else markRead(key, read);
  }
}

/** The values key an expression reads (`''` for `values` itself), or undefined when it reads none. */
function keyOf(expression: hbs.AST.Expression | undefined, context: string | undefined): string | undefined {
  if (!expression || expression.type !== 'PathExpression') return undefined;
  const path = expression as hbs.AST.PathExpression;
  if (path.data) return undefined; // @key, @index
  const parts = path.original.replace(/^@root\./, '').replace(/^(\.\.\/)+/, '').split('.');
  if (parts[0] === 'values') return parts.slice(1).join('.');
  if (context === undefined || path.original.startsWith('../') || path.original.startsWith('@root')) return undefined;
  const rest = path.original.replace(/^this\.?/, '');
  return rest ? (context ? `${context}.${rest}` : rest) : context;
}

function markRead(key: string, read: ValuesRead): void {
  if (key === '') {
    read.everything = true;
    return;
  }
  const parts = key.split('.');
  for (let i = 1; i <= parts.length; i++) read.keys.add(parts.slice(0, i).join('.'));
}

function markWhole(key: string, read: ValuesRead): void {
  markRead(key, read);
  read.whole.add(key);
}

/**
 * A warning for every key of `values.default` and `values.<environment>`
 * that no template reads, with the key the templates do read at that place
 * that is closest to it. `locate` gives the key's place in the config file.
 */
export function unusedValues(config: LadderConfig, read: ValuesRead, file: string, locate: (path: readonly (string | number)[]) => Position): Finding[] {
  if (read.everything) return [];
  const findings: Finding[] = [];
  const readChildren = (parent: string): string[] =>
    [...read.keys].filter((key) => (parent ? key.startsWith(`${parent}.`) : true) && !key.slice(parent ? parent.length + 1 : 0).includes('.')).map((key) => key.split('.').at(-1)!);
  const visit = (section: string, value: unknown, at: string[]): void => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return;
    for (const [name, child] of Object.entries(value)) {
      const key = [...at, name].join('.');
      if ([...read.whole].some((whole) => whole === '' || key === whole || key.startsWith(`${whole}.`))) continue;
      if (read.keys.has(key)) {
        visit(section, child, [...at, name]);
        continue;
      }
      const parent = at.join('.');
      const meant = suggestNearest(name, readChildren(parent));
      const where = locate(['values', section, ...at, name]);
      const fallback = meant && section !== 'default' ? defaultNote(config, section, [...at, meant]) : '';
      findings.push({
        file, line: where.line, column: where.column, rule: 'unused-value', severity: 'warning',
        message: `values.${section}.${key}: no template reads this key${meant ? ` (did you mean ${meant}?)` : ''}${fallback}`,
        hint: meant ? `Rename it to ${meant}.` : 'Remove the key, or read it in a template (values.' + key + ').',
      });
    }
  };
  for (const [section, values] of Object.entries(config.values)) visit(section, values, []);
  return findings;
}

/** `; prd gets values.default.memory ("256Mi") instead` — what the environment runs with. */
function defaultNote(config: LadderConfig, environment: string, path: string[]): string {
  let value: unknown = config.values['default'];
  for (const part of path) value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[part] : undefined;
  if (value === undefined || (typeof value === 'object' && value !== null)) return '';
  return `; ${environment} gets values.default.${path.join('.')} (${JSON.stringify(value)}) instead`;
}
