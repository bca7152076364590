import { configSchemaUrl } from './json-schema.js';

/** The part of JSON Schema draft-07 that zod emits for Ladder's config. */
interface JsonSchema {
  type?: string;
  description?: string;
  default?: unknown;
  enum?: unknown[];
  pattern?: string;
  /** Set by schema.ts next to every pattern: the rule in words. */
  patternErrorMessage?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  examples?: unknown[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  /** Set with `.meta()` on a mapping of names: what its keys name (`service`), for the headings. */
  'x-key-name'?: string;
}

export const regenerateCommand = 'node --import tsx src/tools/generate-config-docs.ts';

/**
 * docs/configuration.md: every key of the JSON Schema with its type,
 * default, allowed values and description, then the full example. Written
 * from the schema so the page cannot drift from what Ladder accepts.
 */
export function renderConfigReference(schema: Record<string, unknown>, example: string): string {
  const root = schema as JsonSchema;
  const sections = describeSchemaKeys(schema);
  return [
    '# Configuration reference: `.github/ladder.yml`',
    '',
    `<!-- Generated from src/core/config/schema.ts by \`${regenerateCommand}\`. Do not edit by hand. -->`,
    '',
    `${root.description ?? ''}`,
    '',
    'Ladder refuses unknown keys, suggesting the key you probably meant, and reports every problem at once',
    'with its file, line, column and key:',
    '',
    '```text',
    ".github/ladder.yml:12:5 environments[0].autoMerg: unknown key (did you mean 'autoMerge'?)",
    '```',
    '',
    '## Editor support',
    '',
    'Editors that use yaml-language-server (the VS Code YAML extension, JetBrains IDEs, Neovim with',
    'yamlls) complete and check the file when its first line names the schema:',
    '',
    '```yaml',
    `# yaml-language-server: $schema=${configSchemaUrl}`,
    '```',
    '',
    'The schema is [`docs/ladder.schema.json`](ladder.schema.json). The rules under',
    '[Checks beyond the schema](#checks-beyond-the-schema) need more than one key at a time, so only Ladder checks them.',
    '',
    '## Example',
    '',
    '```yaml',
    example.trimEnd(),
    '```',
    '',
    '## Keys',
    '',
    ...sections,
    ...semanticRules,
  ].join('\n');
}

const semanticRules = [
  '## Checks beyond the schema',
  '',
  '- Environment names are unique, and `default` is not one (it names the shared `values`).',
  '- Manifest branches (`branch`, or the environment name) are unique.',
  '- The first environment is fed by a code branch: `from: { branch: <name> }`.',
  '- `from: { environment: <name> }` names an environment listed earlier: environments are listed in',
  '  promotion order, so an environment cannot be promoted from itself and promotions cannot form a cycle.',
  '- `soak` is set only on an environment promoted from another.',
  '- Every key of `values` is `default` or the name of an environment.',
  '- A deploy window\'s `timezone` is an IANA time zone name, and its `hours` open before they close',
  '  (a window over midnight is written as two windows).',
  '- `validation.disable[].rule` names a policy rule Ladder knows, and `validation.kubernetesVersion` a',
  '  Kubernetes version whose schemas Ladder bundles.',
  '- The file is one YAML document of at most 1 MiB, without duplicate keys, unknown tags or',
  '  aliases that expand more than 100 times.',
  '',
];

/**
 * A `### key` section for every key of a JSON Schema, depth first: type,
 * default, constraints, description. A mapping of names (`services.<name>`)
 * is described through the name, as users write it.
 */
export function describeSchemaKeys(schema: Record<string, unknown>): string[] {
  const sections: string[] = [];
  describeProperties(schema as JsonSchema, '', sections);
  return sections;
}

function describeProperties(schema: JsonSchema, prefix: string, out: string[]): void {
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    const path = prefix ? `${prefix}.${name}` : name;
    out.push(...describeKey(path, property, schema.required?.includes(name) ?? false), '');
    describeChildren(property, path, out);
  }
}

