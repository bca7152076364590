// Issue 15, "Done when": a service rendered from a Helm chart and one rendered from Kustomize
// overlays are promoted dev → stg → prd like a Handlebars service, with the same validation and
// PR body, through the App against the GitHub bed and the real helm and kustomize binaries.
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseTrailers } from '../../src/core/promotion/trailers.js';
import { installationOctokit } from '../bed/github/index.js';
import { branchSha, commitMessageOf, pullsInto, repoParams, reportDeployment, tryMergeAs } from '../support/promotion-fixtures.js';
import { annotationsOf, checkRunsOf } from '../support/app-promotion.js';
import { renderersFixtures, useAppHarnessWithTools } from '../support/renderers/fixtures.js';
import { environmentLines } from '../support/github-service.js';

// helm create's chart, made to pass Ladder's policy through the values alone.
const helmConfig = [
  'service: checkout',
  'image: registry.example.com/shop/checkout',
  'manifests:',
  '  repo: shop/checkout-manifests',
  '  render: helm',
  '  helm: { chart: deploy/chart }',
  ...environmentLines('checkout'),
  'values:',
  '  default:',
  '    securityContext: { runAsNonRoot: true, runAsUser: 10001, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: [ALL] } }',
  '    podSecurityContext: { seccompProfile: { type: RuntimeDefault } }',
  '    resources: { requests: { cpu: 50m, memory: 64Mi }, limits: { memory: 128Mi } }',
  '  prd:',
  '    replicaCount: 3',
  '',
].join('\n');

const kustomizeConfig = [
  'service: catalog',
  'image: registry.example.com/shop/catalog',
  'manifests:',
  '  repo: shop/catalog-manifests',
  '  render: kustomize',
  '  kustomize: { root: deploy }',
  ...environmentLines('catalog'),
  '',
].join('\n');

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: catalog
  labels: { app.kubernetes.io/name: catalog, app.kubernetes.io/version: v, app.kubernetes.io/managed-by: ladder }
spec:
  replicas: 1
  selector: { matchLabels: { app.kubernetes.io/name: catalog } }
  template:
    metadata:
      labels: { app.kubernetes.io/name: catalog, app.kubernetes.io/version: v, app.kubernetes.io/managed-by: ladder }
    spec:
      securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: RuntimeDefault } }
      containers:
        - name: catalog
          image: registry.example.com/shop/catalog:placeholder
          ports: [{ name: http, containerPort: 8080 }]
          readinessProbe: { httpGet: { path: /ready, port: http } }
          livenessProbe: { httpGet: { path: /live, port: http } }
          resources: { requests: { cpu: 50m, memory: 64Mi }, limits: { memory: 128Mi } }
          securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: [ALL] } }
