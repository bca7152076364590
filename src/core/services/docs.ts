import { z } from 'zod';
import { describeSchemaKeys } from '../config/reference-page.js';
import { parseServices } from './load.js';
import { servicesFileSchema } from './schema.js';

/** Repository paths of the generated services docs and of the example they embed. */
export const servicesDocPaths = {
  schema: 'docs/services.schema.json',
  reference: 'docs/services.md',
  example: 'docs/example-manifests/.ladder/services.yml',
} as const;

/** Where editors fetch the schema from: the committed file on the Ladder repository's default branch. */
export const servicesSchemaUrl = `https://raw.githubusercontent.com/ladder-gitops/ladder/main/${servicesDocPaths.schema}`;

/** The JSON Schema of `.ladder/services.yml` as users write it (keys with defaults are optional). */
export function servicesJsonSchema(): Record<string, unknown> {
  const { $schema, ...rest } = z.toJSONSchema(servicesFileSchema, { io: 'input', target: 'draft-07' }) as Record<string, unknown>;
  return { $schema, $id: servicesSchemaUrl, title: 'Ladder grants of a manifest repository (.ladder/services.yml)', ...rest };
}

/**
 * The generated files, by repository path, from the text of the example.
 * The example must load: a reference page showing a file Ladder refuses would
 * mislead everyone who copies it.
 */
export function renderServicesDocs(example: string): Map<string, string> {
  parseServices(example, servicesDocPaths.example);
  const schema = servicesJsonSchema();
  return new Map([
    [servicesDocPaths.schema, `${JSON.stringify(schema, null, 2)}\n`],
    [servicesDocPaths.reference, renderServicesReference(schema, example)],
  ]);
}

function renderServicesReference(schema: Record<string, unknown>, example: string): string {
  return [
    '# Reference: `.ladder/services.yml`',
    '',
    '<!-- Generated from src/core/services/schema.ts by `node --import tsx src/tools/generate-config-docs.ts`. Do not edit by hand. -->',
    '',
    `${String(schema['description'] ?? '')}`,
    '',
    'The manifest repository decides what may be promoted where. Each code repository asks in its',
    '`.github/ladder.yml` ([configuration.md](configuration.md)); this file, on the default branch of the',
    'manifest repository, grants. Ladder refuses any promotion, command or folder it does not grant, with a',
    'failing `ladder/config` check run on the code commit that says what to add here. Protect the default',
    'branch: whoever can change this file decides what every service may do. The model, and what it stops, is',
    'in [security.md](security.md).',
    '',
    'Ladder refuses unknown keys, suggesting the key you probably meant, and reports every problem at once',
    'with its line, column and key, as it does for `.github/ladder.yml`. Editors that use',
    'yaml-language-server complete and check the file when its first line names the schema:',
    '',
    '```yaml',
    `# yaml-language-server: $schema=${servicesSchemaUrl}`,
    '```',
    '',
    '## Example',
    '',
    '```yaml',
    example.trimEnd(),
    '```',
    '',
    '## What a code config may ask',
    '',
    '| `.github/ladder.yml` | must be, in this file |',
    '|---|---|',
    '| `service` | a key of `services` whose `repository` is the code repository |',
    '| `manifests.repo` | this repository |',
    '| `manifests.path` (may be left out) | the service\'s `path` |',
    '| `environments[].name` | an environment of the service |',
    '| `environments[].branch` (may be left out) | the environment\'s `branch` |',
    '| `environments[].from: { branch }` | one of the environment\'s `from.branches`; only those branches are read at all |',
    '| `environments[].from: { environment }` | the environment\'s `from.environment` |',
    '| `environments[].namespace` | one of the environment\'s `namespaces` |',
    '| `environments[].autoMerge: true` | `autoMerge: true` on the environment |',
    '| `environments[].commenters` | narrows the environment\'s `commenters`: a command needs both |',
    '| `validation.disable[]` | an exception of the same rule on the environment (and, with `resources`, covering them) |',
    '| `validation.allowClusterScoped[]` | a kind in the environment\'s `clusterScoped`, and then only its `names` |',
    '',
    'What belongs to the service stays in the code config and is not granted here: the image, templates,',
    'values, soak, windows, reviewers and labels (a longer soak or a narrower window only tightens).',
    '',
    '## Keys',
    '',
    ...describeSchemaKeys(schema),
    '## Checks beyond the schema',
    '',
    "- Two services' `path`s never overlap: not equal, not one inside the other, and `''` (the whole",
    '  branch) only for a repository of one service.',
    '- A code repository is the `repository` of one service at most.',
    '- Within a service, each environment has its own branch; across services, an environment name is',
    '  always the same branch.',
    '- `from: { environment }` names another environment of the same service, and promotions form no cycle.',
    '- `exceptions[].rule` names a policy rule Ladder knows.',
    "- `agents.<name>.issuer` and `jwksUri` are https URLs, and `environments` are environments of some service.",
    '- The file is one YAML document of at most 1 MiB, without duplicate keys, unknown tags, alias cycles or',
    '  aliases that expand more than 100 times.',
    '',
  ].join('\n');
}
