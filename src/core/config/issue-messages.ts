import type { z } from 'zod';

/**
 * Zod's default messages ("Invalid input: expected string, received number")
 * speak about types; these speak about the YAML the user wrote. Passed per
 * parse, so a message written into the schema (a regex's "must be …") still
 * wins: zod prefers the schema's own message over the one given to parse.
 */
export const configIssueMessage: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      return invalidType(issue.expected, issue.input);
    case 'too_small':
      return tooSmall(issue.origin, Number(issue.minimum), issue.inclusive !== false);
    case 'too_big':
      return tooBig(issue.origin, Number(issue.maximum), issue.inclusive !== false);
    case 'invalid_value':
      return `must be one of ${issue.values.map((value) => quote(value)).join(', ')}`;
    case 'invalid_union':
      return 'does not match any of the allowed forms';
    case 'unrecognized_keys':
      return 'unknown key';
    default:
      return undefined;
  }
};

function invalidType(expected: string, input: unknown): string {
  if (input === undefined) return 'is required';
  if (expected === 'int' && typeof input === 'number' && Number.isFinite(input)) return `must be a whole number, not ${input}`;
  if ((expected === 'number' || expected === 'int') && typeof input === 'number') return 'must be a finite number';
  const wanted = `must be ${expectedName(expected)}, not ${describeInput(input)}`;
  if (expected === 'boolean' && typeof input === 'string' && /^(yes|no|on|off|y|n|true|false)$/i.test(input)) {
    return `${wanted} (write true or false, without quotes)`;
  }
  // YAML reads 1.30 as the number 1.3: the user meant a string and cannot see why it is wrong.
  if (expected === 'string' && (typeof input === 'number' || typeof input === 'boolean')) return `${wanted}; put it in quotes`;
  return wanted;
}

function expectedName(expected: string): string {
  switch (expected) {
    case 'array': return 'a list';
    case 'object': case 'record': return 'a mapping';
    case 'int': return 'a whole number';
    case 'string': case 'number': case 'boolean': return `a ${expected}`;
    default: return expected;
  }
}

/** Names what the user wrote, short enough for one line. */
export function describeInput(input: unknown): string {
  if (input === null) return 'empty';
  if (Array.isArray(input)) return 'a list';
  switch (typeof input) {
    case 'object': return 'a mapping';
    case 'string': return `the string ${quote(input.length > 40 ? `${input.slice(0, 40)}…` : input)}`;
    case 'number': case 'bigint': return `the number ${String(input)}`;
    case 'boolean': return String(input);
    default: return typeof input;
  }
}

function tooSmall(origin: string, minimum: number, inclusive: boolean): string {
  switch (origin) {
    case 'array': return `must list at least ${plural(minimum, 'item')}`;
    case 'string': return minimum <= 1 ? 'must not be empty' : `must be at least ${plural(minimum, 'character')} long`;
    default: return inclusive ? `must be at least ${minimum}` : `must be more than ${minimum}`;
  }
}

function tooBig(origin: string, maximum: number, inclusive: boolean): string {
  switch (origin) {
    case 'array': return `must list at most ${plural(maximum, 'item')}`;
    case 'string': return `must be at most ${plural(maximum, 'character')} long`;
    default: return inclusive ? `must be at most ${maximum}` : `must be less than ${maximum}`;
  }
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function quote(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : String(value);
}
