import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { at, findingsOf, yaml } from '../fixtures/policy/helpers.js';

/** A Pod whose container declares exactly what missing-resources requires. */
const sizedPod = yaml`
  apiVersion: v1
  kind: Pod
  metadata:
    name: web
  spec:
    containers:
      - name: app
        image: nginx:1.27
        resources:
          requests: { cpu: 100m, memory: 128Mi }
          limits: { memory: 128Mi }
`;

describe('missing-resources', () => {
  it('accepts CPU and memory requests with a memory limit, and no CPU limit', () => {
    assert.deepEqual(findingsOf('missing-resources', sizedPod), []);
  });

  it('reports a container without resources at the container, listing every missing field', () => {
    const findings = findingsOf('missing-resources', sizedPod.slice(0, sizedPod.indexOf('      resources:')));
    assert.deepEqual(findings.map(at), [{ rule: 'missing-resources', line: 7, column: 7 }]);
    assert.equal(
      findings[0]!.message,
      'container "app" lacks resources.requests.cpu (CPU request), resources.requests.memory (memory request) and resources.limits.memory (memory limit)',
    );
  });

  it('reports a missing memory limit at the limits block', () => {
    const findings = findingsOf('missing-resources', sizedPod.replace('limits: { memory: 128Mi }', 'limits: { cpu: "1" }'));
    assert.deepEqual(findings.map(at), [{ rule: 'missing-resources', line: 11, column: 17 }]);
    assert.equal(findings[0]!.message, 'container "app" lacks resources.limits.memory (memory limit)');
  });

  it('counts limits as requests, because Kubernetes copies a limit into a missing request', () => {
    const limitsOnly = sizedPod.replace('requests: { cpu: 100m, memory: 128Mi }', 'limits: { cpu: 100m, memory: 128Mi }').replace('        limits: { memory: 128Mi }\n', '');
    assert.deepEqual(findingsOf('missing-resources', limitsOnly), []);
  });

  it('checks init containers but not ephemeral containers, whose resources the API refuses', () => {
    const pod = `${sizedPod}  initContainers:\n    - name: migrate\n      image: flyway/flyway:10\n  ephemeralContainers:\n    - name: debug\n      image: busybox:1.36\n`;
    const findings = findingsOf('missing-resources', pod);
    assert.deepEqual(findings.map(at), [{ rule: 'missing-resources', line: 13, column: 7 }]);
    assert.match(findings[0]!.message, /^init container "migrate" lacks /);
  });

  it('accepts pod-level resources in place of container resources', () => {
    const podLevel = yaml`
      apiVersion: v1
      kind: Pod
      metadata:
        name: web
      spec:
        resources:
          requests: { cpu: 100m, memory: 128Mi }
          limits: { memory: 128Mi }
        containers:
          - name: app
            image: nginx:1.27
    `;
    assert.deepEqual(findingsOf('missing-resources', podLevel), []);
  });
});