`;
const kustomizeTree: Record<string, string> = {
  'deploy/base/kustomization.yaml': 'resources:\n- deployment.yaml\n',
  'deploy/base/deployment.yaml': deployment,
  'deploy/overlays/dev/kustomization.yaml': 'resources:\n- ../../base\n',
  'deploy/overlays/stg/kustomization.yaml': 'resources:\n- ../../base\n',
  'deploy/overlays/prd/kustomization.yaml': 'resources:\n- ../../base\npatches:\n- target: { kind: Deployment, name: catalog }\n  patch: |\n    - op: replace\n      path: /spec/replicas\n      value: 3\n',
};

async function chartFiles(): Promise<Record<string, string>> {
  const dir = join(renderersFixtures, 'helm', 'checkout');
  const files: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files[`deploy/chart/${path.slice(dir.length + 1)}`] = await readFile(path, 'utf8');
  }
  return files;
}

describe('end to end: Helm and Kustomize services promoted like a Handlebars service', () => {
  const harness = useAppHarnessWithTools();

  const versionAt = (repo: string, ref: string) =>
    parseTrailers(commitMessageOf(harness.github, repo, ref)) ?? parseTrailers(commitMessageOf(harness.github, repo, `${ref}^2`));

  for (const [render, config, files, image, replicasFile] of [
    ['helm', helmConfig, chartFiles, 'registry.example.com/shop/checkout', 'deployment-checkout.yaml'],
    ['kustomize', kustomizeConfig, async () => kustomizeTree, 'registry.example.com/shop/catalog', 'deployment-catalog.yaml'],
  ] as const) {
    it(`promotes a render: ${render} service from a code merge through dev and stg to prd, validated, with the promotion PR body`, async () => {
      const repos = await harness.createService({ service: config.split('\n')[0]!.slice('service: '.length), config });
      const code = await harness.mergePullRequest(repos.codeRepo, { files: await files() });
      await harness.settled();

      // dev: validated and auto-merged, carrying the commit's image set through the renderer.
      const [devPull] = await pullsInto(harness.github, repos.manifestRepo, 'dev', 'all');
      assert.ok(devPull, `a dev promotion PR; App logs:\n${harness.logs.filter((line) => /"level":(40|50)/.test(line)).join('\n')}`);
      const { data: checks } = await installationOctokit(harness.github, repos.manifestRepo).rest.checks.listForRef({ ...repoParams(repos.manifestRepo), ref: devPull.head.sha, check_name: 'ladder/validate' });
      assert.equal(checks.check_runs[0]?.conclusion, 'success', checks.check_runs[0]?.output?.text ?? 'no check run');
      assert.ok(devPull.merged_at, 'dev auto-merged');
      assert.match(devPull.body ?? '', new RegExp(`^## Promote \`${config.split('\n')[0]!.slice(9)}\` to \`dev\``, 'm'));
      assert.match(devPull.body ?? '', new RegExp(`\\| Image \\| \`${image}:${code.mergeSha}\` \\|`));
      assert.match(devPull.body ?? '', /### Resources\n/);
      const devHead = await branchSha(harness.github, repos.manifestRepo, 'dev');
      const expected = `${image}:${code.mergeSha}`;
      assert.equal(versionAt(repos.manifestRepo, devHead)?.image, expected);
      const { data: devFile } = await installationOctokit(harness.github, repos.manifestRepo).rest.repos.getContent({ ...repoParams(repos.manifestRepo), path: replicasFile, ref: 'dev' });
      const devYaml = Buffer.from((devFile as { content: string }).content, 'base64').toString('utf8');
      assert.match(devYaml, new RegExp(`image: ${expected.replace(/[.]/g, '\\.')}\n`), 'the image reached the manifest through the renderer');
      assert.match(devYaml, /replicas: 1\n/);

      // stg and prd: promoted with the same image once the environment before reports a healthy deployment.
      for (const [from, to] of [['dev', 'stg'], ['stg', 'prd']] as const) {
        await reportDeployment(harness.github, repos.manifestRepo, { environment: from, sha: await branchSha(harness.github, repos.manifestRepo, from), state: 'success' });
        await harness.settled();
        const [pull] = await pullsInto(harness.github, repos.manifestRepo, to);
        assert.ok(pull, `${to} promotion PR opened`);
        assert.equal(versionAt(repos.manifestRepo, pull.head.sha)?.image, expected, `${to} carries the image ${from} runs`);
        assert.match(pull.body ?? '', new RegExp(`to \`${to}\``));
        assert.equal((await tryMergeAs(harness.github, 'dev', repos.manifestRepo, pull.number)).status, 200);
        await harness.settled();
      }
      const { data: prdFile } = await installationOctokit(harness.github, repos.manifestRepo).rest.repos.getContent({ ...repoParams(repos.manifestRepo), path: replicasFile, ref: 'prd' });
      const prdYaml = Buffer.from((prdFile as { content: string }).content, 'base64').toString('utf8');
      assert.match(prdYaml, /replicas: 3\n/, "prd's own values or overlay");
      assert.match(prdYaml, new RegExp(`namespace: ${config.split('\n')[0]!.slice(9)}\n`));
    });
  }

  it('reports a chart error on the check run at the chart template and line', async () => {
    const config = helmConfig.replace('service: checkout', 'service: broken').replace('shop/checkout-manifests', 'shop/broken-manifests').replace(/checkout(-dev|-stg)?\n/g, 'broken$1\n');
    const repos = await harness.createService({ service: 'broken', config });
    const files = await chartFiles();
    files['deploy/chart/templates/service.yaml'] = '{{ .Values.nope.deeper }}\n';
    const merged = await harness.mergePullRequest(repos.codeRepo, { files });
    await harness.settled();
    const runs = (await checkRunsOf(harness, repos.codeRepo, merged.mergeSha)).filter((run) => run.conclusion === 'failure');
    assert.equal(runs.length, 1, JSON.stringify(runs.map((run) => run.output.title)));
    assert.equal(runs[0]!.output.title, 'Rendering for dev failed');
    assert.match(runs[0]!.output.summary ?? '', /deploy\/chart\/templates\/service\.yaml:1:\d+: helm template failed: [^]*nil pointer/);
    const annotations = await annotationsOf(harness, repos.codeRepo, runs[0]!.id);
    assert.deepEqual(annotations.map((a) => [a.path, a.start_line]), [['deploy/chart/templates/service.yaml', 1]]);
    assert.equal((await pullsInto(harness.github, repos.manifestRepo, 'dev', 'all')).length, 0, 'nothing is promoted');
  });
});
