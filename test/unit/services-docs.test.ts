import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { regenerateCommand } from '../../src/core/config/reference-page.js';
import { renderServicesDocs, servicesDocPaths, servicesJsonSchema, servicesSchemaUrl } from '../../src/core/services/docs.js';

const read = (path: string): string => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const example = read(servicesDocPaths.example);

test('the committed services schema and reference page are what the generator writes today', () => {
  for (const [path, expected] of renderServicesDocs(example)) {
    assert.ok(read(path) === expected, `${path} is stale: the services schema or its example changed. Regenerate it with\n  ${regenerateCommand}`);
  }
});

test('the generator refuses an example Ladder would refuse', () => {
  assert.throws(() => renderServicesDocs(example.replace('namespaces: [checkout-dev]', 'namespace: [checkout-dev]')), /environments\.dev\.namespace: unknown key \(did you mean 'namespaces'\?\)/);
});

interface SchemaNode {
  description?: string;
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  anyOf?: SchemaNode[];
  additionalProperties?: SchemaNode | boolean;
  'x-key-name'?: string;
}

function keyPaths(node: SchemaNode, prefix = ''): { path: string; node: SchemaNode }[] {
  const out: { path: string; node: SchemaNode }[] = [];
  for (const [name, child] of Object.entries(node.properties ?? {})) {
    const path = prefix ? `${prefix}.${name}` : name;
    out.push({ path, node: child }, ...keyPaths(child, path));
    if (child.items) out.push(...keyPaths(child.items, `${path}[]`));
    for (const option of child.anyOf ?? []) out.push(...keyPaths(option, path));
    if (typeof child.additionalProperties === 'object') out.push(...keyPaths(child.additionalProperties, `${path}.<${child['x-key-name'] ?? 'name'}>`));
  }
  return out;
}

test('every key is described, and documented under its own heading', () => {
  const page = renderServicesDocs(example).get(servicesDocPaths.reference)!;
  const keys = keyPaths(servicesJsonSchema() as SchemaNode);
  assert.ok(keys.length > 20, `found ${keys.length} keys`);
  for (const { path, node } of keys) {
    assert.ok(node.description, `${path} has a description (add .describe() in src/core/services/schema.ts)`);
    assert.ok(page.includes(`\n### \`${path}\`\n`), `${path} has a section in ${servicesDocPaths.reference}`);
  }
  assert.ok(page.includes('\n### `services.<service>.environments.<environment>.namespaces`\n'));
});

test('the reference page tells editors where the schema is, and shows the example', () => {
  const page = renderServicesDocs(example).get(servicesDocPaths.reference)!;
  assert.ok(page.includes(`# yaml-language-server: $schema=${servicesSchemaUrl}`));
  assert.ok(page.includes(example.trimEnd()));
  assert.equal(servicesJsonSchema()['$id'], servicesSchemaUrl);
  assert.ok(servicesSchemaUrl.endsWith(`/${servicesDocPaths.schema}`));
});

test('the JSON Schema accepts the example and refuses what the zod schema refuses', () => {
  const ajv = new Ajv({ allErrors: true, strict: false });
  const validate = ajv.compile(servicesJsonSchema());
  assert.ok(validate(parse(example)), JSON.stringify(validate.errors));
  const wrong = parse(example) as { services: Record<string, Record<string, unknown>> };
  wrong.services['checkout']!['folder'] = 'x';
  assert.equal(validate(wrong), false);
  const badName = parse(example) as { services: Record<string, unknown> };
  badName.services['Checkout_Service'] = badName.services['checkout'];
  assert.equal(validate(badName), false, 'service names are DNS labels');
});

test("docs/example's .github/ladder.yml is exactly what docs/example-manifests' .ladder/services.yml grants it", async () => {
  const { checkGrantedConfig } = await import('../../src/core/services/effective.js');
  const { parseServices } = await import('../../src/core/services/load.js');
  const services = parseServices(example, servicesDocPaths.example);
  const code = read('docs/example/.github/ladder.yml');
  const granted = checkGrantedConfig(code, { services, manifestRepo: 'shop/checkout-manifests', codeRepo: 'shop/checkout' });
  assert.ok(granted.ok, granted.ok ? '' : granted.problems.map((p) => `${p.line}:${p.column} ${p.message}`).join('\n'));
  assert.equal(granted.config.manifests.path, 'checkout', 'the folder comes from the grant');
  const refused = checkGrantedConfig(code, { services, manifestRepo: 'shop/checkout-manifests', codeRepo: 'shop/fork-of-checkout' });
  assert.ok(!refused.ok, 'another repository cannot speak for checkout');
});
