import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startAppHarness, type AppHarness } from '../support/app-harness.js';
import { annotationsOf, checkRunsOf, pullsOf } from '../support/app-promotion.js';

// dev and stg share the cluster nonprod (issue #13 item 3); the service's templates render a CRD in both unless stg turns it off.
const config = (service: string) =>
  [
    `service: ${service}`,
    `image: registry.example.com/shop/${service}`,
    'manifests:',
    `  repo: shop/${service}-manifests`,
    '  templates: deploy/templates',
    'environments:',
    '  - name: dev',
    '    from: { branch: main }',
    `    namespace: ${service}-dev`,
    '  - name: stg',
    '    from: { environment: dev }',
    `    namespace: ${service}-stg`,
    'validation:',
    '  allowClusterScoped: [CustomResourceDefinition]',
    'values:',
    '  default: { crd: true }',
    '',
  ].join('\n');

const crdTemplate = [
  '{{#if values.crd}}',
  'apiVersion: apiextensions.k8s.io/v1',
  'kind: CustomResourceDefinition',
  'metadata:',
  '  name: widgets.example.com',
  '  labels: {{toYaml labels}}',
  'spec:',
  '  group: example.com',
  '  scope: Namespaced',
  '  names: { plural: widgets, singular: widget, kind: Widget, listKind: WidgetList }',
  '  versions:',
  '    - name: v1',
  '      served: true',
  '      storage: true',
  '      schema:',
  '        openAPIV3Schema: { type: object }',
  '{{/if}}',
  '',
].join('\n');

const crdGrant = '        clusterScoped: [{ kind: CustomResourceDefinition, names: [widgets.example.com] }]';

function services(service: string, owners: readonly string[]): string {
  const environment = (name: string, from: string) => [
    `      ${name}:`,
    `        from: ${from}`,
    `        namespaces: [${service}-${name}]`,
    '        cluster: nonprod',
    ...(owners.includes(name) ? [crdGrant] : []),
  ];
  return ['services:', `  ${service}:`, `    repository: shop/${service}`, `    path: ${service}`, '    environments:', ...environment('dev', '{ branches: [main] }'), ...environment('stg', '{ environment: dev }'), ''].join('\n');
}

describe('App: a cluster-scoped object two environments of one cluster render', () => {
  let h: AppHarness;
  before(async () => {
    h = await startAppHarness();
  });
  after(() => h.stop());

  async function promoteDev(service: string, owners: readonly string[]) {
    const { codeRepo, manifestRepo } = await h.createService({ service, config: config(service), templates: { 'crd.yaml.hbs': crdTemplate }, services: services(service, owners) });
    const merged = await h.mergePullRequest(codeRepo, { files: { 'x.txt': 'x\n' } });
    await h.settled();
    const run = (await checkRunsOf(h, codeRepo, merged.mergeSha)).find((r) => r.name === 'ladder/promote (dev)');
    assert.ok(run, 'the promotion reports on the code commit');
    return { codeRepo, manifestRepo, run };
  }

  it('refuses the promotion at the rendered file when both environments are granted it, naming the fix', async () => {
    const { codeRepo, manifestRepo, run } = await promoteDev('widgets', ['dev', 'stg']);
    assert.equal(run.conclusion, 'failure');
    assert.match(run.output.title ?? '', /Validation failed for dev: 1 error/);
    const text = run.output.text ?? '';
    assert.match(
      text,
      /`deploy\/templates\/crd\.yaml\.hbs:2:1` \(rendered `widgets\/customresourcedefinition-widgets\.example\.com\.yaml:1:1`\) \*\*error\*\* shared-cluster-scoped \(CustomResourceDefinition\/widgets\.example\.com\): CustomResourceDefinition widgets\.example\.com is cluster-scoped and rendered by dev and stg, which share cluster nonprod, and shop\/widgets-manifests: \.ladder\/services\.yml grants it to dev and stg: an object in one cluster has one owner/,
    );
    assert.equal((await pullsOf(h, manifestRepo, 'all')).length, 0, 'nothing is promoted');
    // The fix is on the annotation at the template line, in the code repository.
    const annotations = (await annotationsOf(h, codeRepo, run.id)).filter((a) => a.title?.startsWith('shared-cluster-scoped'));
    assert.deepEqual(annotations.map((a) => `${a.path}:${a.start_line} ${a.annotation_level}`), ['deploy/templates/crd.yaml.hbs:2 failure']);
    assert.match(annotations[0]!.message ?? '', /\nMake one environment own it: list CustomResourceDefinition widgets\.example\.com under clusterScoped of that environment alone in shop\/widgets-manifests: \.ladder\/services\.yml, and render it for that environment only\./);
  });

  it('promotes the owner: granted to dev only, dev passes though stg renders it too', async () => {
    const { manifestRepo, run } = await promoteDev('gadgets', ['dev']);
    assert.equal(run.conclusion, 'success', run.output.text ?? '');
    const pulls = await pullsOf(h, manifestRepo);
    assert.equal(pulls.length, 1);
    assert.equal(pulls[0]!.base.ref, 'dev');
  });
});
