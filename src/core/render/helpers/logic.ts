import type { HelperCall } from './call.js';

// Conditions may test values that are absent: that is how a template makes a
// value optional. So these helpers accept undefined, unlike the output helpers.

/** `(default x fallback)`: `x` unless it is absent or null. */
export function fallback(call: HelperCall): unknown {
  const [value, otherwise] = call.args;
  return value === undefined || value === null ? otherwise : value;
}

export function eq(call: HelperCall): boolean {
  return call.args[0] === call.args[1];
}

export function ne(call: HelperCall): boolean {
  return call.args[0] !== call.args[1];
}

export function not(call: HelperCall): boolean {
  return !truthy(call.args[0]);
}

export function and(call: HelperCall): boolean {
  return call.args.every(truthy);
}

export function or(call: HelperCall): boolean {
  return call.args.some(truthy);
}

/** Handlebars' own notion, so `(and a b)` agrees with `{{#if a}}{{#if b}}`: empty lists are false, 0 is false. */
function truthy(value: unknown): boolean {
  return Array.isArray(value) ? value.length > 0 : Boolean(value);
}
