import { renderConfigJsonSchema, configJsonSchema } from './json-schema.js';
import { parseConfig } from './load.js';
import { renderConfigReference } from './reference-page.js';

/** Repository paths of the generated config docs and of the example they embed. */
export const configDocPaths = {
  schema: 'docs/ladder.schema.json',
  reference: 'docs/configuration.md',
  example: 'docs/example/.github/ladder.yml',
} as const;

/**
 * The generated files, by repository path, from the text of the example
 * config. The example must load: a reference page showing a config Ladder
 * refuses would mislead everyone who copies it.
 */
export function renderConfigDocs(example: string): Map<string, string> {
  parseConfig(example, configDocPaths.example);
  return new Map([
    [configDocPaths.schema, renderConfigJsonSchema()],
    [configDocPaths.reference, renderConfigReference(configJsonSchema(), example)],
  ]);
}
