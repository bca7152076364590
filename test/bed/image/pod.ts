import { chmod, chown, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from '../../../src/adapters/kube/client.js';
import type { ContainerOptions, Mount } from './run.js';

// What the kubelet would do with a Deployment of deploy/, done for Podman:
// the container's args and environment (values, Secret keys, the pod's own
// fields), its Secret, ConfigMap and projected token volumes written as files with the modes
// and group the kubelet gives them, its user and its security context. The
// image tests start the image from the overlay's own Deployment this way.

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean }; fieldRef?: { fieldPath: string } };
}
interface Volume {
  name: string;
  secret?: { secretName: string; defaultMode?: number; items?: Array<{ key: string; path: string }> };
  configMap?: { name: string; defaultMode?: number };
  emptyDir?: object;
  projected?: { defaultMode?: number; sources: Array<{ serviceAccountToken?: { audience?: string; path: string } }> };
}
interface PodSpec {
  securityContext?: { runAsUser?: number; runAsGroup?: number; fsGroup?: number };
  containers: Array<{
    args?: string[];
    env?: EnvVar[];
    volumeMounts?: Array<{ name: string; mountPath: string }>;
    securityContext?: { readOnlyRootFilesystem?: boolean; allowPrivilegeEscalation?: boolean; capabilities?: { drop?: string[] } };
  }>;
  volumes?: Volume[];
}

export interface PodInputs {
  /** Secrets by name: key → content. */
  secrets: Record<string, Record<string, string>>;
  /** The ConfigMaps of the same rendered overlay. */
  configMaps: readonly KubeObject[];
  /** The pod's own fields for fieldRef variables: metadata.name, metadata.namespace. */
  fields: Record<string, string>;
  /** Variables set on top, as an overlay's patch would: where the test bed's servers are. */
  override?: Record<string, string>;
  /** More read-only mounts, e.g. the service account token at its standard path. */
  extraMounts?: Mount[];
  /** Service-account tokens by audience, for projected serviceAccountToken volumes (the TokenRequest API gives them). */
  serviceAccountTokens?: Record<string, string>;
}

/** Container options for the Deployment's first container, with its volumes written under a new directory. */
export async function containerFromDeployment(deployment: KubeObject, inputs: PodInputs): Promise<ContainerOptions & { user: string; readOnlyRootFilesystem: boolean; dropAll: boolean }> {
  const pod = (deployment.spec as { template: { spec: PodSpec } }).template.spec;
  const container = pod.containers[0]!;
  const env: Record<string, string> = {};
  for (const variable of container.env ?? []) {
    const value = variable.value ?? resolve(variable, inputs);
    if (value !== undefined) env[variable.name] = value;
  }
  const fsGroup = pod.securityContext?.fsGroup;
  const root = await mkdtemp(join(tmpdir(), 'ladder-pod-'));
  await chmod(root, 0o755);
  const mounts: Mount[] = [];
  for (const mount of container.volumeMounts ?? []) {
    const volume = (pod.volumes ?? []).find((v) => v.name === mount.name);
    if (!volume) throw new Error(`volumeMount ${mount.name} has no volume`);
    if (volume.emptyDir) continue; // --read-only gives the container a tmpfs /tmp
    const dir = join(root, volume.name);
    await mkdir(dir, { mode: 0o755 });
    const files = volumeFiles(volume, inputs);
    for (const [path, content] of Object.entries(files.content)) {
      await writeFile(join(dir, path), content);
      if (fsGroup !== undefined) await chown(join(dir, path), 0, fsGroup);
      await chmod(join(dir, path), files.mode);
    }
    mounts.push({ source: dir, target: mount.mountPath });
  }
  const securityContext = container.securityContext ?? {};
  return {
    args: container.args ?? [],
    env: { ...env, ...inputs.override },
    mounts: [...mounts, ...(inputs.extraMounts ?? [])],
    user: `${pod.securityContext?.runAsUser ?? 0}:${pod.securityContext?.runAsGroup ?? 0}`,
    readOnlyRootFilesystem: securityContext.readOnlyRootFilesystem === true,
    dropAll: securityContext.capabilities?.drop?.includes('ALL') === true,
  };
}

function resolve(variable: EnvVar, inputs: PodInputs): string | undefined {
  const secretRef = variable.valueFrom?.secretKeyRef;
  if (secretRef) {
    const value = inputs.secrets[secretRef.name]?.[secretRef.key];
    if (value === undefined && !secretRef.optional) throw new Error(`${variable.name}: Secret ${secretRef.name} has no key ${secretRef.key}`);
    return value;
  }
  const fieldPath = variable.valueFrom?.fieldRef?.fieldPath;
  if (fieldPath) {
    if (!(fieldPath in inputs.fields)) throw new Error(`${variable.name}: no value for the pod field ${fieldPath}`);
    return inputs.fields[fieldPath];
  }
  throw new Error(`${variable.name}: a kind of variable this test does not provide`);
}

function volumeFiles(volume: Volume, inputs: PodInputs): { content: Record<string, string>; mode: number } {
  if (volume.secret) {
    const secret = inputs.secrets[volume.secret.secretName];
    if (!secret) throw new Error(`volume ${volume.name}: no Secret ${volume.secret.secretName}`);
    const items = volume.secret.items ?? Object.keys(secret).map((key) => ({ key, path: key }));
    return { content: Object.fromEntries(items.map((item) => [item.path, secret[item.key]!])), mode: volume.secret.defaultMode ?? 0o644 };
  }
  if (volume.configMap) {
    const configMap = inputs.configMaps.find((c) => c.metadata?.name === volume.configMap!.name);
    if (!configMap) throw new Error(`volume ${volume.name}: no ConfigMap ${volume.configMap.name} in the overlay`);
    return { content: configMap.data as Record<string, string>, mode: volume.configMap.defaultMode ?? 0o644 };
  }
  if (volume.projected) {
    const content: Record<string, string> = {};
    for (const source of volume.projected.sources) {
      const audience = source.serviceAccountToken?.audience;
      const token = audience === undefined ? undefined : inputs.serviceAccountTokens?.[audience];
      if (!source.serviceAccountToken || token === undefined) throw new Error(`volume ${volume.name}: a projected source this test does not provide (a token for audience ${audience})`);
      content[source.serviceAccountToken.path] = token;
    }
    return { content, mode: volume.projected.defaultMode ?? 0o644 };
  }
  throw new Error(`volume ${volume.name}: a kind of volume this test does not provide`);
}
