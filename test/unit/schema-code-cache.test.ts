import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { bundledKubernetesVersions, loadSchemaBundle } from '../../src/adapters/fs/schema-bundle.js';
import { validatorCodeStore } from '../../src/adapters/fs/validator-cache.js';
import { parseManifests } from '../../src/core/manifests/parse.js';
import type { ValidatorCodeStore } from '../../src/core/validate/schema/code-cache.js';
import { cacheKey, definitionsDigest } from '../../src/core/validate/schema/code-cache.js';
import { podTemplateKinds } from '../../src/core/validate/schema/compile.js';
import { createSchemaValidator } from '../../src/core/validate/schema/index.js';

const bundle = await loadSchemaBundle('1.36');
const manifests = parseManifests(`apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  replicas: "3"
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers: [{ name: app, image: web:1, resources: { limits: { memory: 1GB } } }]
---
apiVersion: v1
kind: Service
metadata: { name: web }
spec: { ports: [{ port: 80, protocol: HTTP }] }
`, 'set.yaml').documents;

function memoryStore() {
  const entries = new Map<string, { code: string; v8?: Uint8Array }>();
  const counts = { reads: 0, hits: 0, writes: 0 };
  const store: ValidatorCodeStore = {
    read(key) {
      counts.reads++;
      const entry = entries.get(key);
      if (entry) counts.hits++;
      return entry;
    },
    write(key, code, v8) {
      counts.writes++;
      entries.set(key, v8 ? { code, v8 } : { code });
    },
  };
  return { store, entries, counts };
}

const findingsWith = (store?: ValidatorCodeStore) => createSchemaValidator(bundle, store ? { codeStore: store } : {}).validate(manifests).map((f) => `${f.line}:${f.column} ${f.rule} ${f.message}`);

