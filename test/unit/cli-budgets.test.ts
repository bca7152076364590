import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runLadder, type CliResult } from './cli-run.js';

/**
 * Every hostile input of issue #11 through `ladder`, as a user (or a fork's
 * CI job) would run it: a refusal that says where, exit 1 or 2, within 5 s
 * and under 512 MiB peak memory — measured in the child process, Node's and
 * tsx's start-up included. The 5 s is CPU time, the work the input costs: on
 * a loaded 2-core machine the wall clock also counts the wait for a core, so
 * wall time is held to a looser bound that a hang still fails.
 */
const sha = 'a'.repeat(40);
const config = (extra = '', templates?: string) =>
  [
    'service: web',
    'image: registry.example.com/shop/web',
    'manifests:',
    '  repo: shop/web-manifests',
    ...(templates ? [`  templates: ${templates}`] : []),
    'environments:',
    '  - name: dev',
    '    from: { branch: main }',
    '    namespace: web-dev',
    extra,
  ].join('\n');

function assertBounded(result: CliResult, what: string): void {
  assert.ok(result.peakRssMiB !== undefined && result.cpuMs !== undefined, `${what}: the process exited normally and reported what it used`);
  assert.ok(result.cpuMs < 5000, `${what}: refused after ${result.cpuMs.toFixed(0)} ms of CPU`);
  assert.ok(result.elapsed < 20_000, `${what}: refused after ${result.elapsed} ms of wall time`);
  assert.ok(result.peakRssMiB < 512, `${what}: peak ${result.peakRssMiB.toFixed(0)} MiB`);
}

describe('ladder refuses hostile input in bounded time and memory', { concurrency: 2 }, () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ladder-budgets-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const write = async (name: string, content: string) => {
    const path = join(dir, name);
    await mkdir(join(path, '..'), { recursive: true });
    await writeFile(path, content);
    return path;
  };

  it('a config value with a self-referencing alias', async () => {
    const file = await write('alias/ladder.yml', config('values:\n  default:\n    x: &x [1, *x]\n'));
    const result = await runLadder(['render', '--config', file, '--env', 'dev', '--sha', sha], { measure: true });
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, new RegExp(`${file}:11:15 values\\.default\\.x\\[1\\]: alias \\*x stands inside the value &x names`));
    assertBounded(result, 'alias cycle');
  });

  it('values tagged !!set, !!timestamp, !!omap or !!binary', async () => {
    const file = await write('tags/ladder.yml', config('values:\n  default:\n    a: !!set {x, y}\n    b: !!timestamp 2001-12-14\n    c: !!omap [x: 1]\n    d: !!binary aGVsbG8=\n'));
    const result = await runLadder(['render', '--config', file, '--env', 'dev', '--sha', sha], { measure: true });
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, new RegExp(`${file}:11:14 values\\.default\\.a: the tag !!set makes something other than plain data`));
    assertBounded(result, 'tags');
  });

  it('three nested {{#each}} over a 1,000-item list', async () => {
    const items = JSON.stringify(Array.from({ length: 1000 }, (_, index) => index));
    const file = await write('loops/.github/ladder.yml', config(`values:\n  default:\n    items: ${items}\n`, 'deploy/templates'));
    await write('loops/deploy/templates/cm.yaml.hbs', 'apiVersion: v1\nkind: List\nmetadata: { name: x }\nitems:\n{{#each values.items}}{{#each @root.values.items}}{{#each @root.values.items}}  - x\n{{/each}}{{/each}}{{/each}}');
    const result = await runLadder(['render', '--config', file, '--env', 'dev', '--sha', sha], { measure: true });
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /deploy\/templates\/cm\.yaml\.hbs:5:\d+: \{\{#each\}\} ran more than 100000 iterations in this render/);
    assertBounded(result, 'nested loops');
  });

  it('a 256 KiB template of [', async () => {
    const file = await write('brackets/.github/ladder.yml', config('', 'deploy/templates'));
    await write('brackets/deploy/templates/b.yaml.hbs', '['.repeat(256 * 1024 - 1));
    const result = await runLadder(['render', '--config', file, '--env', 'dev', '--sha', sha], { measure: true });
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /b\.yaml\.hbs:1:257: the rendered YAML is invalid \(rendered line 1, column 257\): nested more than 256 levels deep/);
    assert.ok(result.stderr.length < 2000, 'the excerpt is bounded');
    assertBounded(result, '[ template');
  });

  it('a manifest file of 8 MB of [', async () => {
    const file = await write('brackets.yaml', '['.repeat(8 * 1024 * 1024 - 16));
    const result = await runLadder(['validate', file], { measure: true });
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stdout, new RegExp(`${file}:1:257  error  input  -  nested more than 256 levels deep`));
    assertBounded(result, '8 MB of [');
  });

  it('a CRD pattern that backtracks, with a long non-matching value', async () => {
    const crd = (pattern: string, value: string) =>
      `apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: { name: hosts.example.com }\nspec:\n  group: example.com\n  scope: Cluster\n  names: { kind: Host, plural: hosts }\n  versions:\n    - name: v1\n      served: true\n      storage: true\n      schema:\n        openAPIV3Schema:\n          type: object\n          properties:\n            spec:\n              type: object\n              properties:\n                name: { type: string, pattern: '${pattern}' }\n---\napiVersion: example.com/v1\nkind: Host\nmetadata: { name: h }\nspec:\n  name: "${value}"\n`;
    for (const [name, pattern, value] of [['alternation', '^(a|a)*$', `${'a'.repeat(50_000)}b`], ['counted', '^(a{1,20}){1,20}$', 'a'.repeat(401)]] as const) {
      const file = await write(`pattern-${name}.yaml`, crd(pattern, value));
      const result = await runLadder(['validate', file], { measure: true });
      assert.equal(result.code, 1, result.stderr);
      assert.match(result.stdout, new RegExp(`${file}:25:9  error  schema  Host/h  spec\\.name: must match the pattern`));
      assertBounded(result, pattern);
    }
  });

  it('a template that links outside its directory is refused without being read', async () => {
    const secret = await write('outside/secret.txt', 'TOP-SECRET-LINE\n');
    const file = await write('links/.github/ladder.yml', config('', 'deploy/templates'));
    await mkdir(join(dir, 'links/deploy/templates'), { recursive: true });
    await symlink(secret, join(dir, 'links/deploy/templates/leak.yaml.hbs'));
    const result = await runLadder(['render', '--config', file, '--env', 'dev', '--sha', sha], { measure: true });
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /deploy\/templates\/leak\.yaml\.hbs: is a symbolic link to a file outside the templates directory/);
    assert.doesNotMatch(result.stderr + result.stdout, /TOP-SECRET-LINE/);
    assertBounded(result, 'symlink');
  });

  it('--config naming a FIFO is refused before it is opened', async () => {
    const fifo = join(dir, 'config.fifo');
    execFileSync('mkfifo', [fifo]);
    const result = await runLadder(['render', '--config', fifo, '--env', 'dev', '--sha', sha], { measure: true, timeoutMs: 20_000 });
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, new RegExp(`${fifo}: not a regular file`));
    assertBounded(result, 'FIFO');
  });
});
