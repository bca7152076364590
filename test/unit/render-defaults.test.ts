import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { readTemplates } from '../../src/adapters/fs/templates.js';
import type { LadderConfig } from '../../src/core/config/schema.js';
import type { KubeObject } from '../../src/core/manifests/document.js';
import { parseManifests } from '../../src/core/manifests/parse.js';
import { renderEnvironment, type RenderedFile, type TemplateFile } from '../../src/core/render/render.js';
import { createSchemaValidator } from '../../src/core/validate/schema/validator.js';
import { validateDocuments } from '../../src/core/validate/run.js';
import { configWith, exampleConfig, fixturesDir, sha } from '../fixtures/templates/render-input.js';

// Ladder's default templates (templates/manifests) rendered for the example
// config: dev with values.default, stg adding an ingress, prd overriding sizes.

let templates: TemplateFile[];
before(async () => {
  templates = await readTemplates();
});

const config = exampleConfig();
const environments = ['dev', 'stg', 'prd'] as const;
const namespaceOf = (env: string) => config.environments.find((e) => e.name === env)!.namespace;

function renderFor(env: string, cfg: LadderConfig = config): RenderedFile[] {
  return renderEnvironment({ config: cfg, environment: env, sha, templates });
}

function objects(files: readonly RenderedFile[]): Record<string, KubeObject> {
  return Object.fromEntries(files.map((f) => [f.kind, parseManifests(f.content, f.path).documents[0]!.object]));
}

const at = (value: unknown, ...path: (string | number)[]): unknown =>
  path.reduce<unknown>((node, key) => (node as Record<string | number, unknown> | undefined)?.[key], value);

