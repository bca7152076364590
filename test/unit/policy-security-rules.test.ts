import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { at, findingsOf, yaml } from '../fixtures/policy/helpers.js';

/** A Pod that passes every security rule; cases below edit one line of it. */
const securePod = yaml`
  apiVersion: v1
  kind: Pod
  metadata:
    name: web
  spec:
    securityContext:
      runAsNonRoot: true
    containers:
      - name: app
        image: nginx:1.27
        securityContext:
          allowPrivilegeEscalation: false
`;

const securityRules = ['privileged', 'privilege-escalation', 'run-as-root', 'host-namespaces', 'host-path'];

describe('security rules on a secure pod', () => {
  for (const rule of securityRules) {
    it(`${rule} finds nothing`, () => assert.deepEqual(findingsOf(rule, securePod), []));
  }
});

describe('privileged', () => {
  it('reports privileged: true at its value, naming the container', () => {
    const findings = findingsOf('privileged', `${securePod}        privileged: true\n`);
    assert.deepEqual(findings.map(at), [{ rule: 'privileged', line: 13, column: 21 }]);
    assert.equal(findings[0]!.message, 'container "app" sets securityContext.privileged: true, which gives it full access to the node');
  });

  it('accepts privileged: false', () => {
    assert.deepEqual(findingsOf('privileged', `${securePod}        privileged: false\n`), []);
  });
});

describe('privilege-escalation', () => {
  it('reports allowPrivilegeEscalation: true at its value', () => {
    const findings = findingsOf('privilege-escalation', securePod.replace('allowPrivilegeEscalation: false', 'allowPrivilegeEscalation: true'));
    assert.deepEqual(findings.map(at), [{ rule: 'privilege-escalation', line: 12, column: 35 }]);
    assert.equal(findings[0]!.message, 'container "app" sets securityContext.allowPrivilegeEscalation: true');
  });

  it('reports a container without the setting at the container, because Kubernetes defaults it to true', () => {
    const withoutContext = securePod.replace('      securityContext:\n        allowPrivilegeEscalation: false\n', '');
    const findings = findingsOf('privilege-escalation', withoutContext);
    assert.deepEqual(findings.map(at), [{ rule: 'privilege-escalation', line: 9, column: 7 }]);
    assert.match(findings[0]!.message, /^container "app" does not set securityContext\.allowPrivilegeEscalation: false/);
  });
});

describe('run-as-root', () => {
  it('reports a container when neither it nor the pod sets runAsNonRoot', () => {
    const findings = findingsOf('run-as-root', securePod.replace('  securityContext:\n    runAsNonRoot: true\n', ''));
    // Without the pod block the container's securityContext moves up to line 9; the finding points into it.
    assert.deepEqual(findings.map(at), [{ rule: 'run-as-root', line: 10, column: 9 }]);
    assert.equal(findings[0]!.message, 'container "app" may run as root: neither it nor the pod sets securityContext.runAsNonRoot: true or a non-zero runAsUser');
  });

  it('reports a container whose runAsNonRoot: false overrides the pod', () => {
    const findings = findingsOf('run-as-root', `${securePod}        runAsNonRoot: false\n`);
    assert.deepEqual(findings.map(at), [{ rule: 'run-as-root', line: 13, column: 23 }]);
    assert.equal(findings[0]!.message, 'container "app" may run as root: its securityContext sets runAsNonRoot: false');
  });

  it('reports runAsUser: 0 on the pod once per container, at the pod setting', () => {
    const rootPod = securePod
      .replace('runAsNonRoot: true', 'runAsUser: 0')
      .concat('    - name: sidecar\n      image: envoyproxy/envoy:v1.31.0\n      securityContext:\n        allowPrivilegeEscalation: false\n');
    const findings = findingsOf('run-as-root', rootPod);
    assert.deepEqual(findings.map(at), [
      { rule: 'run-as-root', line: 7, column: 16 },
      { rule: 'run-as-root', line: 7, column: 16 },
    ]);
    assert.deepEqual(findings.map((finding) => finding.message), [
      'container "app" runs as root: the pod securityContext sets runAsUser: 0',
      'container "sidecar" runs as root: the pod securityContext sets runAsUser: 0',
    ]);
  });

  it('reports runAsUser: 0 even when runAsNonRoot is true, since the kubelet would refuse to start it', () => {
    const findings = findingsOf('run-as-root', `${securePod}        runAsUser: 0\n`);
    assert.deepEqual(findings.map(at), [{ rule: 'run-as-root', line: 13, column: 20 }]);
  });

  it('accepts a non-zero runAsUser without runAsNonRoot, and skips Windows pods', () => {
    const withUser = securePod.replace('runAsNonRoot: true', 'runAsUser: 10001');
    assert.deepEqual(findingsOf('run-as-root', withUser), []);
    const windows = securePod.replace('runAsNonRoot: true', 'windowsOptions: { runAsUserName: ContainerUser }').replace('  containers:', '  os: { name: windows }\n  containers:');
    assert.deepEqual(findingsOf('run-as-root', windows), []);
  });
});

describe('host-namespaces', () => {
  it('reports each shared host namespace at its key', () => {
    const shared = securePod.replace('  containers:', '  hostNetwork: true\n  hostPID: true\n  hostIPC: false\n  containers:');
    const findings = findingsOf('host-namespaces', shared);
    assert.deepEqual(findings.map(at), [
      { rule: 'host-namespaces', line: 8, column: 16 },
      { rule: 'host-namespaces', line: 9, column: 12 },
    ]);
    assert.match(findings[0]!.message, /^spec\.hostNetwork is true: the pod shares the node's network/);
    assert.match(findings[1]!.message, /^spec\.hostPID is true: the pod shares the node's processes/);
  });

  it('names the template path in a Deployment', () => {
    const deployment = yaml`
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
      spec:
        template:
          spec:
            hostIPC: true
            containers: []
    `;
    const findings = findingsOf('host-namespaces', deployment);
    assert.deepEqual(findings.map(at), [{ rule: 'host-namespaces', line: 8, column: 16 }]);
    assert.match(findings[0]!.message, /^spec\.template\.spec\.hostIPC is true/);
  });
});

describe('host-path', () => {
  const withVolumes = (volumes: string): string => securePod.replace('  containers:', `  volumes:\n${volumes}  containers:`);

  it('reports a hostPath volume at its hostPath key, naming the volume and the node path', () => {
    const findings = findingsOf('host-path', withVolumes('    - name: cache\n      emptyDir: {}\n    - name: docker\n      hostPath:\n        path: /var/run/docker.sock\n'));
    assert.deepEqual(findings.map(at), [{ rule: 'host-path', line: 13, column: 9 }]);
    assert.equal(findings[0]!.message, 'volume "docker" (spec.volumes[1].hostPath) mounts /var/run/docker.sock from the node');
  });

  it('accepts emptyDir, ConfigMap and PVC volumes', () => {
    const volumes = '    - name: cache\n      emptyDir: {}\n    - name: config\n      configMap: { name: web }\n    - name: data\n      persistentVolumeClaim: { claimName: web }\n';
    assert.deepEqual(findingsOf('host-path', withVolumes(volumes)), []);
  });
});
