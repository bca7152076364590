import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildSchemaBundle, type OpenApiDocument } from '../../src/core/validate/schema/build-bundle.js';
import { isSchemaBundle, type SchemaBundle } from '../../src/core/validate/schema/bundle.js';
import { convertOpenApiSchema } from '../../src/core/validate/schema/convert-openapi.js';
import { extractGoEnums, modelName } from '../../src/core/validate/schema/go-enums.js';

const ref = (name: string) => ({ allOf: [{ $ref: `#/components/schemas/${name}` }], default: {}, description: 'x' });

const spec: OpenApiDocument = {
  paths: {
    '/apis/shop/v1/namespaces/{namespace}/carts': { post: { 'x-kubernetes-action': 'post', 'x-kubernetes-group-version-kind': { group: 'shop', version: 'v1', kind: 'Cart' } } },
    '/apis/shop/v1/carts': { get: { 'x-kubernetes-action': 'list', 'x-kubernetes-group-version-kind': { group: 'shop', version: 'v1', kind: 'Cart' } } },
    '/apis/shop/v1/shops': { post: { 'x-kubernetes-action': 'post', 'x-kubernetes-group-version-kind': { group: 'shop', version: 'v1', kind: 'Shop' } } },
    '/apis/shop/v1/namespaces/{namespace}/carts/{name}/exec': { post: { 'x-kubernetes-action': 'connect', 'x-kubernetes-group-version-kind': { group: '', version: 'v1', kind: 'CartExecOptions' } } },
  },
  components: {
    schemas: {
      'io.shop.v1.Cart': {
        type: 'object',
        properties: { apiVersion: { type: 'string' }, spec: ref('io.shop.v1.CartSpec'), size: ref('io.k8s.apimachinery.pkg.api.resource.Quantity') },
        'x-kubernetes-group-version-kind': [{ group: 'shop', version: 'v1', kind: 'Cart' }],
      },
      'io.shop.v1.CartSpec': {
        type: 'object',
        required: ['mode'],
        properties: { mode: { type: 'string', description: 'One of Fast, Slow.' }, items: { type: 'array', items: { type: 'string' } } },
      },
      'io.shop.v1.Shop': { type: 'object', properties: { name: { type: 'string' } }, 'x-kubernetes-group-version-kind': [{ group: 'shop', version: 'v1', kind: 'Shop' }] },
      'io.shop.v1.Unused': { type: 'object', properties: { a: { type: 'string' } } },
      'io.k8s.apimachinery.pkg.api.resource.Quantity': { oneOf: [{ type: 'string' }, { type: 'number' }] },
    },
  },
};

test('the bundle holds served kinds, their scope, and only the definitions they reach', () => {
  const { bundle, warnings } = buildSchemaBundle({
    kubernetesVersion: '1.99.0', source: 'test', documents: [spec],
    enums: [{ definition: 'io.shop.v1.CartSpec', path: ['mode'], values: ['Slow', 'Fast'] }, { definition: 'io.gone.v1.Old', path: ['x'], values: ['A'] }],
  });
  assert.deepEqual(warnings, []);
  assert.ok(isSchemaBundle(bundle));
  assert.deepEqual(bundle.kinds, {
    'shop/v1': { Cart: { definition: 'io.shop.v1.Cart', namespaced: true }, Shop: { definition: 'io.shop.v1.Shop', namespaced: false } },
  });
  assert.deepEqual(Object.keys(bundle.definitions).sort(), ['io.k8s.apimachinery.pkg.api.resource.Quantity', 'io.shop.v1.Cart', 'io.shop.v1.CartSpec', 'io.shop.v1.Shop']);
  assert.deepEqual(bundle.definitions['io.shop.v1.CartSpec'], {
    type: 'object',
    required: ['mode'],
    additionalProperties: false,
    properties: { mode: { type: 'string', enum: ['', 'Fast', 'Slow'] }, items: { type: ['array', 'null'], items: { type: 'string' } } },
  });
  assert.deepEqual(bundle.definitions['io.shop.v1.Cart']!['properties'], {
    apiVersion: { type: ['string', 'null'] },
    spec: { if: { type: 'null' }, else: { $ref: '#/definitions/io.shop.v1.CartSpec' } },
    size: { if: { type: 'null' }, else: { $ref: '#/definitions/io.k8s.apimachinery.pkg.api.resource.Quantity' } },
  });
  assert.deepEqual(bundle.definitions['io.k8s.apimachinery.pkg.api.resource.Quantity'], { type: ['string', 'number'], format: 'quantity' });
});

test('an enum that lands on no string field is a warning for the maintainer', () => {
  const { warnings, enumsApplied } = buildSchemaBundle({
    kubernetesVersion: '1.99.0', source: 'test', documents: [spec],
    enums: [{ definition: 'io.shop.v1.CartSpec', path: ['items'], values: ['A'] }, { definition: 'io.shop.v1.CartSpec', path: ['items', '[]'], values: ['A'] }],
  });
  assert.equal(enumsApplied, 1);
  assert.deepEqual(warnings, ['enum io.shop.v1.CartSpec.items found no string field']);
});