describe('default templates', () => {
  it('render the expected files in each environment; the Ingress only where values.ingress is set', () => {
    const base = [
      'configmap-checkout.yaml',
      'deployment-checkout.yaml',
      'horizontalpodautoscaler-checkout.yaml',
      'poddisruptionbudget-checkout.yaml',
      'service-checkout.yaml',
    ];
    assert.deepEqual(renderFor('dev').map((f) => f.path), base);
    const withIngress = [...base.slice(0, 3), 'ingress-checkout.yaml', ...base.slice(3)];
    assert.deepEqual(renderFor('stg').map((f) => f.path), withIngress);
    assert.deepEqual(renderFor('prd').map((f) => f.path), withIngress);
  });

  for (const version of ['1.34', '1.35', '1.36']) {
    it(`pass the Kubernetes ${version} schema and the best-practice policy with no finding`, () => {
      const bundle = JSON.parse(readFileSync(new URL(`../../src/schemas/kubernetes/v${version}.json`, import.meta.url), 'utf8')) as never;
      const schema = createSchemaValidator(bundle);
      for (const env of environments) {
        const files = renderEnvironment({ config, environment: env, sha, templates, isNamespaced: schema.isNamespaced });
        const documents = files.flatMap((f) => parseManifests(f.content, f.path).documents);
        const report = validateDocuments(documents, { schema, namespace: namespaceOf(env), commitSha: sha, image: config.image });
        assert.deepEqual(report.findings, [], `${env}: ${report.findings.map((f) => `${f.file}:${f.line} ${f.rule} ${f.message}`).join('; ')}`);
        assert.equal(report.resources, files.length);
      }
    });
  }

  it('label every resource and pod template with the standard labels, and select without the version', () => {
    for (const env of environments) {
      const rendered = objects(renderFor(env));
      const labels = {
        'app.kubernetes.io/instance': `checkout-${env}`,
        'app.kubernetes.io/managed-by': 'ladder',
        'app.kubernetes.io/name': 'checkout',
        'app.kubernetes.io/version': sha,
      };
      const selector = { 'app.kubernetes.io/instance': `checkout-${env}`, 'app.kubernetes.io/name': 'checkout' };
      for (const [kind, object] of Object.entries(rendered)) {
        assert.deepEqual(at(object, 'metadata', 'labels'), labels, `${env} ${kind}`);
        assert.equal(at(object, 'metadata', 'namespace'), namespaceOf(env), `${env} ${kind}`);
      }
      assert.deepEqual(at(rendered['Deployment'], 'spec', 'template', 'metadata', 'labels'), labels);
      assert.deepEqual(at(rendered['Deployment'], 'spec', 'selector', 'matchLabels'), selector);
      assert.deepEqual(at(rendered['Service'], 'spec', 'selector'), selector);
      assert.deepEqual(at(rendered['PodDisruptionBudget'], 'spec', 'selector', 'matchLabels'), selector);
    }
  });

  it('leave replicas to the HorizontalPodAutoscaler and size it from the values', () => {
    const dev = objects(renderFor('dev'));
    const prd = objects(renderFor('prd'));
    assert.equal(at(dev['Deployment'], 'spec', 'replicas'), undefined);
    assert.equal(at(prd['Deployment'], 'spec', 'replicas'), undefined);
    assert.deepEqual(at(dev['HorizontalPodAutoscaler'], 'spec', 'scaleTargetRef'), { apiVersion: 'apps/v1', kind: 'Deployment', name: 'checkout' });
    assert.deepEqual([at(dev['HorizontalPodAutoscaler'], 'spec', 'minReplicas'), at(dev['HorizontalPodAutoscaler'], 'spec', 'maxReplicas')], [2, 4]);
    assert.deepEqual([at(prd['HorizontalPodAutoscaler'], 'spec', 'minReplicas'), at(prd['HorizontalPodAutoscaler'], 'spec', 'maxReplicas')], [3, 10]);
  });

  it('set requests and limits from values.default, overridden per environment', () => {
    const container = (env: string) => at(objects(renderFor(env))['Deployment'], 'spec', 'template', 'spec', 'containers', 0);
    assert.deepEqual(at(container('dev'), 'resources'), { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '250m', memory: '256Mi' } });
    assert.deepEqual(at(container('prd'), 'resources'), { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } });
    assert.equal(at(container('prd'), 'image'), `registry.example.com/shop/checkout:${sha}`);
  });

  it('run the container locked down', () => {
    const pod = at(objects(renderFor('dev'))['Deployment'], 'spec', 'template', 'spec');
    assert.deepEqual(at(pod, 'securityContext'), { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    assert.deepEqual(at(pod, 'containers', 0, 'securityContext'), {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
    });
    assert.equal(at(pod, 'automountServiceAccountToken'), false);
  });

  it('store env as strings in the ConfigMap, merged per environment, and roll pods when it changes', () => {
    const dev = objects(renderFor('dev'));
    const prd = objects(renderFor('prd'));
    assert.deepEqual(at(dev['ConfigMap'], 'data'), { FEATURE_NEW_CART: 'on', LOG_LEVEL: 'info', PORT: '8080' });
    assert.deepEqual(at(prd['ConfigMap'], 'data'), { FEATURE_NEW_CART: 'on', LOG_LEVEL: 'warn', PORT: '8080' });
    const checksum = (o: Record<string, KubeObject>) => at(o['Deployment'], 'spec', 'template', 'metadata', 'annotations', 'checksum/config');
    assert.match(String(checksum(dev)), /^[0-9a-f]{16}$/);
    assert.notEqual(checksum(dev), checksum(prd));
    assert.equal(checksum(objects(renderFor('stg'))), checksum(dev), 'same env, same checksum');
  });

  it('render with no values at all, using their documented defaults', () => {
    const bare = configWith();
    const rendered = objects(renderEnvironment({ config: bare, environment: 'dev', sha, templates }));
    const container = at(rendered['Deployment'], 'spec', 'template', 'spec', 'containers', 0);
    assert.deepEqual(at(container, 'resources'), { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '100m', memory: '128Mi' } });
    assert.deepEqual(at(container, 'ports'), [{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
    assert.equal(at(container, 'livenessProbe', 'httpGet', 'path'), '/healthz');
    assert.deepEqual(at(rendered['ConfigMap'], 'data'), {});
    assert.deepEqual(at(rendered['Service'], 'spec', 'ports'), [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }]);
    assert.equal(at(rendered['PodDisruptionBudget'], 'spec', 'maxUnavailable'), 1);
    assert.equal(rendered['Ingress'], undefined);
  });

  it('take probes, user, limits and ingress options from the values', () => {
    const values = {
      livenessProbe: { tcpSocket: { port: 'http' }, periodSeconds: 20 },
      readyPath: '/ready',
      runAsUser: 10001,
      cpuLimit: '2',
      ingress: { host: 'shop.example.com', path: '/api', annotations: { 'nginx.ingress.kubernetes.io/rewrite-target': '/' } },
    };
    const rendered = objects(renderEnvironment({ config: configWith(values), environment: 'dev', sha, templates }));
    const pod = at(rendered['Deployment'], 'spec', 'template', 'spec');
    assert.deepEqual(at(pod, 'containers', 0, 'livenessProbe'), values.livenessProbe);
    assert.equal(at(pod, 'containers', 0, 'readinessProbe', 'httpGet', 'path'), '/ready');
    assert.equal(at(pod, 'securityContext', 'runAsUser'), 10001);
    assert.equal(at(pod, 'containers', 0, 'resources', 'limits', 'cpu'), '2');
    const ingress = rendered['Ingress'];
    assert.deepEqual(at(ingress, 'metadata', 'annotations'), values.ingress.annotations);
    assert.equal(at(ingress, 'spec', 'rules', 0, 'http', 'paths', 0, 'path'), '/api');
    assert.equal(at(ingress, 'spec', 'ingressClassName'), undefined);
    assert.equal(at(ingress, 'spec', 'tls'), undefined);
  });

  it('drop the Ingress in an environment that sets values.ingress to null', () => {
    const cfg = configWith({ ingress: { host: 'shop.example.com' } });
    cfg.values['dev'] = { ingress: null };
    assert.ok(!renderEnvironment({ config: cfg, environment: 'dev', sha, templates }).some((f) => f.kind === 'Ingress'));
  });

  it('refuse an ingress without a host, naming the key', () => {
    assert.throws(
      () => renderEnvironment({ config: configWith({ ingress: { className: 'nginx' } }), environment: 'dev', sha, templates }),
      (error: Error) => /ingress\.yaml\.hbs:\d+:\d+ \(values\.ingress\.host\): "values\.ingress\.host" is not defined/.test(error.message),
    );
  });

  // The rendered prd manifests, byte for byte. When a template changes on
  // purpose, regenerate with UPDATE_GOLDEN=1 and review the diff.
  it('render prd exactly as test/fixtures/templates/expected/prd', () => {
    const dir = join(fixturesDir, 'expected', 'prd');
    const files = renderFor('prd');
    if (process.env['UPDATE_GOLDEN'] === '1') {
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      for (const f of files) writeFileSync(join(dir, f.path), f.content);
    }
    assert.deepEqual(readdirSync(dir).sort(), files.map((f) => f.path));
    for (const f of files) assert.equal(f.content, readFileSync(join(dir, f.path), 'utf8'), f.path);
  });
});
