import assert from 'node:assert/strict';
import { mkdtemp, writeFile, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fixture, runLadder } from './cli-run.js';

const beforeDir = fixture('diff', 'before');
const afterDir = fixture('diff', 'after');

describe('ladder diff', { concurrency: 4 }, () => {
  let scratch: string;
  before(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'ladder-cli-diff-'));
  });
  after(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('lists added, removed and changed resources with field paths, exit 1', async () => {
    const result = await runLadder(['diff', beforeDir, afterDir]);
    assert.equal(result.code, 1, result.stderr);
    assert.equal(result.stderr, '');
    const lines = result.stdout.split('\n');
    assert.ok(lines.includes(`- batch/v1 Job checkout-dev/checkout-migrate  (${beforeDir}/old-job.yaml)`), result.stdout);
    assert.ok(lines.includes(`+ v1 Service checkout-dev/checkout  (${afterDir}/service.yaml)`), result.stdout);
    assert.ok(lines.includes(`~ apps/v1 Deployment checkout-dev/checkout  (${afterDir}/workload.yaml)`), result.stdout);
    assert.ok(lines.includes('    spec.replicas: 2 → 3'));
    assert.ok(lines.includes('    spec.template.spec.containers[name=app].resources.requests.memory: "256Mi" → "512Mi"'));
    assert.ok(lines.includes('    data.LOG_LEVEL: "info" → "debug"'));
    // The embedded file shows as a line diff, not two opaque strings.
    assert.match(result.stdout, /    data\["app.properties"\]:\n        currency=EUR\n      - timeout=30s\n      \+ timeout=45s\n        retries=3\n/);
    assert.equal(lines.at(-2), '1 added, 1 removed, 3 changed.');
  });

  it('keys by resource, not by file: a moved resource is unchanged', async () => {
    const a = join(scratch, 'moved-a');
    const b = join(scratch, 'moved-b');
    await mkdir(a);
    await mkdir(b);
    const service = 'apiVersion: v1\nkind: Service\nmetadata: { name: web, namespace: shop }\nspec: { ports: [{ port: 80 }] }\n';
    await writeFile(join(a, 'service.yaml'), service);
    await writeFile(join(b, 'renamed.yml'), `---\n${service}`);
    const result = await runLadder(['diff', a, b]);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.equal(result.stdout, 'No differences.\n');
  });

  it('never prints Secret values', async () => {
    const result = await runLadder(['diff', beforeDir, afterDir]);
    assert.ok(result.stdout.includes('~ v1 Secret checkout-dev/checkout-db'));
    assert.ok(result.stdout.includes('    data.password: (hidden) → (hidden)'));
    for (const secret of ['b2xkLXBhc3N3b3Jk', 'bmV3LXBhc3N3b3Jk']) assert.ok(!result.stdout.includes(secret));
    const json = await runLadder(['diff', '--format', 'json', beforeDir, afterDir]);
    for (const secret of ['b2xkLXBhc3N3b3Jk', 'bmV3LXBhc3N3b3Jk']) assert.ok(!json.stdout.includes(secret));
  });

  it('writes JSON with resources, files and changes', async () => {
    const result = await runLadder(['diff', '--format', 'json', beforeDir, afterDir]);
    assert.equal(result.code, 1, result.stderr);
    const body = JSON.parse(result.stdout) as {
      added: unknown[];
      removed: unknown[];
      changed: { kind: string; name: string; file: string; changes: { path: string; before?: unknown; after?: unknown; masked?: boolean }[] }[];
    };
    assert.deepEqual(body.added, [{ apiVersion: 'v1', kind: 'Service', namespace: 'checkout-dev', name: 'checkout', file: `${afterDir}/service.yaml` }]);
    assert.deepEqual(body.removed, [{ apiVersion: 'batch/v1', kind: 'Job', namespace: 'checkout-dev', name: 'checkout-migrate', file: `${beforeDir}/old-job.yaml` }]);
    assert.deepEqual(body.changed.map((c) => `${c.kind}/${c.name}`), ['ConfigMap/checkout-config', 'Secret/checkout-db', 'Deployment/checkout']);
    const deployment = body.changed.find((c) => c.kind === 'Deployment')!;
    assert.deepEqual(deployment.changes[0], { path: 'spec.replicas', before: 2, after: 3 });
    assert.deepEqual(body.changed.find((c) => c.kind === 'Secret')!.changes, [{ path: 'data.password', before: '(hidden)', after: '(hidden)', masked: true }]);
  });

  it('exits 0 with "No differences." for identical sets', async () => {
    const result = await runLadder(['diff', afterDir, afterDir]);
    assert.equal(result.code, 0);
    assert.equal(result.stdout, 'No differences.\n');
    const json = await runLadder(['diff', '--format', 'json', afterDir, afterDir]);
    assert.equal(json.code, 0);
    assert.deepEqual(JSON.parse(json.stdout), { added: [], removed: [], changed: [] });
  });

  it('compares against a directory without manifests: everything is added', async () => {
    const result = await runLadder(['diff', fixture('empty-dir'), fixture('valid')]);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stdout, /^\+ apps\/v1 Deployment checkout-dev\/checkout /m);
    assert.match(result.stdout, /2 added, 0 removed, 0 changed\.\n$/);
  });

  it('exits 2 when an input does not exist', async () => {
    const result = await runLadder(['diff', beforeDir, 'no/such/dir']);
    assert.equal(result.code, 2);
    assert.equal(result.stdout, '');
    assert.equal(result.stderr, 'ladder diff: no/such/dir: no such file or directory\n');
  });

  it('exits 2, with locations, when a side does not parse', async () => {
    const result = await runLadder(['diff', fixture('bad'), afterDir]);
    assert.equal(result.code, 2);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, new RegExp(`^${fixture('bad')}/duplicate-keys.yaml:7:3: Map keys must be unique$`, 'm'));
    assert.match(result.stderr, /cannot compare until these are fixed/);
  });

  it('exits 2 when a resource is defined twice on one side, naming both places', async () => {
    const dir = join(scratch, 'twice');
    await mkdir(dir);
    const map = 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: cfg }\n';
    await writeFile(join(dir, 'a.yaml'), map);
    await writeFile(join(dir, 'b.yaml'), `# comment\n${map}`);
    const result = await runLadder(['diff', dir, afterDir]);
    assert.equal(result.code, 2);
    assert.equal(
      result.stderr,
      `${dir}/b.yaml:2:1: v1 ConfigMap cfg is defined more than once (also at ${dir}/a.yaml:1:1)\nladder diff: cannot compare until these are fixed.\n`,
    );
  });

  it('needs exactly two inputs', async () => {
    const result = await runLadder(['diff', beforeDir]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /^ladder diff: expected two directories or files to compare, got 1\nRun 'ladder diff --help' for usage\.\n$/);
  });
});

