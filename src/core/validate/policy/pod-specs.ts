import type { KubeObject } from '../../manifests/document.js';
import { groupOf } from '../../kubernetes/scope.js';
import { fieldsAt, isFields, kindOf, listAt, stringAt, type Fields } from './object-access.js';
import type { KeyPath } from './types.js';

/** Where the pod template sits in each workload kind, keyed by kind; `groups` guards against CRDs reusing a kind name. */
const workloads: Record<string, { groups: readonly string[]; template: KeyPath | undefined }> = {
  Pod: { groups: [''], template: undefined },
  ReplicationController: { groups: [''], template: ['spec', 'template'] },
  // `extensions` served these kinds before apps/v1; old manifests still say so.
  Deployment: { groups: ['apps', 'extensions'], template: ['spec', 'template'] },
  DaemonSet: { groups: ['apps', 'extensions'], template: ['spec', 'template'] },
  ReplicaSet: { groups: ['apps', 'extensions'], template: ['spec', 'template'] },
  StatefulSet: { groups: ['apps'], template: ['spec', 'template'] },
  Job: { groups: ['batch'], template: ['spec', 'template'] },
  CronJob: { groups: ['batch'], template: ['spec', 'jobTemplate', 'spec', 'template'] },
};

export interface PodSpecLocation {
  spec: Fields;
  /** Key path of the pod spec, e.g. `spec.template.spec`. */
  path: KeyPath;
  /** Key path of the pod template (whose `metadata` holds the pod labels); absent for a bare Pod. */
  templatePath?: KeyPath;
}

export type ContainerRole = 'container' | 'init container' | 'ephemeral container';

export interface ContainerLocation {
  container: Fields;
  /** Key path of the container, e.g. `spec.template.spec.initContainers[0]`. */
  path: KeyPath;
  /** The container's name, or `#<index>` when it has none, for messages. */
  name: string;
  role: ContainerRole;
}

const containerLists: readonly [string, ContainerRole][] = [
  ['containers', 'container'],
  ['initContainers', 'init container'],
  ['ephemeralContainers', 'ephemeral container'],
];

/** Whether the object is one of the built-in workload kinds that carry a pod spec. */
export function isWorkload(object: KubeObject): boolean {
  const kind = kindOf(object);
  const apiVersion = stringAt(object, 'apiVersion');
  const workload = kind === undefined ? undefined : workloads[kind];
  return workload !== undefined && apiVersion !== undefined && workload.groups.includes(groupOf(apiVersion));
}

/**
 * Several rules ask for the pod spec and containers of each object: while
 * `runPolicy` runs (the objects are only read), the answer for the object
 * asked about last is kept. runPolicy runs every rule on one object before
 * the next, so one entry is enough, and it costs one comparison to find.
 */
interface Kept {
  object: KubeObject | undefined;
  podSpec: PodSpecLocation | undefined;
  pod: PodSpecLocation | undefined;
  containers: readonly ContainerLocation[];
}
let kept: Kept | undefined;

/** Runs `work` with the pod spec and containers of the last object asked about kept; the objects must not change meanwhile. */
export function withPodSpecsKept<T>(work: () => T): T {
  const outer = kept;
  kept = { object: undefined, podSpec: undefined, pod: undefined, containers: [] };
  try {
    return work();
  } finally {
    kept = outer;
  }
}

/** The pod spec of a workload object, or undefined for other kinds and for malformed workloads. */
export function findPodSpec(object: KubeObject): PodSpecLocation | undefined {
  if (!kept) return readPodSpec(object);
  if (kept.object !== object) {
    kept.object = object;
    kept.podSpec = readPodSpec(object);
  }
  return kept.podSpec;
}

function readPodSpec(object: KubeObject): PodSpecLocation | undefined {
  if (!isWorkload(object)) return undefined;
  const templatePath = workloads[kindOf(object)!]!.template;
  const podPath = templatePath ? [...templatePath, 'spec'] : ['spec'];
  let node: unknown = object;
  for (const key of podPath) node = fieldsAt(node, key as string);
  if (!isFields(node)) return undefined;
  return templatePath ? { spec: node, path: podPath, templatePath } : { spec: node, path: podPath };
}

/** Every container of a pod spec — regular, init and ephemeral — with its key path. */
export function listContainers(pod: PodSpecLocation): readonly ContainerLocation[] {
  if (!kept) return readContainers(pod);
  if (kept.pod !== pod) {
    kept.pod = pod;
    kept.containers = readContainers(pod);
  }
  return kept.containers;
}

function readContainers(pod: PodSpecLocation): ContainerLocation[] {
  const found: ContainerLocation[] = [];
  for (const [key, role] of containerLists) {
    listAt(pod.spec, key).forEach((container, index) => {
      if (!isFields(container)) return;
      found.push({ container, path: [...pod.path, key, index], name: stringAt(container, 'name') ?? `#${index}`, role });
    });
  }
  return found;
}

/** `container "app"` / `init container "migrate"`, the way messages name a container. */
export function describeContainer(location: ContainerLocation): string {
  return `${location.role} "${location.name}"`;
}
