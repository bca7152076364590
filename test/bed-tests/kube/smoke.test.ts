// The test bed's control plane behaves like a real cluster where Ladder relies
// on it: server-side apply (defaults, managed fields, no-op re-apply,
// conflicts), RBAC for limited identities, and a clean stop.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import {
  ApiException,
  AppsV1Api,
  AuthenticationV1Api,
  KubernetesObjectApi,
  PatchStrategy,
  RbacAuthorizationV1Api,
  type KubeConfig,
  type V1Deployment,
} from '@kubernetes/client-node';
import { startControlPlane, type ControlPlane } from '../../bed/kube/control-plane.js';
import { findProcessesMentioning, waitForNoProcessesMentioning } from '../../bed/kube/processes.js';

let cluster: ControlPlane;
before(async () => {
  cluster = await startControlPlane();
});
after(async () => {
  await cluster?.stop();
});

function deploymentManifest(namespace: string, replicas = 2): V1Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'web', image: 'registry.example/web:1.4.2' }] },
      },
    },
  };
}

async function apply(kubeConfig: KubeConfig, object: V1Deployment, fieldManager: string, force = false): Promise<V1Deployment> {
  const client = KubernetesObjectApi.makeApiClient(kubeConfig);
  return client.patch(object, undefined, undefined, fieldManager, force, PatchStrategy.ServerSideApply);
}

async function readDeployment(namespace: string): Promise<V1Deployment> {
  return cluster.kubeConfig.makeApiClient(AppsV1Api).readNamespacedDeployment({ name: 'web', namespace });
}

async function rejectionStatus(promise: Promise<unknown>): Promise<number> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiException) return error.code;
    throw error;
  }
  assert.fail('expected the API server to refuse the request');
}

