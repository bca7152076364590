import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadSchemaBundle } from '../../src/adapters/fs/schema-bundle.js';
import { parseManifests } from '../../src/core/manifests/parse.js';
import { validateDocuments } from '../../src/core/validate/run.js';
import { createSchemaValidator } from '../../src/core/validate/schema/index.js';

const schema = createSchemaValidator(await loadSchemaBundle('1.36'));

function deployment(containers: string): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: orders
  labels: { app.kubernetes.io/name: orders, app.kubernetes.io/version: "1", app.kubernetes.io/managed-by: ladder }
spec:
  selector: { matchLabels: { app.kubernetes.io/name: orders } }
  template:
    metadata: { labels: { app.kubernetes.io/name: orders, app.kubernetes.io/version: "1", app.kubernetes.io/managed-by: ladder } }
    spec:
      securityContext: { runAsNonRoot: true }
      containers:
${containers}`;
}
const good = `        - name: sidecar
          image: registry.example.com/proxy:2
          securityContext: { allowPrivilegeEscalation: false }
          resources: { requests: { cpu: 10m, memory: 32Mi }, limits: { memory: 32Mi } }
`;

function report(text: string) {
  return validateDocuments(parseManifests(text, 'deploy.yaml').documents, { schema }).findings.map((f) => `${f.line} ${f.rule}: ${f.message}`);
}

describe('root cause first', () => {
  it('an unknown field comes before the missing field it was meant to be, which says so', () => {
    const findings = report(deployment(`        - name: app
          image: registry.example.com/orders:1
          securityContext: { allowPrivilegeEscalation: false }
          resource: { requests: { cpu: 250m, memory: 256Mi }, limits: { memory: 256Mi } }
${good}`));
    assert.deepEqual(findings, [
      '16 schema: spec.template.spec.containers[0].resource: unknown field (did you mean resources?)',
      '13 missing-resources: container "app" lacks resources.requests.cpu (CPU request), resources.requests.memory (memory request) and resources.limits.memory (memory limit)' +
        " (probably because of the unknown field 'resource' at line 16: did you mean resources?)",
    ]);
  });

  it('findings on another object of the same list are not its consequences', () => {
    const findings = report(deployment(`        - name: app
          image: registry.example.com/orders:1
          securityContext: { allowPrivilegeEscalation: false }
          resources: { requests: { cpu: 250m, memory: 256Mi }, limits: { memory: 256Mi } }
        - name: worker
          image: registry.example.com/orders:1
          securityContext: { allowPrivilegeEscalation: false }
          resource: {}
        - name: late
          image: registry.example.com/orders:1
          securityContext: { allowPrivilegeEscalation: false }
`));
    const late = findings.filter((f) => f.includes('container "late"'));
    assert.ok(late.length > 0 && late.every((f) => !f.includes('probably because')), 'the third container lacks resources on its own');
    assert.ok(findings.filter((f) => f.includes('container "worker"')).every((f) => f.includes("probably because of the unknown field 'resource' at line 20")));
  });

  it('a typo next to the field it was meant to be explains nothing about that field', () => {
    const findings = report(deployment(`        - name: app
          image: registry.example.com/orders:1
          securityContext: { allowPrivilegeEscalation: false }
          resources: { requests: { cpu: 250m, memory: 256Mi }, limits: { memory: "lots" } }
          resource: { limits: { memory: 256Mi } }
${good}`));
    assert.ok(findings.some((f) => f.includes('resource: unknown field (did you mean resources?)')), findings.join('\n'));
    const quantity = findings.filter((f) => f.includes('resources.limits.memory'));
    assert.ok(quantity.length > 0, findings.join('\n'));
    assert.ok(quantity.every((f) => !f.includes('probably because')), 'resources is there: its own error is not the typo\'s consequence');
  });
});
