import assert from 'node:assert/strict';
import { access, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runLadder } from './cli-run.js';

const sha = '0123456789abcdef0123456789abcdef01234567';

// dev and stg share the cluster nonprod (issue #13 item 3); the templates render a CRD unless values.crd is false.
const config = (stgValues = '') =>
  [
    'service: widgets',
    'image: registry.example.com/shop/widgets',
    'manifests:',
    '  repo: shop/widgets-manifests',
    '  templates: deploy/templates',
    'environments:',
    '  - name: dev',
    '    from: { branch: main }',
    '    namespace: widgets-dev',
    '  - name: stg',
    '    from: { environment: dev }',
    '    namespace: widgets-stg',
    'validation:',
    '  allowClusterScoped: [CustomResourceDefinition]',
    'values:',
    '  default: { crd: true }',
    ...(stgValues ? [`  stg: ${stgValues}`] : []),
    '',
  ].join('\n');

const crdTemplate = [
  '{{#if values.crd}}',
  'apiVersion: apiextensions.k8s.io/v1',
  'kind: CustomResourceDefinition',
  'metadata:',
  '  name: widgets.example.com',
  'spec:',
  '  group: example.com',
  '  scope: Namespaced',
  '  names: { plural: widgets, singular: widget, kind: Widget, listKind: WidgetList }',
  '  versions: [{ name: v1, served: true, storage: true, schema: { openAPIV3Schema: { type: object } } }]',
  '{{/if}}',
  '',
].join('\n');

const mapTemplate = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: widgets\ndata: { A: "1" }\n';

function services(owners: readonly string[], cluster = 'nonprod'): string {
  const environment = (name: string, from: string) => [
    `      ${name}:`,
    `        from: ${from}`,
    `        namespaces: [widgets-${name}]`,
    `        cluster: ${cluster}`,
    ...(owners.includes(name) ? ['        clusterScoped: [{ kind: CustomResourceDefinition, names: [widgets.example.com] }]'] : []),
  ];
  return ['services:', '  widgets:', '    repository: shop/widgets', '    path: widgets', '    environments:', ...environment('dev', '{ branches: [main] }'), ...environment('stg', '{ environment: dev }'), ''].join('\n');
}

describe('ladder render --all-envs --services: a cluster-scoped object two environments of one cluster render', { concurrency: 4 }, () => {
  let scratch: string;
  let cases = 0;
  before(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'ladder-cli-shared-'));
  });
  after(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  /** A code repository with its config and templates, and a grants file beside it; runs render from its root. */
  async function render(options: { owners: readonly string[]; stgValues?: string; cluster?: string; servicesText?: string; extra?: string[] }) {
    const root = join(scratch, `case-${++cases}`);
    await mkdir(join(root, '.github'), { recursive: true });
    await mkdir(join(root, 'deploy', 'templates'), { recursive: true });
    await writeFile(join(root, '.github', 'ladder.yml'), config(options.stgValues));
    await writeFile(join(root, 'deploy', 'templates', 'crd.yaml.hbs'), crdTemplate);
    await writeFile(join(root, 'deploy', 'templates', 'configmap.yaml.hbs'), mapTemplate);
    await writeFile(join(root, 'services.yml'), options.servicesText ?? services(options.owners, options.cluster));
    const args = ['render', '--config', '.github/ladder.yml', '--sha', sha, '--out', 'out', ...(options.extra ?? ['--all-envs', '--services', 'services.yml'])];
    return { root, result: await runLadder(args, { cwd: root }) };
  }
  const exists = (path: string) => access(path).then(() => true, () => false);

  it('is an error at each copy when no environment owns it, at the template line, naming the fix, and writes nothing', async () => {
    const { root, result } = await render({ owners: [] });
    assert.equal(result.code, 1, result.stderr);
    const lines = result.stderr.split('\n');
    assert.deepEqual(lines.filter((line) => line.includes('shared-cluster-scoped')), [
      'deploy/templates/crd.yaml.hbs:2:1  error  shared-cluster-scoped  CustomResourceDefinition/widgets.example.com  CustomResourceDefinition widgets.example.com is cluster-scoped and rendered by dev and stg, which share cluster nonprod, and no environment owns it',
      'deploy/templates/crd.yaml.hbs:2:1  error  shared-cluster-scoped  CustomResourceDefinition/widgets.example.com  CustomResourceDefinition widgets.example.com is cluster-scoped and rendered by dev and stg, which share cluster nonprod, and no environment owns it',
    ]);
    assert.ok(lines.includes('    rendered at out/dev/customresourcedefinition-widgets.example.com.yaml:1:1'), result.stderr);
    assert.ok(lines.includes('    rendered at out/stg/customresourcedefinition-widgets.example.com.yaml:1:1'), result.stderr);
    assert.ok(lines.includes('    hint: Make one environment own it: list CustomResourceDefinition widgets.example.com under clusterScoped of that environment alone in services.yml, and render it for that environment only.'), result.stderr);
    assert.equal(await exists(join(root, 'out')), false, 'nothing is written');
  });

  it('granted to dev only: only stg\'s copy is refused, naming the owner', async () => {
    const { result } = await render({ owners: ['dev'] });
    assert.equal(result.code, 1, result.stderr);
    const errors = result.stderr.split('\n').filter((line) => line.includes('shared-cluster-scoped'));
    assert.equal(errors.length, 1, result.stderr);
    assert.match(errors[0]!, /dev owns it in cluster nonprod \(granted in services\.yml\), but stg, in the same cluster, renders it too/);
    assert.match(result.stderr, /\n {4}rendered at out\/stg\/customresourcedefinition-widgets\.example\.com\.yaml:1:1\n {4}hint: Render CustomResourceDefinition widgets\.example\.com for dev only, and leave it out of stg\.\n/);
  });

  it('passes when the owner alone renders it, or when the environments are in different clusters', async () => {
    const owned = await render({ owners: ['dev'], stgValues: '{ crd: false }' });
    assert.equal(owned.result.code, 0, owned.result.stderr);
    assert.equal(await exists(join(owned.root, 'out', 'dev', 'customresourcedefinition-widgets.example.com.yaml')), true);
    assert.equal(await exists(join(owned.root, 'out', 'stg', 'customresourcedefinition-widgets.example.com.yaml')), false);
    const apart = await render({ owners: [], servicesText: services([]).replace(/ {8}cluster: nonprod\n/g, '') });
    assert.equal(apart.result.code, 0, apart.result.stderr);
    assert.equal(await exists(join(apart.root, 'out', 'stg', 'customresourcedefinition-widgets.example.com.yaml')), true);
  });

  it('refuses --services without --all-envs, and an invalid grants file at its line', async () => {
    const single = await render({ owners: [], extra: ['--env', 'dev', '--services', 'services.yml'] });
    assert.equal(single.result.code, 2);
    assert.match(single.result.stderr, /--services needs --all-envs/);
    const bad = await render({ owners: [], cluster: 'Non_Prod' });
    assert.equal(bad.result.code, 1, bad.result.stderr);
    assert.match(bad.result.stderr, /services\.yml:9:18 services\.widgets\.environments\.dev\.cluster: must be a DNS-1123 label/);
  });
});
