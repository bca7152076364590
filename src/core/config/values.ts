import type { LadderConfig } from './schema.js';
import { environmentNamed, defaultConfigPath } from './environments.js';

/**
 * Template values for one environment: `values.default` deep-merged with
 * `values.<environment>`. Mappings merge key by key; lists and scalars from
 * the environment replace the default (merging lists by position surprises
 * more than it helps). The result shares nothing with `config`, so a caller
 * may change it freely.
 */
export function valuesFor(config: LadderConfig, environment: string, file: string = defaultConfigPath): Record<string, unknown> {
  environmentNamed(config, environment, file);
  const merged = mergeValues(config.values['default'] ?? {}, config.values[environment] ?? {});
  return merged as Record<string, unknown>;
}

export function mergeValues(base: unknown, override: unknown): unknown {
  if (!isMapping(base) || !isMapping(override)) return copy(override === undefined ? base : override);
  const keys = new Set([...Object.keys(base), ...Object.keys(override)]);
  // fromEntries defines own properties, so even a `__proto__` key could not reach a prototype.
  return Object.fromEntries(
    [...keys].map((key) => [key, Object.hasOwn(override, key) ? mergeValues(base[key], override[key]) : copy(base[key])]),
  );
}

function copy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copy);
  if (isMapping(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, copy(item)]));
  return value;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