test('enums are read from both layouts of the generated Go file', () => {
  const old = [
    'import (', '\tv1 "k8s.io/api/core/v1"', ')',
    '\t\t"k8s.io/api/core/v1.Container":   schema_k8sio_api_core_v1_Container(ref),',
    'func schema_k8sio_api_core_v1_Container(ref common.ReferenceCallback) common.OpenAPIDefinition {',
    '\t\t\t\t\t"imagePullPolicy": {',
    '\t\t\t\t\t\tSchemaProps: spec.SchemaProps{',
    '\t\t\t\t\t\t\tEnum:        []interface{}{"Always", "IfNotPresent", "Never"},',
    '\t\t\t\t\t"verbs": {',
    '\t\t\t\t\t\t\tItems: &spec.SchemaOrArray{',
    '\t\t\t\t\t\t\t\t\t\tEnum:    []interface{}{"*", "CREATE"},',
    '\t\t\t\t\t"statuses": {',
    '\t\t\t\t\t\t\tAdditionalProperties: &spec.SchemaOrBool{',
    '\t\t\t\t\t\t\t\t\t\tEnum:    []interface{}{"Pending", "Say \\"hi\\""},',
  ].join('\n');
  assert.deepEqual(extractGoEnums(old), [
    { definition: 'io.k8s.api.core.v1.Container', path: ['imagePullPolicy'], values: ['Always', 'IfNotPresent', 'Never'] },
    { definition: 'io.k8s.api.core.v1.Container', path: ['verbs', '[]'], values: ['*', 'CREATE'] },
    { definition: 'io.k8s.api.core.v1.Container', path: ['statuses', '{}'], values: ['Pending', 'Say "hi"'] },
  ]);
  const current = old.replace('\t\t"k8s.io/api/core/v1.Container":   schema', '\t\tv1.Container{}.OpenAPIModelName():   schema');
  assert.deepEqual(extractGoEnums(current), extractGoEnums(old));
  assert.equal(modelName('k8s.io/kube-aggregator/pkg/apis/apiregistration/v1.APIService'), 'io.k8s.kube-aggregator.pkg.apis.apiregistration.v1.APIService');
});

test('CRD schemas convert the way the API server treats them', () => {
  const converted = convertOpenApiSchema({
    type: 'object',
    properties: {
      free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { a: { type: 'string' } } },
      bare: { type: 'object' },
      count: { type: 'integer', minimum: 1, exclusiveMinimum: true, 'x-kubernetes-validations': [{ rule: 'self > 1' }] },
      note: { type: 'string', nullable: true, format: 'hostname-ish' },
      port: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] },
      either: { oneOf: [{ required: ['a'] }, { required: ['b'] }], properties: { a: { type: 'string' }, b: { type: 'string' } } },
    },
    required: ['count'],
  }, { rewriteRef: () => undefined, structural: true });
  assert.deepEqual(converted, {
    type: 'object',
    required: ['count'],
    additionalProperties: false,
    properties: {
      free: { type: ['object', 'null'], properties: { a: { type: ['string', 'null'] } } },
      bare: { type: ['object', 'null'], additionalProperties: false },
      count: { type: 'integer', exclusiveMinimum: 1 },
      note: { type: ['string', 'null'] },
      port: { type: ['integer', 'string', 'null'] },
      either: { oneOf: [{ required: ['a'] }, { required: ['b'] }], properties: { a: { type: ['string', 'null'] }, b: { type: ['string', 'null'] } }, additionalProperties: false },
    },
  });
});

const bundleDir = fileURLToPath(new URL('../../src/schemas/kubernetes/', import.meta.url));

for (const name of readdirSync(bundleDir).filter((n) => n.endsWith('.json'))) {
  test(`${name} is deterministic data: minified, keys sorted, every $ref resolves`, () => {
    const text = readFileSync(bundleDir + name, 'utf8');
    const bundle = JSON.parse(text) as SchemaBundle;
    assert.ok(isSchemaBundle(bundle));
    assert.equal(`v${bundle.kubernetesVersion.split('.').slice(0, 2).join('.')}.json`, name);
    const sorted = JSON.stringify(bundle, (_k, v: unknown) =>
      typeof v === 'object' && v !== null && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v);
    assert.equal(text, `${sorted}\n`);
    for (const ref of text.matchAll(/"\$ref":"#\/definitions\/([^"]+)"/g)) assert.ok(bundle.definitions[ref[1]!], `${ref[1]} is defined`);
    for (const kinds of Object.values(bundle.kinds)) for (const kind of Object.values(kinds)) assert.ok(bundle.definitions[kind.definition]);
    // A field may be called description (PriorityClass has one); a description text would be a string.
    assert.doesNotMatch(text, /"description":"/, 'descriptions are dropped');
    assert.equal(bundle.kinds['apps/v1']?.['Deployment']?.namespaced, true);
    assert.equal(bundle.kinds['v1']?.['PersistentVolume']?.namespaced, false);
  });
}
