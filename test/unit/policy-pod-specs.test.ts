import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findPodSpec, listContainers } from '../../src/core/validate/policy/pod-specs.js';
import { at, context, findingsOf, yaml } from '../fixtures/policy/helpers.js';

const podSpec = { containers: [{ name: 'app' }] };

describe('findPodSpec', () => {
  const cases: [string, string, readonly (string | number)[]][] = [
    ['v1', 'Pod', ['spec']],
    ['v1', 'ReplicationController', ['spec', 'template', 'spec']],
    ['apps/v1', 'Deployment', ['spec', 'template', 'spec']],
    ['apps/v1', 'StatefulSet', ['spec', 'template', 'spec']],
    ['apps/v1', 'DaemonSet', ['spec', 'template', 'spec']],
    ['apps/v1', 'ReplicaSet', ['spec', 'template', 'spec']],
    ['batch/v1', 'Job', ['spec', 'template', 'spec']],
    ['batch/v1', 'CronJob', ['spec', 'jobTemplate', 'spec', 'template', 'spec']],
  ];
  for (const [apiVersion, kind, path] of cases) {
    it(`finds the pod spec of a ${kind} at ${path.join('.')}`, () => {
      const object: Record<string, unknown> = { apiVersion, kind };
      let node = object;
      for (const key of path.slice(0, -1)) node = (node[key as string] = {}) as Record<string, unknown>;
      node.spec = podSpec;
      const found = findPodSpec(object);
      assert.deepEqual(found?.path, path);
      assert.equal(found?.spec, podSpec);
      assert.deepEqual(found?.templatePath, kind === 'Pod' ? undefined : path.slice(0, -1));
    });
  }

  it('ignores a custom resource that reuses a workload kind name in another API group', () => {
    assert.equal(findPodSpec({ apiVersion: 'example.com/v1', kind: 'Deployment', spec: { template: { spec: podSpec } } }), undefined);
  });

  it('ignores a workload whose pod spec is missing or not a mapping', () => {
    assert.equal(findPodSpec({ apiVersion: 'apps/v1', kind: 'Deployment', spec: { template: { spec: 'x' } } }), undefined);
    assert.equal(findPodSpec({ apiVersion: 'apps/v1', kind: 'Deployment' }), undefined);
  });
});

describe('listContainers', () => {
  it('lists containers, init containers and ephemeral containers with their key paths', () => {
    const pod = findPodSpec({
      apiVersion: 'v1',
      kind: 'Pod',
      spec: { containers: [{ name: 'app' }, { name: 'proxy' }], initContainers: [{ name: 'migrate' }], ephemeralContainers: [{}] },
    })!;
    assert.deepEqual(
      listContainers(pod).map(({ path, name, role }) => ({ path, name, role })),
      [
        { path: ['spec', 'containers', 0], name: 'app', role: 'container' },
        { path: ['spec', 'containers', 1], name: 'proxy', role: 'container' },
        { path: ['spec', 'initContainers', 0], name: 'migrate', role: 'init container' },
        { path: ['spec', 'ephemeralContainers', 0], name: '#0', role: 'ephemeral container' },
      ],
    );
  });
});

describe('rules on nested pod specs', () => {
  const cronJob = yaml`
    apiVersion: batch/v1
    kind: CronJob
    metadata:
      name: nightly
    spec:
      schedule: "0 3 * * *"
      jobTemplate:
        spec:
          template:
            spec:
              restartPolicy: OnFailure
              initContainers:
                - name: wait-for-db
                  image: busybox:latest
                  securityContext:
                    privileged: true
              containers:
                - name: report
                  image: registry.example.com/shop/report:v2
  `;

  it('points into a CronJob init container at spec.jobTemplate.spec.template.spec.initContainers', () => {
    const [mutable] = findingsOf('image-tag-mutable', cronJob, context);
    assert.deepEqual(at(mutable), { rule: 'image-tag-mutable', line: 14, column: 22 });
    assert.match(mutable!.message, /^init container "wait-for-db": image busybox uses the tag "latest"/);
    const [privileged] = findingsOf('privileged', cronJob, context);
    assert.deepEqual(at(privileged), { rule: 'privileged', line: 16, column: 29 });
    assert.match(privileged!.message, /^init container "wait-for-db" sets securityContext\.privileged: true/);
  });

  it('checks the CronJob main container too, and only the service image against the commit', () => {
    assert.deepEqual(findingsOf('image-tag-not-commit', cronJob, context), [], 'busybox and report are not the service image');
    const all = findingsOf('image-tag-not-commit', cronJob, { ...context, image: undefined });
    assert.deepEqual(all.map(at), [
      { rule: 'image-tag-not-commit', line: 14, column: 22 },
      { rule: 'image-tag-not-commit', line: 19, column: 22 },
    ]);
  });

  it('checks ephemeral containers for security settings', () => {
    const pod = yaml`
      apiVersion: v1
      kind: Pod
      metadata:
        name: debug
      spec:
        securityContext:
          runAsNonRoot: true
        containers: []
        ephemeralContainers:
          - name: shell
            image: busybox:1.36
            securityContext:
              privileged: true
    `;
    assert.deepEqual(findingsOf('privileged', pod).map(at), [{ rule: 'privileged', line: 13, column: 21 }]);
  });
});
