// Issue 15, item 1: `ladder render` with render: helm and render: kustomize, through the real
// helm and kustomize binaries, on Helm's own test charts and kustomize's examples.
import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { digest, ladderYml, renderersFixtures, scratchRepo, sha, toolEnv } from '../support/renderers/fixtures.js';
import { runLadder } from '../unit/cli-run.js';

type Obj = { kind: string; apiVersion: string; metadata: { name: string; namespace?: string }; spec?: Record<string, unknown> };
const objectsOf = (stdout: string) => parseAllDocuments(stdout).map((doc) => doc.toJS() as Obj);
const imagesOf = (objects: Obj[]) =>
  objects.flatMap((o) => ((o.spec?.['template'] as { spec?: { containers?: { image: string }[] } } | undefined)?.spec?.containers ?? []).map((c) => c.image));
const env = toolEnv();
const scratch: string[] = [];
after(async () => Promise.all(scratch.map((dir) => rm(dir, { recursive: true, force: true }))));

describe('ladder render with render: helm', { concurrency: 4 }, () => {
  it("renders helm create's chart per environment: values per environment, the commit's image through the values, one file per resource", async () => {
    const config = join(renderersFixtures, '.github', 'helm.yml');
    const [dev, prd, again] = await Promise.all(
      ['dev', 'prd', 'dev'].map((name) => runLadder(['render', '--config', config, '--env', name, '--sha', sha, '--image-digest', digest], { env })),
    );
    for (const result of [dev, prd, again]) assert.equal(result!.code, 0, result!.stderr);
    assert.equal(dev!.stdout, again!.stdout, 'the same inputs render the same bytes');
    const devObjects = objectsOf(dev!.stdout);
    assert.deepEqual(devObjects.map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`), ['Deployment/shop-dev/checkout', 'Service/shop-dev/checkout', 'ServiceAccount/shop-dev/checkout']);
    assert.deepEqual(imagesOf(devObjects), [`registry.example.com/shop/checkout:${sha}@${digest}`]);
    // values.default.replicaCount 1, values.prd.replicaCount 3.
    const replicas = (objects: Obj[]) => objects.find((o) => o.kind === 'Deployment')!.spec!['replicas'];
    assert.equal(replicas(devObjects), 1);
    assert.equal(replicas(objectsOf(prd!.stdout)), 3);
    // Neither the chart's test Pod (templates/tests) nor NOTES.txt is a manifest.
    assert.doesNotMatch(dev!.stdout, /test-connection|wget/);
  });

  it("renders Helm's own subchart test chart: subcharts, CRDs and the chart's templates in subdirectories", async () => {
    const repo = await scratchRepo({ '.github/ladder.yml': ladderYml('render: helm\nhelm:\n  chart: chart') }, { chart: 'helm/subchart' });
    scratch.push(repo);
    const out = join(repo, 'out');
    const result = await runLadder(['render', '--config', join(repo, '.github/ladder.yml'), '--env', 'stg', '--sha', sha, '--out', out], { env });
    assert.equal(result.code, 0, result.stderr);
    const written = result.stdout.trim().split('\n').map((path) => path.slice(out.length + 1));
    assert.ok(written.includes('customresourcedefinition-testcrds.testcrdgroups.example.com.yaml'), `the chart's crds/ are rendered: ${written.join(', ')}`);
    assert.ok(written.includes('service-subcharta.yaml') && written.includes('service-subchartb.yaml'), `subcharts render: ${written.join(', ')}`);
    assert.ok(written.includes('role-subchart-role.yaml') && written.includes('rolebinding-subchart-binding.yaml'), `templates/subdir renders: ${written.join(', ')}`);
    assert.ok(!written.some((file) => file.startsWith('pod-')), `the chart's tests (test Pods) are left out: ${written.join(', ')}`);
    const service = await readFile(join(out, 'service-subcharta.yaml'), 'utf8');
    assert.match(service, /^apiVersion: v1\nkind: Service\nmetadata:\n {2}name: subcharta\n {2}namespace: shop-stg\n/);
  });

  it("names the chart template and line of a Helm error (Helm's chart-with-template-with-invalid-yaml)", async () => {
    const repo = await scratchRepo({ '.github/ladder.yml': ladderYml('render: helm\nhelm:\n  chart: deploy/chart') }, { 'deploy/chart': 'helm/invalid-yaml' });
    scratch.push(repo);
    const result = await runLadder(['render', '--config', join(repo, '.github/ladder.yml'), '--env', 'dev', '--sha', sha], { env, cwd: repo });
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /^ladder render: deploy\/chart\/templates\/alpine-pod\.yaml:11: helm template failed: YAML parse error/m);
    assert.doesNotMatch(result.stderr, /ladder-render-|\/tmp\//, 'the temporary directory is not shown');
    assert.equal(result.stdout, '');
  });

  it('names a template error at its file, line and column', async () => {
    const repo = await scratchRepo(
      { '.github/ladder.yml': ladderYml('render: helm\nhelm:\n  chart: chart'), 'chart/Chart.yaml': 'apiVersion: v2\nname: broken\nversion: 0.1.0\n', 'chart/templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: {{ .Values.nope.deeper }}\n' },
    );
    scratch.push(repo);
    const result = await runLadder(['render', '--config', join(repo, '.github/ladder.yml'), '--env', 'dev', '--sha', sha], { env, cwd: repo });
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /^ladder render: chart\/templates\/cm\.yaml:6:15: helm template failed: [^]*nil pointer evaluating interface \{\}\.deeper/);
  });
});