describe('compiled validators kept between runs', () => {
  it('a second run loads every validator from the store and finds exactly what compiling finds', () => {
    const expected = findingsWith();
    assert.ok(expected.length >= 3);
    const { store, counts } = memoryStore();
    assert.deepEqual(findingsWith(store), expected);
    // Two kinds, each with a yes/no validator and (both have errors) an explaining one.
    assert.deepEqual(counts, { reads: 4, hits: 0, writes: 4 });
    assert.deepEqual(findingsWith(store), expected);
    assert.deepEqual(counts, { reads: 8, hits: 4, writes: 4 });
  });

  it('code that does not load is compiled afresh and replaced, never trusted', () => {
    const { store, entries, counts } = memoryStore();
    const expected = findingsWith(store);
    for (const [key, entry] of entries) entries.set(key, { code: `${entry.code.slice(0, entry.code.length / 2)}`, ...(entry.v8 ? { v8: entry.v8 } : {}) });
    assert.deepEqual(findingsWith(store), expected);
    assert.equal(counts.writes, 8, 'every damaged entry was written again');
  });

  it('the kinds that hold a pod template share one module, checked and explained, and find what compiling each finds', () => {
    const workloads = parseManifests(['Deployment', 'StatefulSet', 'DaemonSet', 'Job'].map((kind) => `apiVersion: ${kind === 'Job' ? 'batch' : 'apps'}/v1
kind: ${kind}
metadata: { name: w-${kind.toLowerCase()} }
spec:
  template:
    spec:
      containers: [{ name: app, image: web:1, ports: [{ containerPort: "80" }] }]
`).join('---\n'), 'workloads.yaml').documents;
    const findings = (store?: ValidatorCodeStore) => createSchemaValidator(bundle, store ? { codeStore: store } : {}).validate(workloads).map((f) => `${f.line}:${f.column} ${f.message}`);
    const expected = findings();
    assert.equal(expected.filter((f) => f.includes('containerPort')).length, 4, expected.join('\n'));
    const { store, entries, counts } = memoryStore();
    assert.deepEqual(findings(store), expected);
    // Four kinds: one module of yes/no validators and one that explains, not four of each.
    assert.deepEqual(counts, { reads: 2, hits: 0, writes: 2 });
    const [module] = [...entries.values()];
    assert.ok(podTemplateKinds.every((definition) => module!.code.includes(`exports["${definition}"]`)), 'every pod-template kind is in the module');
    assert.deepEqual(findings(store), expected);
    assert.deepEqual(counts, { reads: 4, hits: 2, writes: 2 });
  });

  it("keeps V8's data for the functions the validators ran, written after they ran", () => {
    const output = execFileSync(process.execPath, [...process.execArgv, fileURLToPath(new URL('../support/validator-v8-data.ts', import.meta.url))], { encoding: 'utf8' });
    const sizes = JSON.parse(output) as { written: number; unused: number }[];
    assert.equal(sizes.length, 1, 'one Deployment, valid: one yes/no module');
    for (const { written, unused } of sizes) assert.ok(written > 1.3 * unused, `V8's data: ${written} bytes written, ${unused} for the code before any function ran`);
  });

  it('the pod-template kinds are every bundled kind that reaches PodSpec, in each bundled minor', async () => {
    for (const version of bundledKubernetesVersions()) {
      const { definitions, kinds } = await loadSchemaBundle(version);
      const reaches = (definition: string, seen = new Set<string>()): boolean => {
        if (definition === 'io.k8s.api.core.v1.PodSpec') return true;
        if (seen.has(definition)) return false;
        seen.add(definition);
        return JSON.stringify(definitions[definition]).match(/#\/definitions\/[^"]+/g)?.some((ref) => reaches(ref.slice('#/definitions/'.length), seen)) ?? false;
      };
      const holding = Object.values(kinds).flatMap((byKind) => Object.values(byKind)).map((kind) => kind.definition).filter((definition) => reaches(definition));
      assert.deepEqual([...new Set(holding)].sort(), [...podTemplateKinds].sort(), `Kubernetes ${version}`);
    }
  });

  it('the key changes with the schema, the definitions and the options', () => {
    const base = { options: 'check', definitions: definitionsDigest(bundle.definitions), schema: { $ref: 'kubernetes.json#/definitions/a' } };
    const key = cacheKey(base);
    assert.notEqual(cacheKey({ ...base, options: 'explain' }), key);
    assert.notEqual(cacheKey({ ...base, schema: { $ref: 'kubernetes.json#/definitions/b' } }), key);
    assert.notEqual(cacheKey({ ...base, definitions: definitionsDigest({ ...bundle.definitions, extra: {} }) }), key);
    assert.equal(cacheKey({ ...base }), key);
  });
});

describe('the validator cache on disk', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ladder-validator-cache-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps code and V8 data under the key, leaves no temporary file, and refuses a file whose digest does not match', async () => {
    const store = validatorCodeStore(join(dir, 'validators'));
    const expected = findingsWith();
    assert.deepEqual(findingsWith(store), expected);
    const files = (await readdir(join(dir, 'validators'))).sort();
    assert.equal(files.filter((f) => f.endsWith('.js')).length, 4);
    assert.equal(files.filter((f) => f.endsWith('.v8')).length, 4);
    assert.deepEqual(files.filter((f) => f.endsWith('.tmp')), []);
    assert.deepEqual(findingsWith(validatorCodeStore(join(dir, 'validators'))), expected);

    const key = files.find((f) => f.endsWith('.js'))!.replace(/\.js$/, '');
    const path = join(dir, 'validators', `${key}.js`);
    const text = await readFile(path, 'utf8');
    await writeFile(path, text.replace('"use strict"', '"use strict";globalThis.tampered=1'));
    assert.equal(validatorCodeStore(join(dir, 'validators')).read(key), undefined);
    assert.deepEqual(findingsWith(validatorCodeStore(join(dir, 'validators'))), expected);
    assert.equal((globalThis as { tampered?: number }).tampered, undefined);
  });

  it('a store it cannot write to only means compiling again', async () => {
    const file = join(dir, 'a-file');
    await writeFile(file, 'not a directory\n');
    const store = validatorCodeStore(join(file, 'validators')); // ENOTDIR on every write
    assert.deepEqual(findingsWith(store), findingsWith());
  });
});
