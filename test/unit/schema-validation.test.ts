import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundledKubernetesVersions, loadSchemaBundle } from '../../src/adapters/fs/schema-bundle.js';
import { LadderInputError } from '../../src/core/errors.js';
import { compareFindings, type Finding } from '../../src/core/findings.js';
import { parseManifests } from '../../src/core/manifests/parse.js';
import type { ManifestDocument } from '../../src/core/manifests/document.js';
import { createSchemaCompilers, createSchemaValidator, type SchemaValidatorOptions } from '../../src/core/validate/schema/index.js';

const fixtures = fileURLToPath(new URL('../fixtures/manifests/', import.meta.url));
const newest = await loadSchemaBundle();

function readDir(dir: string): { file: string; text: string; documents: ManifestDocument[] }[] {
  return readdirSync(join(fixtures, dir))
    .filter((name) => name.endsWith('.yaml'))
    .sort()
    .map((name) => {
      const text = readFileSync(join(fixtures, dir, name), 'utf8');
      const parsed = parseManifests(text, name);
      assert.deepEqual(parsed.findings, [], `${name} parses cleanly`);
      return { file: name, text, documents: parsed.documents };
    });
}

function parse(text: string, file = 'test.yaml'): ManifestDocument[] {
  return parseManifests(text, file).documents;
}

function summarize(findings: readonly Finding[]): string[] {
  return [...findings].sort(compareFindings).map((f) => `${f.file}:${f.line}:${f.column} ${f.rule} ${f.severity} ${f.message}`);
}

test('bundles exist for three Kubernetes minors, oldest first', () => {
  const versions = bundledKubernetesVersions();
  assert.deepEqual(versions, ['1.34', '1.35', '1.36']);
  assert.match(newest.kubernetesVersion, /^1\.36\.\d+$/);
});

for (const version of bundledKubernetesVersions()) {
  test(`the valid corpus gives no findings against Kubernetes ${version}`, async () => {
    const bundle = await loadSchemaBundle(version);
    assert.equal(bundle.kubernetesVersion.split('.').slice(0, 2).join('.'), version);
    const validator = createSchemaValidator(bundle);
    const corpus = readDir('valid');
    const documents = corpus.flatMap((entry) => entry.documents);
    assert.ok(documents.length >= 20, 'the corpus holds a realistic number of objects');
    assert.deepEqual(summarize(validator.validate(documents)), []);
  });
}

