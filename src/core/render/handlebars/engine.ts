import Handlebars from 'handlebars';
import type { TemplateFile } from '../types.js';
import { HelperCall, type HandlebarsOptions } from '../helpers/call.js';
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
export function createTemplateEngine(): TemplateEngine {
  const hb = Handlebars.create();
  hb.unregisterHelper('log'); // writes to the console: no place in a pure renderer
  const builtinEach = hb.helpers['each']!;
  // Maps iterate in sorted key order, so lists built from a map do not change
  // when someone reorders keys in the config.
  hb.registerHelper('each', function (this: unknown, items: unknown, options: unknown) {
    return builtinEach.call(this, sortKeys(items), options);
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
        let text: string;
        try {
          text = render(context);
        } catch (error) {
          throw templateRenderError(error, file);
        }
        if (!renderMarked || !origins) return { text };
        const trace = readTrace(renderMarked(context), origins);
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
