import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { defaultValidatorCacheDir } from '../../src/adapters/fs/validator-cache.js';
import { createSchemaStore } from '../../src/app/schemas.js';
import type { Finding } from '../../src/core/findings.js';
import { parseManifests } from '../../src/core/manifests/parse.js';
import { createSchemaValidator } from '../../src/core/validate/schema/index.js';
import { crdYaml } from '../support/crd-yaml.js';

const located = (f: Finding) => `${f.file}:${f.line}:${f.column} ${f.severity} ${f.message}`;
const widgetsCrd = crdYaml({ kind: 'Widget', plural: 'widgets', scope: 'Namespaced', properties: `
spec:
  type: object
  properties:
    size: { type: integer }
    color: { type: string, pattern: '^[a-z]+$' }
` });

describe("the App's schema store: validators compiled in worker threads", () => {
  it('validates the start-up kinds and a kind asked for later, with every error explained, without Ajv on this thread', async () => {
    const cacheDir = defaultValidatorCacheDir();
    const store = createSchemaStore(cacheDir ? { cacheDir } : {});
    const startup = await store.compilersFor();
    const configMap = startup.builtIn(startup.bundle.kinds['v1']!['ConfigMap']!.definition);
    assert.equal(configMap.check({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' }, data: { a: 'b' } }), true);
    assert.equal(configMap.check({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' }, data: { a: 1 } }), false);
    assert.match(JSON.stringify(configMap.explain({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' }, data: { a: 1 } })), /"instancePath":"\/data\/a"/);

    const later = await store.compilersFor(undefined, [{ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass' }, { apiVersion: 'example.com/v1', kind: 'NotBundled' }]);
    assert.equal(later, startup, 'one set of compilers per version');
    const storageClass = later.builtIn(later.bundle.kinds['storage.k8s.io/v1']!['StorageClass']!.definition);
    assert.equal(storageClass.check({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 's' }, provisioner: 'x' }), true);
    assert.equal(storageClass.check({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 's' } }), false, 'provisioner is required');
    // Ajv is loaded (createRequire) only when a validator is compiled on this thread: the workers did all of it.
    assert.equal(Object.keys(createRequire(import.meta.url).cache).some((path) => /[\\/]ajv[\\/]dist[\\/]ajv\.js$/.test(path)), false, 'Ajv was loaded on the main thread');
  });

  it("compiles a render's CRDs and the vendored operator kinds in a worker: validation here finds what it finds on its own, without Ajv", async () => {
    const store = createSchemaStore({});
    const compilers = await store.compilersFor();
    const documents = parseManifests(`${widgetsCrd}---
apiVersion: example.com/v1
kind: Widget
metadata: { name: w, namespace: shop }
spec: { size: large, color: "RED" }
---
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: { name: db, namespace: shop }
spec: { secretStoreRef: { name: vault, kind: SecretStore }, target: { name: db }, refreshInterval: 5 }
`, 'set.yaml').documents;
    const expected = createSchemaValidator(compilers.bundle).validate(documents).map(located);
    assert.ok(expected.some((f) => /spec\.size: expected integer/.test(f)) && expected.some((f) => /spec\.color: must match/.test(f)) && expected.some((f) => /refreshInterval/.test(f)), expected.join('\n'));
    // The reference run above compiled with Ajv in this process; the same checks must now come from the worker's code.
    const custom = store.customKinds();
    const validator = createSchemaValidator(compilers.bundle, { compilers, codeStore: { read: custom.store.read, write: () => assert.fail('a custom validator was compiled on this thread') } });
    await Promise.all([custom.compile(documents), store.compilersFor(undefined, documents.map(({ object }) => ({ apiVersion: String(object['apiVersion']), kind: String(object['kind']) })))]);
    assert.deepEqual(validator.validate(documents).map(located), expected);
  });

  it('refuses a CRD whose compile runs past its time or memory limit, at the CRD, and still checks its objects as any object', async () => {
    // 4,000 properties with patterns: Ajv needs about 3 s and well over 64 MB for it here, so each limit is passed by
    // far (a 1 ms limit raced the worker's answer on a loaded machine; a small CRD fitted in 16 MB on Node 22).
    const properties = Array.from({ length: 4000 }, (_, i) => `    p${i}: { type: string, pattern: '^[a-z]{1,${(i % 50) + 1}}$' }`).join('\n');
    const largeCrd = crdYaml({ kind: 'Widget', plural: 'widgets', scope: 'Namespaced', properties: `\nspec:\n  type: object\n  properties:\n${properties}\n` });
    for (const [limits, reason] of [[{ timeoutMs: 500, heapMb: 256 }, /took longer than 0\.5 s and was stopped/], [{ timeoutMs: 60_000, heapMb: 16 }, /needed more than 16 MB and was stopped/]] as const) {
      const store = createSchemaStore({ customLimits: limits });
      const compilers = await store.compilersFor();
      const documents = parseManifests(`${largeCrd}---
apiVersion: example.com/v1
kind: Widget
metadata: { name: w, namespace: shop }
spec: { p0: "NOT-LOWER-CASE" }
`, 'set.yaml').documents;
      const custom = store.customKinds();
      const validator = createSchemaValidator(compilers.bundle, { compilers, codeStore: { read: custom.store.read, write: () => assert.fail('compiled on this thread') } });
      await Promise.all([custom.compile(documents), store.compilersFor(undefined, [{ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition' }])]);
      const findings = validator.validate(documents);
      assert.equal(findings.length, 1, findings.map(located).join('\n'));
      assert.match(located(findings[0]!), /^set\.yaml:\d+:\d+ error the schema of example\.com\/v1 Widget cannot be used to check its objects: compiling its schema/);
      assert.match(findings[0]!.message, reason);
    }
  });

  it('refuses an unknown Kubernetes version, and does not keep the failure', async () => {
    const store = createSchemaStore({});
    await assert.rejects(store.compilersFor('1.2'), /1\.2/);
    await assert.rejects(store.compilersFor('1.2'), /1\.2/);
  });
});
