import type { z } from 'zod';
import { formatKeyPath } from '../errors.js';
import type { KeyPath } from './locate.js';
import type { PathProblem } from './problem.js';
import { keysAt, valueAt } from './schema-keys.js';
import { suggestNearest } from '../text/suggest.js';

type Issue = z.core.$ZodIssue;

/**
 * Turns zod issues into problems a user can act on: one per unknown key
 * (pointing at the key, with the nearest valid key), and unions explained
 * by the option the user evidently meant.
 */
export function problemsFromIssues(issues: readonly Issue[], input: unknown, schema: z.core.$ZodType): PathProblem[] {
  const out: PathProblem[] = [];
  const missing: KeyPath[] = [];
  const translate = (issue: Issue, prefix: KeyPath): void => {
    const path = [...prefix, ...issue.path.map((part) => (typeof part === 'number' ? part : String(part)))];
    switch (issue.code) {
      case 'unrecognized_keys':
        for (const key of issue.keys) out.push(unknownKey([...path, key], keysAt(schema, path), 'unknown key'));
        return;
      case 'invalid_union':
        translateUnion(issue, path);
        return;
      case 'invalid_value': {
        const value = valueAt(input, path);
        const suggestion = typeof value === 'string' ? suggestNearest(value, issue.values.map(String)) : undefined;
        out.push(suggestion === undefined ? { path, message: issue.message } : { path, message: issue.message, suggestion });
        return;
      }
      case 'invalid_type':
        if (valueAt(input, path) === undefined) missing.push(path);
        out.push({ path, message: issue.message });
        return;
      default:
        out.push({ path, message: issue.message });
    }
  };

  const translateUnion = (issue: Extract<Issue, { code: 'invalid_union' }>, path: KeyPath): void => {
    const value = valueAt(input, path);
    // An option "fits" when the user wrote its shape and only got details
    // wrong (`from: { branch: 5 }`): then its own issues say what to fix.
    const fitting = issue.errors.filter((optionIssues) => optionIssues.every((inner) => !isShapeMismatch(inner, value)));
    if (fitting.length === 1) {
      for (const inner of fitting[0]!) translate(inner, path);
      return;
    }
    if (isMapping(value)) {
      const known = keysAt(schema, path);
      const unknown = Object.keys(value).filter((key) => !known.includes(key));
      if (unknown.length > 0) {
        const where = formatKeyPath(path);
        for (const key of unknown) out.push(unknownKey([...path, key], known, `unknown key; ${where} ${issue.message}`));
        return;
      }
    }
    out.push({ path, message: issue.message });
  };

  for (const issue of issues) translate(issue, []);
  // `enviroments:` also makes `environments` missing; the unknown key's "did
  // you mean" already says it, and a second problem would only add noise.
  const suggested = new Set(
    out.filter((p) => p.suggestion !== undefined && p.anchor === 'key').map((p) => formatKeyPath([...p.path.slice(0, -1), p.suggestion!])),
  );
  const redundant = new Set(missing.map((path) => formatKeyPath(path)).filter((key) => suggested.has(key)));
  return out.filter((p) => !(redundant.has(formatKeyPath(p.path)) && p.anchor !== 'key'));
}

function unknownKey(path: KeyPath, known: readonly string[], message: string): PathProblem {
  const key = String(path[path.length - 1]);
  const suggestion = suggestNearest(key, known);
  if (suggestion !== undefined) return { path, message, suggestion, anchor: 'key' };
  // With no near miss, the list of valid keys is the most useful thing to show.
  const allowed = known.length > 0 ? `; allowed here: ${known.join(', ')}` : '';
  return { path, message: `${message}${allowed}`, anchor: 'key' };
}

/** Issues saying the value has another shape than the option: wrong type, extra key, or a missing key. */
function isShapeMismatch(issue: Issue, value: unknown): boolean {
  if (issue.path.length === 0) return issue.code === 'unrecognized_keys' || issue.code === 'invalid_type';
  return issue.code === 'invalid_type' && issue.path.length === 1 && valueAt(value, issue.path as KeyPath) === undefined;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