describe('ladder render --all-envs and ladder diff of two environments', () => {
  const sha = '0123456789abcdef0123456789abcdef01234567';
  const config = fixture('render', '.github', 'ladder.yml');
  let out: string;
  before(async () => {
    out = await mkdtemp(join(tmpdir(), 'ladder-all-envs-'));
  });
  after(async () => {
    await rm(out, { recursive: true, force: true });
  });

  it('writes every environment to a directory of its own, then diffs two of them field by field', async () => {
    const rendered = await runLadder(['render', '--config', config, '--all-envs', '--sha', sha, '--out', out]);
    assert.equal(rendered.code, 0, rendered.stderr);
    assert.equal(rendered.stdout, ['dev', 'prd'].flatMap((env) => [`${join(out, env, 'configmap-shop-settings.yaml')}`, `${join(out, env, 'service-shop.yaml')}`]).join('\n') + '\n');
    assert.match(rendered.stderr, new RegExp(`Compare two environments with: ladder diff ${join(out, 'dev')} ${join(out, 'prd')}\n$`));

    const diff = await runLadder(['diff', join(out, 'dev'), join(out, 'prd')]);
    assert.equal(diff.code, 1);
    assert.match(diff.stdout, /^Resources matched across namespaces: shop-dev \(before\) and shop \(after\)\.\n/);
    assert.match(diff.stdout, /~ v1 ConfigMap shop\/shop-settings .*\n {4}data\.GREETING: "hello: world" → "bonjour"\n/);
    assert.doesNotMatch(diff.stdout, /metadata\.namespace/);
    assert.match(diff.stdout, /0 added, 0 removed, 2 changed\.\n$/);

    const strict = await runLadder(['diff', '--by-namespace', '--format', 'json', join(out, 'dev'), join(out, 'prd')]);
    const body = JSON.parse(strict.stdout) as { added: unknown[]; removed: unknown[]; namespaces?: unknown };
    assert.equal(body.added.length, 2);
    assert.equal(body.removed.length, 2);
    assert.equal(body.namespaces, undefined);
  });

  it('refuses --all-envs without --out, and with --env', async () => {
    const noOut = await runLadder(['render', '--config', config, '--all-envs', '--sha', sha]);
    assert.equal(noOut.code, 2);
    assert.match(noOut.stderr, /--all-envs needs --out <dir>/);
    const both = await runLadder(['render', '--config', config, '--all-envs', '--env', 'dev', '--sha', sha, '--out', out]);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /--all-envs renders every environment; leave out --env/);
  });
});
