import { parseArgs } from 'node:util';
import { UsageError, type OptionSpec, type ParsedValues } from './command.js';
import { suggestNearest } from '../core/text/suggest.js';

export interface ParsedCommandLine {
  values: ParsedValues;
  positionals: string[];
}

/**
 * Parses a command's arguments strictly: an unknown or misspelt flag is a
 * usage error that suggests the flag the user probably meant, never ignored.
 */
export function parseCommandLine(args: readonly string[], options: Record<string, OptionSpec>): ParsedCommandLine {
  const config = Object.fromEntries(
    Object.entries(options).map(([name, spec]) => [
      name,
      { type: spec.type, ...(spec.short ? { short: spec.short } : {}), ...(spec.multiple ? { multiple: true } : {}) },
    ]),
  );
  try {
    const { values, positionals } = parseArgs({ args: [...args], options: config, allowPositionals: true, strict: true });
    return { values: values as ParsedValues, positionals };
  } catch (error) {
    throw new UsageError(describeParseError(error, options));
  }
}

function describeParseError(error: unknown, options: Record<string, OptionSpec>): string {
  const { code, message } = error as { code?: string; message: string };
  const flag = /'(-{1,2}[^' ]+)/.exec(message)?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && flag) {
    const known = Object.keys(options).map((name) => `--${name}`);
    const guess = suggestNearest(flag.replace(/=.*$/, ''), known);
    return `unknown option ${flag}${guess ? ` (did you mean ${guess}?)` : ''}`;
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && flag) {
    const spec = options[flag.replace(/^-+/, '')];
    if (spec?.type === 'boolean') return `option ${flag} takes no value`;
    return `option ${flag} needs a value${spec?.value ? `: ${flag} ${spec.value}` : ''}`;
  }
  // Node's own message is already plain ("Unexpected argument 'x'..."); drop its advice about `--`.
  return message.split('. This command does not take')[0]!.replace(/\.$/, '');
}

/** The value of a string option, or undefined; `multiple` options are handled by their commands. */
export function stringOption(values: ParsedValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

/** A string option that must be one of `choices`. */
export function choiceOption<T extends string>(values: ParsedValues, name: string, choices: readonly T[], fallback: T): T {
  const value = stringOption(values, name);
  if (value === undefined) return fallback;
  if ((choices as readonly string[]).includes(value)) return value as T;
  const guess = suggestNearest(value, choices);
  throw new UsageError(`--${name} must be one of ${choices.join(', ')}, not '${value}'${guess ? ` (did you mean ${guess}?)` : ''}`);
}

const fullSha = /^[0-9a-f]{40}$/i;

/** A full 40-character commit SHA, lower-cased: image tags and labels use exactly this form. */
export function shaOption(values: ParsedValues, name: string): string | undefined {
  const value = stringOption(values, name);
  if (value === undefined) return undefined;
  if (!fullSha.test(value)) {
    throw new UsageError(`--${name} must be a full 40-character commit SHA (hex), not '${value}'; \`git rev-parse HEAD\` prints one`);
  }
  return value.toLowerCase();
}
