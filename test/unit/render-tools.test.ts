import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfig } from '../../src/core/config/load.js';
import { helmError, kustomizeError } from '../../src/core/render/tools/errors.js';
import { checkKustomizeReferences } from '../../src/core/render/tools/kustomize-refs.js';
import type { ManifestTools } from '../../src/core/render/tools/port.js';
import { renderWithTool } from '../../src/core/render/tools/render.js';
import { resourcesFromStream } from '../../src/core/render/tools/stream.js';
import { LadderInputError } from '../../src/core/errors.js';

const sha = '0123456789abcdef0123456789abcdef01234567';
const text = (files: Record<string, string>) => ({ root: 'deploy', files: Object.entries(files).map(([path, content]) => ({ path, content: new TextEncoder().encode(content) })) });
const config = (manifests: string) =>
  parseConfig(`service: web\nimage: r.example/web\nmanifests:\n  repo: o/m\n${manifests}\nenvironments:\n  - { name: dev, from: { branch: main }, namespace: web-dev }\nvalues:\n  default: { image: { pullPolicy: Always }, replicas: 2 }\n`, 'ladder.yml');

describe('external renderers (pure parts)', () => {
  it("names each document of Helm's stream after its chart template, subcharts included", () => {
    const stream = '---\n# Source: web/templates/a.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\n# Source: web/charts/db/templates/b.yaml\napiVersion: v1\nkind: Secret\nmetadata:\n  name: b\n';
    assert.deepEqual(resourcesFromStream(stream, 'deploy/chart', 'deploy/chart').map((r) => r.template), ['deploy/chart/templates/a.yaml', 'deploy/chart/charts/db/templates/b.yaml']);
    assert.throws(() => resourcesFromStream('# Source: web/templates/c.yaml\napiVersion: v1\nkind: ConfigMap\n', 'deploy/chart', 'deploy/chart'), /^LadderInputError: deploy\/chart\/templates\/c\.yaml \(metadata\.name\): document 1 \(rendered line 2\) has no metadata\.name/);
  });

  it('locates Helm and kustomize errors in the code repository and hides the run directory', () => {
    const helm = helmError('Error: template: web/charts/db/templates/b.yaml:7:3: executing "x" at <.Values.a.b>: nil pointer\n', 'deploy/chart', '/tmp/ladder-render-x');
    assert.deepEqual(helm.location, { file: 'deploy/chart/charts/db/templates/b.yaml', line: 7, column: 3 });
    assert.deepEqual(helmError('Error: parse error at (web/templates/a.yaml:12): unexpected "}"', 'c', '/tmp/ladder-render-abc').location, { file: 'c/templates/a.yaml', line: 12 });
    assert.deepEqual(helmError('Error: validation: chart.metadata.version is required in Chart.yaml', 'c', '/tmp/ladder-render-abc').location, { file: 'c/Chart.yaml' });
    const kustomize = kustomizeError("Error: recursed accumulation of path '/tmp/r/tree/base': MalformedYAMLError: yaml: line 3: bad in File: cm.yaml", 'deploy', '/tmp/r', 'overlays/dev');
    assert.deepEqual(kustomize.location, { file: 'deploy/base/cm.yaml', line: 3 });
    assert.doesNotMatch(kustomize.message, /\/tmp\/r/);
  });

  it('refuses kustomize references that leave the tree or are remote, and helmCharts', () => {
    assert.doesNotThrow(() => checkKustomizeReferences(text({ 'overlays/dev/kustomization.yaml': 'resources:\n- ../../base\n- extra.yaml\n', 'overlays/dev/extra.yaml': '', 'base/kustomization.yaml': 'resources: []\n' })));
    assert.throws(() => checkKustomizeReferences(text({ 'kustomization.yaml': 'bases:\n- ../outside\n' })), /deploy\/kustomization\.yaml:2 \(bases\[0\]\): "\.\.\/outside" is not a file or directory inside deploy/);
    assert.throws(() => checkKustomizeReferences(text({ 'kustomization.yaml': 'resources:\n- https://example.com/x.yaml\n' })), /is a remote reference/);
    assert.throws(() => checkKustomizeReferences(text({ 'kustomization.yaml': 'resources:\n- /etc\n' })), /"\/etc" is not a file or directory inside deploy/);
    assert.throws(() => checkKustomizeReferences(text({ 'kustomization.yaml': 'helmCharts: []\n' })), /helmCharts is not supported/);
  });

  it("hands Helm the environment's values with the commit's image at the configured keys, and kustomize the image for images:", async () => {
    const jobs: unknown[] = [];
    const tools: ManifestTools = {
      helmTemplate: async (job) => (jobs.push(job), { stdout: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n' }),
      kustomizeBuild: async (job) => (jobs.push(job), { stdout: '' }),
    };
    const helm = config('  render: helm\n  helm: { chart: deploy, imageValues: { repository: app.image.repo, tag: image } }');
    await renderWithTool({ config: helm, environment: 'dev', sha, source: text({}), imageDigest: `sha256:${'a'.repeat(64)}` }, tools);
    assert.deepEqual((jobs[0] as { values: unknown }).values, { image: `${sha}@sha256:${'a'.repeat(64)}`, replicas: 2, app: { image: { repo: 'r.example/web' } } });
    const kustomize = config('  render: kustomize\n  kustomize: { root: deploy, overlays: { dev: envs/development } }');
    await renderWithTool({ config: kustomize, environment: 'dev', sha, source: text({}), imageTag: 'upstream-tag' }, tools);
    assert.deepEqual(jobs[1], { tree: text({}), overlay: 'envs/development', image: { name: 'r.example/web', newTag: 'upstream-tag' } });
  });

  it('holds tool output to the render budgets', async () => {
    const many = Array.from({ length: 4 }, (_, i) => `---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c${i}\n`).join('');
    const tools: ManifestTools = { helmTemplate: async () => ({ stdout: many }), kustomizeBuild: async () => ({ stdout: many }) };
    const helm = config('  render: helm\n  helm: { chart: deploy }');
    await assert.rejects(renderWithTool({ config: helm, environment: 'dev', sha, source: text({}), limits: { maxResources: 3 } }, tools), (error: unknown) => error instanceof LadderInputError && /rendered more than 3 resources/.test(error.message));
    await assert.rejects(renderWithTool({ config: helm, environment: 'dev', sha, source: text({}), limits: { maxOutputChars: 10 } }, tools), /rendered more than 10 characters/);
  });

  it('asks for the settings of the renderer chosen, and refuses those of another', () => {
    assert.throws(() => config('  render: helm'), /manifests\.render: render: helm needs manifests\.helm/);
    assert.throws(() => config('  render: kustomize\n  helm: { chart: c }\n  kustomize: { root: k }'), /manifests\.helm: helm is not used when the manifests render with kustomize/);
    assert.throws(() => config('  templates: t\n  render: helm\n  helm: { chart: c }'), /manifests\.templates: templates is not used when the manifests render with helm/);
    assert.throws(() => config('  render: kustomize\n  kustomize: { root: k, overlays: { prod: p } }'), /no environment named 'prod'/);
  });
});
