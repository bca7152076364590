import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { defaultValidatorCacheDir } from '../../src/adapters/fs/validator-cache.js';
import { createSchemaStore } from '../../src/app/schemas.js';

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

  it('refuses an unknown Kubernetes version, and does not keep the failure', async () => {
    const store = createSchemaStore({});
    await assert.rejects(store.compilersFor('1.2'), /1\.2/);
    await assert.rejects(store.compilersFor('1.2'), /1\.2/);
  });
});