function describeChildren(schema: JsonSchema, path: string, out: string[]): void {
  if (schema.properties) describeProperties(schema, path, out);
  if (schema.items?.properties) describeProperties(schema.items, `${path}[]`, out);
  for (const option of schema.anyOf ?? []) describeProperties(option, path, out);
  if (typeof schema.additionalProperties === 'object' && schema.additionalProperties.properties) {
    describeProperties(schema.additionalProperties, `${path}.<${schema['x-key-name'] ?? 'name'}>`, out);
  }
}

function describeKey(path: string, schema: JsonSchema, required: boolean): string[] {
  const lines = [`### \`${path}\``, ''];
  if (schema.description) lines.push(schema.description, '');
  lines.push(`- **Type:** ${typeName(schema)}`);
  if (required) lines.push('- **Required**');
  else if (schema.default !== undefined) lines.push(`- **Default:** ${inlineValue(schema.default)}`);
  else lines.push('- **Optional**');
  lines.push(...constraints(schema, ''));
  if (schema.items && !schema.items.properties) lines.push(...constraints(schema.items, 'Each item: '));
  if (schema.items?.description) lines.push(`- **Each item:** ${schema.items.description}`);
  if (schema.anyOf) {
    lines.push('- **One of:**');
    for (const option of schema.anyOf) lines.push(`  - ${shapeOf(option)}`);
  }
  if (schema.examples?.length) lines.push(`- **Example${schema.examples.length > 1 ? 's' : ''}:** ${schema.examples.map(inlineValue).join(', ')}`);
  return lines;
}

function constraints(schema: JsonSchema, lead: string): string[] {
  const lines: string[] = [];
  if (schema.enum) lines.push(`- **${lead}Allowed values:** ${schema.enum.map(inlineValue).join(', ')}`);
  // The rule in words reads better than the regular expression, which stays in the JSON Schema.
  if (schema.patternErrorMessage) lines.push(`- **${lead}Format:** ${schema.patternErrorMessage.replace(/^must be /, '')}`);
  else if (schema.pattern) lines.push(`- **${lead}Pattern:** ${code(schema.pattern)}`);
  if (schema.minLength !== undefined && !(schema.minLength === 1 && schema.pattern)) lines.push(`- **${lead}Length:** at least ${schema.minLength}${schema.maxLength !== undefined ? `, at most ${schema.maxLength}` : ''}`);
  else if (schema.maxLength !== undefined) lines.push(`- **${lead}Length:** at most ${schema.maxLength}`);
  if (schema.minimum !== undefined || schema.maximum !== undefined) {
    lines.push(`- **${lead}Range:** ${schema.minimum ?? '…'} to ${schema.maximum ?? '…'}`);
  }
  if (schema.minItems !== undefined) lines.push(`- **${lead}Items:** at least ${schema.minItems}`);
  return lines;
}

function typeName(schema: JsonSchema): string {
  if (schema.anyOf) return [...new Set(schema.anyOf.map(typeName))].join(' or ');
  switch (schema.type) {
    case 'array':
      return schema.items ? `list of ${plural(typeName(schema.items))}` : 'list';
    case 'object':
      if (schema.properties) return 'mapping';
      if (typeof schema.additionalProperties === 'object') return `mapping of names to ${plural(typeName(schema.additionalProperties))}`;
      return 'mapping';
    case 'integer':
      return 'whole number';
    case undefined:
      return 'any value';
    default:
      return schema.type;
  }
}

function plural(type: string): string {
  if (type === 'any value') return 'any values';
  if (type.startsWith('mapping of') || type.startsWith('list of')) return type.replace(/^(mapping|list)/, '$1s');
  return `${type}s`;
}

/** A one-line picture of an object option, e.g. `{ branch: string }`. */
function shapeOf(schema: JsonSchema): string {
  const keys = Object.entries(schema.properties ?? {}).map(([key, value]) => `${key}: ${typeName(value)}`);
  return code(`{ ${keys.join(', ')} }`);
}

function inlineValue(value: unknown): string {
  return code(typeof value === 'string' ? (value === '' ? '""' : value) : JSON.stringify(value));
}

/** Inline code that survives backticks and pipes in the text. */
function code(text: string): string {
  const fence = text.includes('`') ? '``' : '`';
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}
