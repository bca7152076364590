import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { fixture, runLadder } from './cli-run.js';

const sha = '0123456789abcdef0123456789abcdef01234567';
const config = fixture('render', '.github', 'ladder.yml');
const base = ['render', '--config', config, '--sha', sha];

describe('ladder render', { concurrency: 4 }, () => {
  let scratch: string;
  before(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'ladder-cli-render-'));
  });
  after(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('prints every resource to stdout, separated by ---, with the templates of the config', async () => {
    const result = await runLadder([...base, '--env', 'dev']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, '');
    const docs = parseAllDocuments(result.stdout);
    assert.ok(Array.isArray(docs));
    const objects = docs.map((d) => d.toJS() as { kind: string; metadata: { name: string; namespace: string; labels: Record<string, string> }; data?: Record<string, string> });
    assert.deepEqual(objects.map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`), ['ConfigMap/shop-dev/shop-settings', 'Service/shop-dev/shop']);
    // The value with ": " in it stays one string (the config's dev values come from `default`).
    assert.equal(objects[0]?.data?.GREETING, 'hello: world');
    assert.equal(objects[0]?.metadata.labels['app.kubernetes.io/version'], sha);
    assert.match(result.stdout, /^# Source: configmap-shop-settings\.yaml\n/);
    assert.match(result.stdout, /\n---\n# Source: service-shop\.yaml\n/);
  });

  it('renders byte-identical output for the same inputs, and per-environment values', async () => {
    const [first, second, prd] = await Promise.all([
      runLadder([...base, '--env', 'dev']),
      runLadder([...base, '--env', 'dev']),
      runLadder([...base, '--env', 'prd']),
    ]);
    assert.equal(first.stdout, second.stdout);
    assert.match(prd.stdout, /GREETING: bonjour\n/);
    assert.match(prd.stdout, /namespace: shop\n/);
  });

  it('writes one file per resource with --out, creating directories, and prints their paths', async () => {
    const out = join(scratch, 'nested', 'dev');
    const result = await runLadder([...base, '--env', 'dev', '--out', out]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, `${join(out, 'configmap-shop-settings.yaml')}\n${join(out, 'service-shop.yaml')}\n`);
    assert.equal(result.stderr, `Rendered 2 files for shop dev at 0123456789ab into ${out}\n`);
    assert.deepEqual((await readdir(out)).sort(), ['.ladder-source-map.json', 'configmap-shop-settings.yaml', 'service-shop.yaml']);
    const stdout = await runLadder([...base, '--env', 'dev']);
    const onDisk = await readFile(join(out, 'service-shop.yaml'), 'utf8');
    assert.ok(stdout.stdout.includes(`# Source: service-shop.yaml\n${onDisk}`));
  });

  it('replaces earlier files in place and points out files it did not render', async () => {
    const out = join(scratch, 'rerender');
    await mkdir(out);
    await writeFile(join(out, 'service-shop.yaml'), 'old content\n');
    await writeFile(join(out, 'deployment-gone.yaml'), 'kind: Deployment\n');
    const result = await runLadder([...base, '--env', 'prd', '--out', out]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(await readFile(join(out, 'service-shop.yaml'), 'utf8'), /^apiVersion: v1\nkind: Service\n/);
    assert.match(result.stderr, new RegExp(`note: ${join(out, 'deployment-gone.yaml')} was not rendered this time; delete it if its resource is gone\n`));
    // Nothing but the rendered files, their source maps (see cli-template-locations.test.ts) and the stale one: no temporary files left behind.
    assert.deepEqual((await readdir(out)).sort(), ['.ladder-source-map.json', 'configmap-shop-settings.yaml', 'deployment-gone.yaml', 'service-shop.yaml']);
  });

  it('pins the image by digest with --image-digest', async () => {
    const digest = `sha256:${'ab'.repeat(32)}`;
    const result = await runLadder([...base, '--env', 'dev', '--templates', 'templates/manifests', '--image-digest', digest]);
    assert.equal(result.code, 0, result.stderr);
    // The tag may stay for readability; the digest is what the runtime pulls.
    assert.match(result.stdout, new RegExp(`image: registry\\.example\\.com/shop/web(:${sha})?@${digest}\\n`));
  });

  it('names the template, line and helper when a template calls an unknown helper, and writes nothing', async () => {
    const out = join(scratch, 'never-written');
    const templates = fixture('render', 'bad-templates');
    const result = await runLadder([...base, '--env', 'dev', '--templates', templates, '--out', out]);
    assert.equal(result.code, 1);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, new RegExp(`^ladder render: ${templates}/settings\\.yaml\\.hbs:6:13: unknown helper "shout"`));
    await assert.rejects(readdir(out), { code: 'ENOENT' });
  });

  it('names the file, line, column and key of a config value of the wrong type', async () => {
    const result = await runLadder(['render', '--config', fixture('render', 'wrong-type.yml'), '--env', 'dev', '--sha', sha]);
    assert.equal(result.code, 1);
    assert.equal(result.stdout, '');
    assert.equal(result.stderr, `ladder render: ${fixture('render', 'wrong-type.yml')}:6:3 environments: must be a list, not a mapping\n`);
  });

  it('refuses a config that is a list instead of a mapping', async () => {
    const result = await runLadder(['render', '--config', fixture('render', 'list.yml'), '--env', 'dev', '--sha', sha]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, new RegExp(`^ladder render: ${fixture('render', 'list.yml')}:1:1 the file must be a mapping`));
  });

  it('suggests the environments there are for an unknown one', async () => {
    const result = await runLadder([...base, '--env', 'prod']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /no environment named 'prod'; shop has 'dev', 'prd' \(did you mean 'prd'\?\)/);
  });

  it('exits 2 for a missing config file or templates directory', async () => {
    const missing = await runLadder(['render', '--config', 'nope/ladder.yml', '--env', 'dev', '--sha', sha]);
    assert.equal(missing.code, 2);
    assert.equal(missing.stderr, 'ladder render: nope/ladder.yml: no such file or directory\n');
    const noTemplates = await runLadder([...base, '--env', 'dev', '--templates', 'no/templates']);
    assert.equal(noTemplates.code, 2);
    assert.equal(noTemplates.stderr, 'ladder render: no/templates: cannot read the templates directory: no such file or directory\n');
  });

  it('exits 2 for missing or malformed flags', async () => {
    const cases: [string[], RegExp][] = [
      [['render', '--env', 'dev', '--sha', sha], /^ladder render: --config is required\n/],
      [['render', '--config', config, '--sha', sha], /^ladder render: --env is required\n/],
      [['render', '--config', config, '--env', 'dev'], /^ladder render: --sha is required\n/],
      [[...base.slice(0, 3), '--env', 'dev', '--sha', 'abc123'], /^ladder render: --sha must be a full 40-character commit SHA \(hex\), not 'abc123'/],
      [[...base, '--env', 'dev', '--image-digest', 'latest'], /^ladder render: --image-digest must be sha256: followed by 64/],
      [[...base, '--env', 'dev', 'extra'], /^ladder render: unexpected argument 'extra'/],
    ];
    for (const [args, message] of cases) {
      const result = await runLadder(args);
      assert.equal(result.code, 2, args.join(' '));
      assert.match(result.stderr, message);
      assert.match(result.stderr, /Run 'ladder render --help' for usage\.\n$/);
    }
  });
});
