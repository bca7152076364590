import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { configDocPaths, renderConfigDocs } from '../../src/core/config/docs.js';
import { configJsonSchema, configSchemaUrl } from '../../src/core/config/json-schema.js';
import { regenerateCommand } from '../../src/core/config/reference-page.js';

const read = (path: string): string => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const example = read(configDocPaths.example);

test('the committed schema and reference page are what the generator writes today', () => {
  for (const [path, expected] of renderConfigDocs(example)) {
    assert.ok(read(path) === expected, `${path} is stale: the config schema or the example changed. Regenerate it with\n  ${regenerateCommand}`);
  }
});

test('generation is deterministic', () => {
  assert.deepEqual([...renderConfigDocs(example)], [...renderConfigDocs(example)]);
});

test('the generator refuses an example Ladder would refuse', () => {
  assert.throws(() => renderConfigDocs(example.replace('autoMerge:', 'autoMerg:')), /environments\[0\]\.autoMerg: unknown key/);
});

interface SchemaNode {
  description?: string;
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  anyOf?: SchemaNode[];
}

/** Every key path in the schema, as the reference page names them (`environments[].from.branch`). */
function keyPaths(node: SchemaNode, prefix = ''): { path: string; node: SchemaNode }[] {
  const out: { path: string; node: SchemaNode }[] = [];
  for (const [name, child] of Object.entries(node.properties ?? {})) {
    const path = prefix ? `${prefix}.${name}` : name;
    out.push({ path, node: child });
    out.push(...keyPaths(child, path));
    if (child.items) out.push(...keyPaths(child.items, `${path}[]`));
    for (const option of child.anyOf ?? []) out.push(...keyPaths(option, path));
  }
  return out;
}

test('every key is described, and documented under its own heading', () => {
  const schema = configJsonSchema() as SchemaNode;
  const page = renderConfigDocs(example).get(configDocPaths.reference)!;
  const keys = keyPaths(schema);
  assert.ok(keys.length > 30, `found ${keys.length} keys`);
  for (const { path, node } of keys) {
    assert.ok(node.description, `${path} has a description (add .describe() in src/core/config/schema.ts)`);
    assert.ok(page.includes(`\n### \`${path}\`\n`), `${path} has a section in ${configDocPaths.reference}`);
  }
});

test('the reference page tells editors where the schema is, and shows the example', () => {
  const page = renderConfigDocs(example).get(configDocPaths.reference)!;
  assert.ok(page.includes(`# yaml-language-server: $schema=${configSchemaUrl}`));
  assert.ok(page.includes(example.trimEnd()));
  assert.equal(configJsonSchema()['$id'], configSchemaUrl);
  assert.ok(configSchemaUrl.endsWith(`/${configDocPaths.schema}`), 'the schema URL serves the committed file');
});

test('the JSON Schema accepts the configs Ladder accepts and refuses what the schema refuses', () => {
  const ajv = new Ajv({ allErrors: true, strict: true });
  // Read by yaml-language-server and VS Code for readable messages; Ajv need only tolerate it.
  ajv.addKeyword('patternErrorMessage');
  const validate = ajv.compile(configJsonSchema());
  for (const path of [configDocPaths.example, 'test/fixtures/config/branch-mapped.yml', 'test/fixtures/config/minimal.yml']) {
    assert.ok(validate(parse(read(path))), `${path}: ${ajv.errorsText(validate.errors)}`);
  }
  const refused = {
    'unknown key': example.replace('environments:', 'enviroments:'),
    'bad from': example.replace('from: { branch: main }', 'from: { branch: main, environment: x }'),
    'tagged image': example.replace('shop/checkout  ', 'shop/checkout:1'),
    'bad branch name': example.replace('from: { branch: main }', 'from: { branch: "a..b" }'),
    'bad hours': example.replace('09:00-16:00', '9-16'),
  };
  for (const [name, text] of Object.entries(refused)) {
    assert.notEqual(text, example, `${name}: the edit applies`);
    assert.equal(validate(parse(text)), false, name);
  }
});
