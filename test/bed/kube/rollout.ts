// The test bed runs no kube-controller-manager or kubelet, so nothing ever
// writes `status`. These helpers write it through the status subresource the
// way the controllers would after a rollout, a completed or failed Job, or a
// bound claim, as manager `kube-controller-manager` — so health checks and
// drift detection see what they would see in a real cluster.
import type { KubeClient, KubeObject, ObjectRef } from '../../../src/adapters/kube/client.js';

const CONTROLLER = 'kube-controller-manager';

export interface RolloutOptions {
  /** DaemonSets: nodes that should run a pod. Default 1. */
  nodes?: number;
}

/** Status of a finished rollout: Deployment, StatefulSet, DaemonSet (Jobs → markJobComplete, claims → markBound). */
export async function markRolledOut(client: KubeClient, ref: ObjectRef, options: RolloutOptions = {}): Promise<KubeObject> {
  const live = await read(client, ref);
  const generation = live.metadata?.generation ?? 1;
  const replicas = (live.spec as { replicas?: number } | undefined)?.replicas ?? 1;
  const now = new Date().toISOString();
  switch (ref.kind) {
    case 'Deployment':
      return writeStatus(client, ref, {
        observedGeneration: generation, replicas, updatedReplicas: replicas, readyReplicas: replicas, availableReplicas: replicas,
        conditions: [
          { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.', lastUpdateTime: now, lastTransitionTime: now },
          { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${ref.name}-5d8f7c9b" has successfully progressed.`, lastUpdateTime: now, lastTransitionTime: now },
        ],
      });
    case 'StatefulSet': {
      const revision = `${ref.name}-${generation}`;
      return writeStatus(client, ref, {
        observedGeneration: generation, replicas, readyReplicas: replicas, currentReplicas: replicas, updatedReplicas: replicas,
        availableReplicas: replicas, currentRevision: revision, updateRevision: revision,
      });
    }
    case 'DaemonSet': {
      const nodes = options.nodes ?? 1;
      return writeStatus(client, ref, {
        observedGeneration: generation, desiredNumberScheduled: nodes, currentNumberScheduled: nodes, updatedNumberScheduled: nodes,
        numberReady: nodes, numberAvailable: nodes, numberMisscheduled: 0,
      });
    }
    case 'Job':
      return markJobComplete(client, ref);
    case 'PersistentVolumeClaim':
      return markBound(client, ref);
    default:
      throw new Error(`markRolledOut: no controller status for kind ${ref.kind}`);
  }
}

/** A rollout under way: the controller saw the spec, `ready` replicas (default 0) are up. */
export async function markProgressing(client: KubeClient, ref: ObjectRef, ready = 0): Promise<KubeObject> {
  const live = await read(client, ref);
  const generation = live.metadata?.generation ?? 1;
  const replicas = (live.spec as { replicas?: number } | undefined)?.replicas ?? 1;
  if (ref.kind === 'StatefulSet') {
    return writeStatus(client, ref, { observedGeneration: generation, replicas, readyReplicas: ready, updatedReplicas: ready, currentRevision: `${ref.name}-${generation - 1}`, updateRevision: `${ref.name}-${generation}` });
  }
  return writeStatus(client, ref, { observedGeneration: generation, replicas, updatedReplicas: ready, readyReplicas: ready, availableReplicas: ready });
}

export async function markJobComplete(client: KubeClient, ref: ObjectRef): Promise<KubeObject> {
  const live = await read(client, ref);
  const completions = (live.spec as { completions?: number } | undefined)?.completions ?? 1;
  const now = new Date().toISOString();
  return writeStatus(client, ref, {
    startTime: now, completionTime: now, succeeded: completions, active: 0, ready: 0, terminating: 0,
    uncountedTerminatedPods: {},
    conditions: [
      { type: 'SuccessCriteriaMet', status: 'True', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods', lastProbeTime: now, lastTransitionTime: now },
      { type: 'Complete', status: 'True', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods', lastProbeTime: now, lastTransitionTime: now },
    ],
  });
}

/** A Deployment past its progress deadline, or a Job that ran out of retries. */
export async function markFailed(client: KubeClient, ref: ObjectRef, message?: string): Promise<KubeObject> {
  const live = await read(client, ref);
  const now = new Date().toISOString();
  if (ref.kind === 'Job') {
    const text = message ?? 'Job has reached the specified backoff limit';
    return writeStatus(client, ref, {
      startTime: now, failed: 1, active: 0, ready: 0, terminating: 0, uncountedTerminatedPods: {},
      conditions: [
        { type: 'FailureTarget', status: 'True', reason: 'BackoffLimitExceeded', message: text, lastProbeTime: now, lastTransitionTime: now },
        { type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: text, lastProbeTime: now, lastTransitionTime: now },
      ],
    });
  }
  if (ref.kind !== 'Deployment') throw new Error(`markFailed: kind ${ref.kind} has no failure status; use Deployment or Job`);
  const generation = live.metadata?.generation ?? 1;
  const replicas = (live.spec as { replicas?: number } | undefined)?.replicas ?? 1;
  return writeStatus(client, ref, {
    observedGeneration: generation, replicas, updatedReplicas: replicas, readyReplicas: 0, availableReplicas: 0, unavailableReplicas: replicas,
    conditions: [
      { type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.', lastUpdateTime: now, lastTransitionTime: now },
      { type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: message ?? `ReplicaSet "${ref.name}-5d8f7c9b" has timed out progressing.`, lastUpdateTime: now, lastTransitionTime: now },
    ],
  });
}

export async function markBound(client: KubeClient, ref: ObjectRef): Promise<KubeObject> {
  const live = await read(client, ref);
  const storage = (live.spec as { resources?: { requests?: { storage?: string } } } | undefined)?.resources?.requests?.storage ?? '1Gi';
  return writeStatus(client, ref, { phase: 'Bound', accessModes: (live.spec as { accessModes?: string[] }).accessModes ?? ['ReadWriteOnce'], capacity: { storage } });
}

async function pathOf(client: KubeClient, ref: ObjectRef): Promise<string> {
  const resource = await client.resourceFor(ref.apiVersion, ref.kind);
  if (!resource) throw new Error(`${ref.apiVersion} ${ref.kind} is not served`);
  return client.pathFor(ref, resource);
}

async function read(client: KubeClient, ref: ObjectRef): Promise<KubeObject> {
  return client.request<KubeObject>('GET', await pathOf(client, ref));
}

async function writeStatus(client: KubeClient, ref: ObjectRef, status: Record<string, unknown>): Promise<KubeObject> {
  return client.request<KubeObject>('PATCH', `${await pathOf(client, ref)}/status`, {
    body: { status },
    contentType: 'application/merge-patch+json',
    query: { fieldManager: CONTROLLER },
  });
}
