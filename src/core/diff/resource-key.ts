import type { KubeObject } from '../manifests/document.js';
import { groupOf } from '../kubernetes/scope.js';

/**
 * The identity of a Kubernetes object: API group, kind, namespace and name.
 * The version is not part of the identity — `autoscaling/v2` and
 * `autoscaling/v1` HorizontalPodAutoscaler `web` are the same object in the
 * cluster — so moving to a new API version shows as a change of `apiVersion`,
 * not as a removal and an addition.
 */
export interface ResourceKey {
  apiVersion: string;
  kind: string;
  /** Empty for cluster-scoped objects and for objects that leave it to `kubectl -n`. */
  namespace: string;
  name: string;
}

/** The key of an object, or undefined when it lacks apiVersion, kind or metadata.name. */
export function keyOf(object: KubeObject): ResourceKey | undefined {
  const metadata = object.metadata;
  const { apiVersion, kind } = object;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string' || !apiVersion || !kind) return undefined;
  if (typeof metadata !== 'object' || metadata === null) return undefined;
  const { name, namespace } = metadata as Record<string, unknown>;
  if (typeof name !== 'string' || !name) return undefined;
  return { apiVersion, kind, namespace: typeof namespace === 'string' ? namespace : '', name };
}

/** A string that is equal for two keys exactly when they name the same object. */
export function identityOf(key: ResourceKey): string {
  return [groupOf(key.apiVersion), key.kind, key.namespace, key.name].join('\u0000');
}

/** `apps/v1 Deployment checkout-dev/checkout`, or `v1 Namespace checkout-dev` when cluster-scoped. */
export function formatResourceKey(key: ResourceKey): string {
  return `${key.apiVersion} ${key.kind} ${key.namespace ? `${key.namespace}/` : ''}${key.name}`;
}

/** Orders keys by group, kind, namespace, name: code-point order, so it does not depend on the locale. */
export function compareResourceKeys(a: ResourceKey, b: ResourceKey): number {
  const left = identityOf(a);
  const right = identityOf(b);
  return left < right ? -1 : left > right ? 1 : 0;
}
