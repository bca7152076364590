// The preamble every test file against the real API server shares: a control plane (the test
// bed's kube-apiserver and etcd, or the cluster LADDER_TEST_KUBECONFIG names) started before
// the file's tests, an administrator's client to it, and both stopped after them.
import { after, before } from 'node:test';
import { createKubeClient, type KubeClient } from '../../src/adapters/kube/client.js';
import { startControlPlane, type ControlPlane, type ControlPlaneOptions } from '../bed/kube/control-plane.js';

export interface StartedControlPlane {
  cluster: ControlPlane;
  /** An administrator's (system:masters) client; RBAC does not apply to it. */
  client: KubeClient;
}

export interface UseControlPlaneOptions extends ControlPlaneOptions {
  /** Runs after the tests and before the control plane stops: what still needs the API server to shut down (an agent). */
  beforeStop?: () => Promise<void>;
}

/**
 * Registers the file's `before` and `after` hooks. `onReady` receives the
 * control plane and the client once started (tests keep them in their own
 * variables: `useControlPlane((plane) => ({ cluster, client } = plane))`) and
 * does the rest of the file's setup: node:test does not wait for one
 * top-level `before` before it starts the next, so there must be only one.
 */
export function useControlPlane(onReady: (plane: StartedControlPlane) => unknown, options: UseControlPlaneOptions = {}): void {
  const { beforeStop, ...controlPlane } = options;
  let started: Partial<StartedControlPlane> = {};
  before(async () => {
    const cluster = await startControlPlane(controlPlane);
    started = { cluster, client: createKubeClient(cluster.kubeConfig) };
    await onReady(started as StartedControlPlane);
  });
  after(async () => {
    try {
      await beforeStop?.();
    } finally {
      started.client?.close();
      await started.cluster?.stop();
    }
  });
}
