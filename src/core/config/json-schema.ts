import { z } from 'zod';
import { ladderConfigSchema } from './schema.js';

/**
 * Where editors fetch the schema from (`# yaml-language-server: $schema=…`).
 * It is the committed docs/ladder.schema.json on the default branch of the
 * Ladder repository, so it changes when the schema does.
 */
export const configSchemaUrl = 'https://raw.githubusercontent.com/ladder-gitops/ladder/main/docs/ladder.schema.json';

/**
 * The JSON Schema of `.github/ladder.yml` as users write it (`io: 'input'`:
 * keys with defaults are optional). Draft-07, the version YAML editors know best.
 * Rules across keys (semantics.ts) are not in it; Ladder still checks them.
 */
export function configJsonSchema(): Record<string, unknown> {
  const { $schema, ...rest } = z.toJSONSchema(ladderConfigSchema, { io: 'input', target: 'draft-07' }) as Record<string, unknown>;
  return { $schema, $id: configSchemaUrl, title: 'Ladder configuration (.github/ladder.yml)', ...rest };
}

/** The schema file's exact bytes: two-space JSON and a final newline, the same on every run. */
export function renderConfigJsonSchema(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}