describe('ladder render with render: kustomize', { concurrency: 4 }, () => {
  it("builds kustomize's ldap example per environment: each overlay, the image through images:, byte-identical again", async () => {
    const config = join(renderersFixtures, '.github', 'kustomize.yml');
    const [stg, prd, again] = await Promise.all(
      ['stg', 'prd', 'stg'].map((name) => runLadder(['render', '--config', config, '--env', name, '--sha', sha, '--image-digest', digest], { env })),
    );
    for (const result of [stg, prd, again]) assert.equal(result!.code, 0, result!.stderr);
    assert.equal(stg!.stdout, again!.stdout);
    const names = (stdout: string) => objectsOf(stdout).map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`);
    assert.deepEqual(names(stg!.stdout), [
      'ConfigMap/ldap-stg/staging-env-config-42m8gk5kg2',
      'ConfigMap/ldap-stg/staging-ldap-configmap-4d7m6k5b42',
      'Deployment/ldap-stg/staging-ldap',
      'Service/ldap-stg/staging-ldap-service',
    ]);
    assert.deepEqual(names(prd!.stdout), ['ConfigMap/ldap-prd/production-ldap-configmap-4d7m6k5b42', 'Deployment/ldap-prd/production-ldap', 'Service/ldap-prd/production-ldap-service']);
    assert.deepEqual(imagesOf(objectsOf(prd!.stdout)), [`osixia/openldap:${sha}@${digest}`]);
  });

  it("builds kustomize's multibases example with an overlay named per environment, and `overlays/<env>` by default", async () => {
    const repo = await scratchRepo(
      { '.github/ladder.yml': ladderYml('render: kustomize\nkustomize:\n  root: k\n  overlays:\n    stg: staging\n    prd: production'), 'k/overlays/dev/kustomization.yaml': 'resources:\n- ../../base\nnamePrefix: dev-\n' },
      { k: 'kustomize/multibases' },
    );
    scratch.push(repo);
    const out = join(repo, 'out');
    const result = await runLadder(['render', '--config', join(repo, '.github/ladder.yml'), '--all-envs', '--sha', sha, '--out', out], { env });
    assert.equal(result.code, 0, result.stderr);
    for (const [name, prefix] of [['dev', 'dev'], ['stg', 'staging'], ['prd', 'prod']] as const) {
      const pod = await readFile(join(out, name, `pod-${prefix}-myapp-pod.yaml`), 'utf8');
      assert.match(pod, new RegExp(`namespace: shop-${name}\n`));
      // The example's image is nginx:1.7.9, not the service's image: images: leaves it alone, and validation will say so.
      assert.match(pod, /image: nginx:1\.7\.9\n/);
    }
  });

  it('names the file of a kustomize error, without the temporary directory', async () => {
    const repo = await scratchRepo({
      '.github/ladder.yml': ladderYml('render: kustomize\nkustomize:\n  root: k'),
      'k/overlays/dev/kustomization.yaml': 'resources:\n- ../../base\n',
      'k/base/kustomization.yaml': 'resources:\n- cm.yaml\n',
      'k/base/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  b: [\n',
    });
    scratch.push(repo);
    const result = await runLadder(['render', '--config', join(repo, '.github/ladder.yml'), '--env', 'dev', '--sha', sha], { env, cwd: repo });
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /^ladder render: k\/base\/cm\.yaml:5: kustomize build failed: .*MalformedYAMLError/m);
    assert.doesNotMatch(result.stderr, /ladder-render-|\/tmp\//, 'the temporary directory is not shown');
  });

  it('refuses a reference that is missing from the tree before kustomize runs, at its line', async () => {
    const repo = await scratchRepo({ '.github/ladder.yml': ladderYml('render: kustomize\nkustomize:\n  root: k'), 'k/overlays/dev/kustomization.yaml': 'namePrefix: x-\nresources:\n- missing.yaml\n' });
    scratch.push(repo);
    const result = await runLadder(['render', '--config', join(repo, '.github/ladder.yml'), '--env', 'dev', '--sha', sha], { env, cwd: repo });
    assert.equal(result.code, 1, result.stderr);
    assert.equal(result.stderr, 'ladder render: k/overlays/dev/kustomization.yaml:3 (resources[0]): "missing.yaml" is not a file or directory inside k; Ladder builds only from inside it\n');
  });

  it('validates what it rendered with `ladder validate`, like Handlebars output', async () => {
    const repo = await scratchRepo({}, {});
    scratch.push(repo);
    const out = join(repo, 'out');
    const config = join(renderersFixtures, '.github', 'kustomize.yml');
    const rendered = await runLadder(['render', '--config', config, '--env', 'prd', '--sha', sha, '--out', out], { env });
    assert.equal(rendered.code, 0, rendered.stderr);
    const validated = await runLadder(['validate', '--config', config, '--env', 'prd', out], { env });
    assert.equal(validated.code, 1, validated.stdout);
    // The 2019 example's apps/v1beta2 Deployment and its root container are caught as in any manifest.
    assert.match(validated.stdout, /deployment-production-ldap\.yaml:2:\d+ +error +schema .*apps\/v1beta2/);
    assert.match(validated.stdout, /error +run-as-root +Deployment\/production-ldap/);
  });
});