/** RBAC changes reach the authorizer through an informer, so allow a moment. */
async function eventually<T>(attempt: () => Promise<T>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

describe('server-side apply', () => {
  test('fills in defaults and records manager ladder with operation Apply', async () => {
    const namespace = await cluster.newNamespace('ssa-defaults');
    await apply(cluster.kubeConfig, deploymentManifest(namespace), 'ladder');

    const live = await readDeployment(namespace);
    assert.equal(live.spec?.replicas, 2);
    assert.equal(live.spec?.strategy?.type, 'RollingUpdate');
    assert.equal(live.spec?.strategy?.rollingUpdate?.maxSurge, '25%');
    assert.equal(live.spec?.revisionHistoryLimit, 10);
    assert.equal(live.spec?.progressDeadlineSeconds, 600);
    const pod = live.spec?.template.spec;
    assert.equal(pod?.restartPolicy, 'Always');
    assert.equal(pod?.dnsPolicy, 'ClusterFirst');
    assert.equal(pod?.terminationGracePeriodSeconds, 30);
    const container = pod?.containers[0];
    assert.equal(container?.terminationMessagePath, '/dev/termination-log');
    assert.equal(container?.terminationMessagePolicy, 'File');
    // A pinned tag (not :latest) defaults to IfNotPresent.
    assert.equal(container?.imagePullPolicy, 'IfNotPresent');

    const managers = (live.metadata?.managedFields ?? []).map((entry) => [entry.manager, entry.operation]);
    assert.deepEqual(managers, [['ladder', 'Apply']]);
    const fields = live.metadata?.managedFields?.[0]?.fieldsV1 as Record<string, Record<string, unknown>> | undefined;
    assert.ok(fields?.['f:spec']?.['f:replicas'] !== undefined, 'ladder owns spec.replicas');
    // Defaulted fields were not sent, so they are owned by nobody.
    assert.equal(fields?.['f:spec']?.['f:revisionHistoryLimit'], undefined);
  });

  test('re-applying the same manifest does not write (resourceVersion unchanged)', async () => {
    const namespace = await cluster.newNamespace('ssa-noop');
    const first = await apply(cluster.kubeConfig, deploymentManifest(namespace), 'ladder');
    const second = await apply(cluster.kubeConfig, deploymentManifest(namespace), 'ladder');
    assert.ok(first.metadata?.resourceVersion);
    assert.equal(second.metadata?.resourceVersion, first.metadata?.resourceVersion);

    // Control: a real change does write.
    const third = await apply(cluster.kubeConfig, deploymentManifest(namespace, 3), 'ladder');
    assert.notEqual(third.metadata?.resourceVersion, first.metadata?.resourceVersion);
  });

  test('a second field manager changing a field ladder owns gets 409 Conflict unless it forces', async () => {
    const namespace = await cluster.newNamespace('ssa-conflict');
    await apply(cluster.kubeConfig, deploymentManifest(namespace, 2), 'ladder');

    const status = await rejectionStatus(apply(cluster.kubeConfig, deploymentManifest(namespace, 5), 'someone-else'));
    assert.equal(status, 409);
    assert.equal((await readDeployment(namespace)).spec?.replicas, 2);

    await apply(cluster.kubeConfig, deploymentManifest(namespace, 5), 'someone-else', true);
    const live = await readDeployment(namespace);
    assert.equal(live.spec?.replicas, 5);
    const ladder = live.metadata?.managedFields?.find((entry) => entry.manager === 'ladder');
    const ladderSpec = (ladder?.fieldsV1 as Record<string, Record<string, unknown>> | undefined)?.['f:spec'];
    assert.equal(ladderSpec?.['f:replicas'], undefined, 'forcing took spec.replicas away from ladder');
    assert.ok(ladderSpec?.['f:template'] !== undefined, 'ladder keeps the fields nobody else set');
  });
});

describe('RBAC for limited identities', () => {
  test('a ServiceAccount can do only what a RoleBinding grants, in that namespace', async () => {
    const namespace = await cluster.newNamespace('rbac-sa');
    const other = await cluster.newNamespace('rbac-sa-other');
    const agent = await cluster.kubeConfigForServiceAccount(namespace, 'agent');
    const agentApps = agent.makeApiClient(AppsV1Api);

    assert.equal(await rejectionStatus(agentApps.listNamespacedDeployment({ namespace })), 403);

    const rbac = cluster.kubeConfig.makeApiClient(RbacAuthorizationV1Api);
    await rbac.createNamespacedRole({
      namespace,
      body: { metadata: { name: 'read-deployments' }, rules: [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'list'] }] },
    });
    await rbac.createNamespacedRoleBinding({
      namespace,
      body: {
        metadata: { name: 'agent-reads-deployments' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'read-deployments' },
        subjects: [{ kind: 'ServiceAccount', name: 'agent', namespace }],
      },
    });

    const list = await eventually(() => agentApps.listNamespacedDeployment({ namespace }));
    assert.deepEqual(list.items, []);
    assert.equal(await rejectionStatus(agentApps.listNamespacedDeployment({ namespace: other })), 403);
    assert.equal(await rejectionStatus(apply(agent, deploymentManifest(namespace), 'ladder')), 403);
  });

  test('a certificate user carries its groups, and RBAC applies to them', async () => {
    const namespace = await cluster.newNamespace('rbac-user');
    const alice = await cluster.kubeConfigForUser('alice', ['team-a']);

    const review = await alice.makeApiClient(AuthenticationV1Api).createSelfSubjectReview({ body: {} });
    assert.equal(review.status?.userInfo?.username, 'alice');
    assert.ok(review.status?.userInfo?.groups?.includes('team-a'));
    assert.ok(!review.status?.userInfo?.groups?.includes('system:masters'));

    const aliceApps = alice.makeApiClient(AppsV1Api);
    assert.equal(await rejectionStatus(aliceApps.listNamespacedDeployment({ namespace })), 403);
    await cluster.kubeConfig.makeApiClient(RbacAuthorizationV1Api).createNamespacedRoleBinding({
      namespace,
      body: {
        metadata: { name: 'team-a-view' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'team-a' }],
      },
    });
    const list = await eventually(() => aliceApps.listNamespacedDeployment({ namespace }));
    assert.deepEqual(list.items, []);
  });
});

test('stop() leaves no etcd, kube-apiserver or watchdog process and removes the run directory', async () => {
  // Its own control plane even when LADDER_TEST_KUBECONFIG is set: this is about stop().
  const own = await startControlPlane({ reuse: false });
  const running = await findProcessesMentioning(own.dir);
  assert.ok(running.some((p) => /\/etcd /.test(p.args)), 'etcd runs before stop()');
  assert.ok(running.some((p) => /\/kube-apiserver /.test(p.args)), 'kube-apiserver runs before stop()');

  await own.stop();
  assert.deepEqual(await findProcessesMentioning(own.dir), []);
  assert.equal(existsSync(own.dir), false);
  // A second stop() is harmless (tests may call it from `after` and a finally).
  await own.stop();
  assert.deepEqual(await waitForNoProcessesMentioning(own.dir, 0), []);
});
