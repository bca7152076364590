import type { HelperCall } from './call.js';
import { bool, concat, int, num, str } from './scalars.js';
import { checksum, toYaml } from './structures.js';
import { and, eq, fallback, ne, not, or } from './logic.js';

/**
 * - `output`: writes YAML into the template (`{{str x}}`); only as a mustache of its own.
 * - `value`: returns a raw value for another helper (`(default x 1)`); only inside `( )`.
 * - `block`: Handlebars' `{{#if}}`, `{{#unless}}`, `{{#each}}`, `{{#with}}`.
 */
export type HelperKind = 'output' | 'value' | 'block';

export interface HelperSpec {
  kind: HelperKind;
  minArgs: number;
  maxArgs: number;
  /** Absent for Handlebars' built-in helpers, which Ladder keeps as they are. */
  run?: (call: HelperCall) => unknown;
}

const many = Number.POSITIVE_INFINITY;

/** Every helper a template may call. A Map, so `constructor` or `__proto__` is never mistaken for one. */
export const helperSpecs: ReadonlyMap<string, HelperSpec> = new Map<string, HelperSpec>([
  ['str', { kind: 'output', minArgs: 1, maxArgs: many, run: str }],
  ['quote', { kind: 'output', minArgs: 1, maxArgs: many, run: str }],
  ['int', { kind: 'output', minArgs: 1, maxArgs: 1, run: int }],
  ['num', { kind: 'output', minArgs: 1, maxArgs: 1, run: num }],
  ['bool', { kind: 'output', minArgs: 1, maxArgs: 1, run: bool }],
  ['toYaml', { kind: 'output', minArgs: 1, maxArgs: 1, run: toYaml }],
  ['default', { kind: 'value', minArgs: 2, maxArgs: 2, run: fallback }],
  ['concat', { kind: 'value', minArgs: 1, maxArgs: many, run: concat }],
  ['checksum', { kind: 'value', minArgs: 1, maxArgs: 1, run: checksum }],
  ['eq', { kind: 'value', minArgs: 2, maxArgs: 2, run: eq }],
  ['ne', { kind: 'value', minArgs: 2, maxArgs: 2, run: ne }],
  ['not', { kind: 'value', minArgs: 1, maxArgs: 1, run: not }],
  ['and', { kind: 'value', minArgs: 2, maxArgs: many, run: and }],
  ['or', { kind: 'value', minArgs: 2, maxArgs: many, run: or }],
  ['lookup', { kind: 'value', minArgs: 2, maxArgs: 2 }],
  ['if', { kind: 'block', minArgs: 1, maxArgs: 1 }],
  ['unless', { kind: 'block', minArgs: 1, maxArgs: 1 }],
  ['each', { kind: 'block', minArgs: 1, maxArgs: 1 }],
  ['with', { kind: 'block', minArgs: 1, maxArgs: 1 }],
]);