/** `# expect: <rule> <line>:<column> <field> [warning] ["message part"]` and `# options: unknownKinds=<mode>`. */
function expectationsOf(text: string): { expected: string[]; options: SchemaValidatorOptions } {
  const expected: string[] = [];
  for (const match of text.matchAll(/^# expect: (\S+) (\d+):(\d+) (\S+)( warning)?(?: "((?:[^"\\]|\\.)*)")?$/gm)) {
    const [, rule, line, column, field, warning, part] = match;
    expected.push(JSON.stringify([rule, Number(line), Number(column), field, warning ? 'warning' : 'error', part ? JSON.parse(`"${part}"`) : '']));
  }
  const mode = /^# options: unknownKinds=(error|warning|ignore)$/m.exec(text)?.[1] as SchemaValidatorOptions['unknownKinds'];
  return { expected, options: mode ? { unknownKinds: mode } : {} };
}

for (const fixture of readDir('invalid')) {
  test(`invalid/${fixture.file} gives exactly the findings it declares`, () => {
    const { expected, options } = expectationsOf(fixture.text);
    assert.ok(expected.length > 0, 'the fixture declares its findings');
    const findings = createSchemaValidator(newest, options).validate(fixture.documents);
    assert.equal(findings.length, expected.length, summarize(findings).join('\n'));
    const unmatched = [...expected];
    for (const finding of findings) {
      const field = finding.message.slice(0, finding.message.indexOf(': '));
      const index = unmatched.findIndex((entry) => {
        const [rule, line, column, wantField, severity, part] = JSON.parse(entry) as [string, number, number, string, string, string];
        return rule === finding.rule && line === finding.line && column === finding.column && wantField === field &&
          severity === finding.severity && finding.message.includes(part) && finding.file === fixture.file;
      });
      assert.notEqual(index, -1, `unexpected finding ${summarize([finding])[0]}\nexpected: ${unmatched.join('\n')}`);
      unmatched.splice(index, 1);
    }
    assert.deepEqual(unmatched, []);
  });
}

test('findings name the kind and the object', () => {
  const [finding] = createSchemaValidator(newest).validate(parse('apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports: 80\n'));
  assert.equal(finding?.kind, 'Service');
  assert.equal(finding?.name, 'web');
  assert.equal(finding?.message, 'spec.ports: expected list, got number 80');
  assert.deepEqual([finding?.line, finding?.column], [6, 10]);
});

test('isNamespaced knows built-in kinds and the CRDs validate has seen', () => {
  const validator = createSchemaValidator(newest);
  assert.equal(validator.isNamespaced('apps/v1', 'Deployment'), true);
  assert.equal(validator.isNamespaced('v1', 'ConfigMap'), true);
  assert.equal(validator.isNamespaced('v1', 'Namespace'), false);
  assert.equal(validator.isNamespaced('rbac.authorization.k8s.io/v1', 'ClusterRole'), false);
  assert.equal(validator.isNamespaced('ops.example.com/v1', 'BackupStore'), undefined);
  const crds = readDir('valid').find((entry) => entry.file === 'crd-backup-schedule.yaml')!;
  assert.deepEqual(validator.validate(crds.documents), []);
  assert.equal(validator.isNamespaced('ops.example.com/v1', 'BackupSchedule'), true);
  assert.equal(validator.isNamespaced('ops.example.com/v1', 'BackupStore'), false);
  assert.equal(validator.isNamespaced('ops.example.com/v1alpha1', 'BackupSchedule'), undefined, 'a version that is not served');
  assert.equal(validator.isNamespaced('apps/v1', 'NoSuchKind'), undefined);
  const [unserved] = validator.validate(parse('apiVersion: ops.example.com/v1alpha1\nkind: BackupSchedule\nmetadata:\n  name: x\n'));
  assert.equal(unserved?.message, 'kind: no CustomResourceDefinition in the manifests serves BackupSchedule as ops.example.com/v1alpha1; versions served: ops.example.com/v1');
});

test('a CRD seen in one call checks its custom resources in the next', () => {
  const validator = createSchemaValidator(newest);
  const corpus = readDir('valid');
  validator.validate(corpus.find((entry) => entry.file === 'crd-backup-schedule.yaml')!.documents);
  const resource = 'apiVersion: ops.example.com/v1\nkind: BackupStore\nmetadata:\n  name: x\nspec:\n  bucket: 3\n';
  assert.deepEqual(summarize(validator.validate(parse(resource))), ['test.yaml:6:11 schema error spec.bucket: expected string, got number 3']);
});

test('a CRD schema Ajv cannot compile is a finding on the CRD, and its objects are still checked for metadata', () => {
  const crd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names: {kind: Widget, plural: widgets}
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: strng
---
apiVersion: example.com/v1
kind: Widget
metadata:
  name: w
  labels: {tier: 1}
spec: anything
`;
  const findings = summarize(createSchemaValidator(newest).validate(parse(crd)));
  assert.equal(findings.length, 2, findings.join('\n'));
  // (An invalid pattern no longer gets this far: it is refused at the pattern, as the API server refuses it; schema-patterns.test.ts.)
  assert.match(findings[0]!, /^test\.yaml:15:11 schema error the schema of example\.com\/v1 Widget cannot be used to check its objects: type must be JSONType or JSONType\[\]: strng/);
  assert.equal(findings[1], 'test.yaml:24:18 schema error metadata.labels.tier: expected string, got number 1');
});

test('Secret values never appear in findings', () => {
  const secret = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  password: not base64 at all\nstringData:\n  token: 12345\n';
  const findings = createSchemaValidator(newest).validate(parse(secret));
  assert.equal(findings.length, 2);
  for (const finding of findings) {
    assert.doesNotMatch(finding.message, /not base64|12345/);
  }
  assert.deepEqual(findings.map((f) => f.message).sort(), [
    'data.password: expected base64-encoded data, got a string',
    'stringData.token: expected string, got a number',
  ]);
});

test('null is accepted for optional fields, as the API server accepts it', () => {
  const text = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  creationTimestamp: null\n  labels: null\nspec:\n  selector: null\n  ports:\n    - port: 80\n      targetPort: null\n';
  assert.deepEqual(createSchemaValidator(newest).validate(parse(text)), []);
  const required = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n    - port: null\n';
  assert.deepEqual(summarize(createSchemaValidator(newest).validate(parse(required))), ['test.yaml:7:13 schema error spec.ports[0].port: expected integer, got null']);
});

test('validating the same documents twice gives the same findings (cached validators)', () => {
  const validator = createSchemaValidator(newest);
  const corpus = readDir('invalid').flatMap((entry) => entry.documents);
  const first = summarize(validator.validate(corpus));
  assert.ok(first.length > 20);
  assert.deepEqual(summarize(validator.validate(corpus)), first);
});

test('validators can share compiled built-in kinds while each keeps its own CRDs', async () => {
  const compilers = createSchemaCompilers(newest);
  const first = createSchemaValidator(newest, { compilers });
  const second = createSchemaValidator(newest, { compilers });
  const crds = readDir('valid').find((entry) => entry.file === 'crd-backup-schedule.yaml')!.documents;
  const store = parse('apiVersion: ops.example.com/v1\nkind: BackupStore\nmetadata:\n  name: x\nspec:\n  bucket: 3\n');
  assert.deepEqual(first.validate(crds), []);
  assert.equal(first.validate(store).length, 1);
  assert.match(second.validate(store)[0]?.message ?? '', /^kind: unknown kind BackupStore/, 'a CRD seen by one run does not leak into another');
  assert.equal(compilers.builtIn('io.k8s.api.apps.v1.Deployment'), compilers.builtIn('io.k8s.api.apps.v1.Deployment'), 'compiled once');
  const older = await loadSchemaBundle('1.35');
  assert.throws(() => createSchemaValidator(older, { compilers }), /another schema bundle/);
});

test('unknown kinds follow the unknownKinds option', () => {
  const text = 'apiVersion: example.com/v1\nkind: Gadget\nmetadata:\n  name: g\n';
  const severities = (['error', 'warning', 'ignore'] as const).map((mode) => createSchemaValidator(newest, { unknownKinds: mode }).validate(parse(text)).map((f) => f.severity));
  assert.deepEqual(severities, [['error'], ['warning'], []]);
});

test('loadSchemaBundle reads a minor by any usual spelling and refuses one it does not bundle', async () => {
  assert.match((await loadSchemaBundle('1.35')).kubernetesVersion, /^1\.35\./);
  assert.match((await loadSchemaBundle('v1.34')).kubernetesVersion, /^1\.34\./);
  assert.match((await loadSchemaBundle('1.36.0')).kubernetesVersion, /^1\.36\./);
  await assert.rejects(loadSchemaBundle('1.20'), (error: unknown) => {
    assert.ok(error instanceof LadderInputError);
    assert.match(error.message, /Kubernetes 1\.20 has no bundled schemas; Ladder bundles 1\.34, 1\.35, 1\.36/);
    return true;
  });
  await assert.rejects(loadSchemaBundle('latest'), LadderInputError);
});

test('a value that is not a bundle is refused with a clear error', () => {
  assert.throws(() => createSchemaValidator({} as never), /not a Ladder schema bundle/);
});
