import assert from 'node:assert/strict';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { threadsFor } from '../../src/cli/validate-shards.js';
import { runLadder } from './cli-run.js';

// A large set is checked on several threads (src/cli/validate-shards.ts); the report must not change.
// Rules that relate objects across files are split across the shards on purpose here.
const crd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: { name: backups.example.com }
spec:
  group: example.com
  scope: Namespaced
  names: { kind: Backup, plural: backups, singular: backup }
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec: { type: object, properties: { schedule: { type: string } } }
`;
const hpa = (name: string) => `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: { name: ${name}, namespace: shop }
spec: { scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: ${name} }, minReplicas: 2, maxReplicas: 4 }
`;
const deployment = (name: string, extra = '') => `apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name}, namespace: shop }
spec:
  replicas: 3
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { app: ${name} } }
    spec:
      containers:
        - name: app
          image: registry.example.com/${name}:1
${extra}`;

describe('threads by default', () => {
  it('one per two cores (V8 keeps a second core busy for each), at least 1,500 files each, at most 4', () => {
    assert.equal(threadsFor(10_000, 2), 1);
    assert.equal(threadsFor(10_000, 3), 1);
    assert.equal(threadsFor(10_000, 4), 2);
    assert.equal(threadsFor(10_000, 64), 4);
    assert.equal(threadsFor(2_999, 8), 1);
    assert.equal(threadsFor(3_000, 8), 2);
    assert.equal(threadsFor(20, 1), 1);
  });
});

describe('ladder validate on several threads', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ladder-threads-'));
    // Files sort by name; the threads take contiguous parts: a-… and the CRD early, z-… late.
    await writeFile(join(dir, 'a-crd.yaml'), crd);
    await writeFile(join(dir, 'a-hpa.yaml'), hpa('orders'));
    await writeFile(join(dir, 'a-service.yaml'), 'apiVersion: v1\nkind: Service\nmetadata: { name: twice, namespace: shop }\nspec: { ports: [{ port: 80 }] }\n');
    for (let i = 0; i < 40; i++) await writeFile(join(dir, `m-${String(i).padStart(2, '0')}.yaml`), deployment(`app-${i}`));
    await writeFile(join(dir, 'z-backup.yaml'), 'apiVersion: example.com/v1\nkind: Backup\nmetadata: { name: nightly, namespace: shop }\nspec: { schedule: 1, retain: 3 }\n');
    await writeFile(join(dir, 'z-orders.yaml'), deployment('orders', '          resource: { limits: { memory: 1Gi } }\n'));
    await writeFile(join(dir, 'z-service.yaml'), 'apiVersion: v1\nkind: Service\nmetadata: { name: twice, namespace: shop }\nspec: { ports: [{ port: 80 }] }\n');
    await writeFile(join(dir, 'z-broken.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c\n');
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('gives the report of one thread, byte for byte, with relations across the parts intact', async () => {
    const [one, three] = await Promise.all([
      runLadder(['validate', '--format', 'json', dir], { env: { LADDER_THREADS: '1' } }),
      runLadder(['validate', '--format', 'json', dir], { env: { LADDER_THREADS: '3' } }),
    ]);
    assert.equal(one.code, 1, one.stderr);
    assert.equal(three.code, 1, three.stderr);
    assert.equal(three.stdout, one.stdout);
    const findings = (JSON.parse(three.stdout) as { findings: { file: string; rule: string; message: string }[] }).findings;
    const about = (file: string, rule: string) => findings.filter((f) => f.file.endsWith(file) && f.rule === rule).map((f) => f.message);
    // The CRD (first part) validates the custom resource (last part).
    assert.deepEqual(about('z-backup.yaml', 'schema'), ['spec.schedule: expected string, got number 1', 'spec.retain: unknown field']);
    // The autoscaler (first part) makes the replicas of its target (last part) an error.
    assert.equal(about('z-orders.yaml', 'replicas-with-hpa').length, 1);
    // A duplicate across parts.
    assert.match(about('z-service.yaml', 'duplicate-resource')[0] ?? '', /v1 Service shop\/twice is already defined at .*a-service\.yaml:3/);
    // Root cause first within a file of the last part, and a file that does not parse.
    const orders = findings.filter((f) => f.file.endsWith('z-orders.yaml')).map((f) => f.rule);
    assert.ok(orders.indexOf('schema') < orders.indexOf('missing-resources'), orders.join(' '));
    assert.match(about('z-orders.yaml', 'missing-resources')[0] ?? '', /probably because of the unknown field 'resource'/);
    assert.equal(about('z-broken.yaml', 'yaml-syntax').length, 1);
  });

  it('LADDER_TRACE_TIMING=1 writes each thread\'s timeline to standard error and leaves the report alone', async () => {
    const [plain, traced] = await Promise.all([
      runLadder(['validate', '--format', 'json', dir], { env: { LADDER_THREADS: '2' } }),
      runLadder(['validate', '--format', 'json', dir], { env: { LADDER_THREADS: '2', LADDER_TRACE_TIMING: '1' } }),
    ]);
    assert.equal(traced.code, plain.code);
    assert.equal(traced.stdout, plain.stdout);
    assert.equal(plain.stderr, '');
    const lines = traced.stderr.trim().split('\n');
    const steps = (thread: RegExp) => lines.filter((line) => thread.test(line)).map((line) => / ms {2}cpu +[\d.]+ ms {2}(.*)$/.exec(line)?.[1]);
    // Every line: thread, milliseconds since the process started, that thread's CPU time, the step.
    for (const line of lines) assert.match(line, /^\[timing\] (main|worker \d+|threads) /);
    const main = steps(/^\[timing\] main /);
    assert.ok(main.indexOf('sharded: 1 workers started') < main.indexOf('sharded: every report here'), main.join(' | '));
    assert.equal(main.at(-1), 'validate: output written');
    assert.deepEqual(steps(/^\[timing\] worker \d+ /).filter((step) => step?.startsWith('shard: check')), ['shard: check starts', 'shard: check done']);
    assert.ok(lines.some((line) => /^\[timing\] threads {3}MainThread ×1: cpu \d+ ms$/.test(line)), traced.stderr);
  });

  it('a file another thread cannot read fails the run as on one thread', async () => {
    const unreadable = join(dir, 'z-unreadable.yaml');
    await writeFile(unreadable, 'kind: ConfigMap\n');
    await chmod(unreadable, 0o000);
    try {
      const [one, two] = await Promise.all(['1', '2'].map((threads) => runLadder(['validate', dir], { env: { LADDER_THREADS: threads }, withoutReadOverride: true })));
      assert.equal(two!.code, 2);
      assert.equal(two!.stderr, one!.stderr);
      assert.match(two!.stderr, /z-unreadable\.yaml: .*permission denied/i);
    } finally {
      await rm(unreadable, { force: true });
    }
  });
});
