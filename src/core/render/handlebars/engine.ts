import Handlebars from 'handlebars';
import type { TemplateFile } from '../types.js';
import { defaultRenderLimits, type RenderLimits } from '../../limits.js';
import { HelperCall, TemplateValueError, type HandlebarsOptions } from '../helpers/call.js';
import { helperSpecs } from '../helpers/registry.js';
import { compareCodeUnits } from '../helpers/structures.js';
import { checkTemplate } from './check.js';
import { templateRenderError, templateSourceError } from './errors.js';
import { markStatements, readTrace, type OutputTrace } from './trace.js';

/** A template's output, and where each character of it came from (see trace.ts), when known. */
export interface RenderOutput {
  text: string;
  trace?: OutputTrace;
}

export type RenderTemplate = (context: object) => RenderOutput;

export interface TemplateEngine {
  /** Parses and checks a template; throws LadderInputError naming `file` when it is wrong. */
  compile(template: TemplateFile, file: string): RenderTemplate;
}

/**
 * A Handlebars environment of its own (never the global one) with exactly
 * Ladder's helpers.
 *
 * Not `strict: true`: Handlebars' strict mode checks only `{{path}}`, never helper
 * arguments, and a missing parent in an argument (`{{#if a.b.c}}` without `a.b`)
 * then crashes with a TypeError that has no location (handlebars.js #1063, #1138).
 * Ladder refuses bare `{{path}}` in checkTemplate and makes every output helper
 * refuse an undefined argument, naming the key; `trackIds` is what gives helpers
 * the key as written.
 */
/** Output characters past which a template's render is not traced (no source map): one plain pass, not two. */
export const maxTracedChars = 512 * 1024;

export function createTemplateEngine(limits: RenderLimits = defaultRenderLimits): TemplateEngine {
  const hb = Handlebars.create();
  hb.unregisterHelper('log'); // writes to the console: no place in a pure renderer
  const builtinEach = hb.helpers['each']!;
  // Work done so far by every template this engine renders: one render's budget.
  let iterations = 0;
  let produced = 0;
  // Maps iterate in sorted key order, so lists built from a map do not change
  // when someone reorders keys in the config. Each iteration is counted, and
  // what it produced, so nested loops over large lists stop at the budget
  // instead of running for hours.
  hb.registerHelper('each', function (this: unknown, items: unknown, options: HandlebarsOptions & { fn: (context: unknown, options?: unknown) => string }) {
    const where = options.loc?.start;
    const budgeted = {
      ...options,
      fn: (context: unknown, fnOptions?: unknown) => {
        if (++iterations > limits.maxIterations) {
          throw new TemplateValueError(`{{#each}} ran more than ${limits.maxIterations} iterations in this render; a template that loops this much is a mistake or an attack`, where?.line, where ? where.column + 1 : undefined);
        }
        const out = options.fn(context, fnOptions);
        produced += out.length;
        if (produced > limits.maxOutputChars) {
          throw new TemplateValueError(`{{#each}} produced more than ${limits.maxOutputChars} characters in this render`, where?.line, where ? where.column + 1 : undefined);
        }
        return out;
      },
    };
    return builtinEach.call(this, sortKeys(items), budgeted);
  });
  for (const [name, spec] of helperSpecs) {
    const run = spec.run;
    if (!run) continue;
    hb.registerHelper(name, (...args: unknown[]) => {
      const options = args.pop() as HandlebarsOptions;
      return run(new HelperCall(name, args, options));
    });
  }
  const compileOptions = {
    noEscape: true,
    strict: false,
    data: true,
    knownHelpers: Object.fromEntries([...helperSpecs.keys()].map((name) => [name, true])),
    knownHelpersOnly: true,
    trackIds: true,
  };

  return {
    compile(template, file) {
      const source = template.content.replace(/^\uFEFF/, '');
      try {
        checkTemplate(hb.parseWithoutProcessing(source), source);
      } catch (error) {
        throw templateSourceError(error, file, source);
      }
      const render = hb.compile(source, compileOptions);
      const marked = hb.parse(source);
      const origins = markStatements(marked);
      // Whitespace was handled when `marked` was parsed; markers keep the second pass from changing anything.
      const renderMarked = origins ? hb.compile(marked, { ...compileOptions, ignoreStandalone: true }) : undefined;
      return (context) => {
        const before = { iterations, produced };
        let text: string;
        try {
          text = render(context);
        } catch (error) {
          throw templateRenderError(error, file);
        }
        produced += text.length;
        if (produced > limits.maxOutputChars) throw templateRenderError(new TemplateValueError(`the templates produced more than ${limits.maxOutputChars} characters in this render`), file);
        // Source maps are for reading findings; a template's output past maxTracedChars gets none rather than a second pass as large.
        if (!renderMarked || !origins || text.length > maxTracedChars) return { text };
        // The marked pass repeats the work just counted: it runs on the budget as it was before it, and
        // leaves it as the plain pass did. Past the budget (its markers are characters too), no map.
        const after = { iterations, produced };
        ({ iterations, produced } = before);
        let markedText: string | undefined;
        try {
          markedText = renderMarked(context);
        } catch {
          markedText = undefined;
        }
        ({ iterations, produced } = after);
        if (markedText === undefined) return { text };
        const trace = readTrace(markedText, origins);
        // A value holding the marker characters, or a difference in how Handlebars strips whitespace: no map.
        return trace.text === text ? { text, trace } : { text };
      };
    },
  };
}

function sortKeys(items: unknown): unknown {
  if (items === null || typeof items !== 'object' || Array.isArray(items)) return items;
  // fromEntries defines own properties: a `__proto__` key stays a key, never a prototype.
  return Object.fromEntries(Object.keys(items).sort(compareCodeUnits).map((key) => [key, (items as Record<string, unknown>)[key]]));
}
