import { createHash } from 'node:crypto';
import type { KubeObject } from '../../adapters/kube/client.js';

/**
 * The marks Ladder puts on what it applies. The label follows the ApplySet
 * convention (KEP-3659) so kubectl and other tools see the grouping; the
 * annotation is what prune trusts, because controllers and operators copy
 * labels to the objects they create, but not our annotation.
 */
export const PART_OF_LABEL = 'applyset.kubernetes.io/part-of';
export const APPLYSET_ID_LABEL = 'applyset.kubernetes.io/id';
export const INVENTORY_ANNOTATION = 'ladder.dev/inventory';
export const SOURCE_ANNOTATION = 'ladder.dev/source';
export const PRUNE_ANNOTATION = 'ladder.dev/prune';
export const PRUNE_DISABLED = 'disabled';
/** On a cluster-scoped object in Git: Ladder may take over the live object of that name although it did not create it (sync/takeover-guard.ts). */
export const ADOPT_ANNOTATION = 'ladder.dev/adopt';
export const FIELD_MANAGER = 'ladder';

const SERVER_OWNED_METADATA = ['resourceVersion', 'uid', 'creationTimestamp', 'generation', 'managedFields', 'selfLink', 'deletionTimestamp', 'deletionGracePeriodSeconds'];

/** Where the inventory (the ApplySet parent) of one environment lives. */
export interface InventoryRef {
  /** The agent's namespace. */
  namespace: string;
  /** Usually the environment name: the parent is ConfigMap `ladder-inventory-<name>`. */
  name: string;
}

export function inventoryObjectName(inventory: InventoryRef): string {
  return `ladder-inventory-${inventory.name}`;
}

/**
 * The ApplySet id of the parent, as KEP-3659 defines it:
 * `applyset-<base64url(sha256(<name>.<namespace>.<kind>.<group>))>-v1`.
 */
export function applySetId(inventory: InventoryRef): string {
  const digest = createHash('sha256').update(`${inventoryObjectName(inventory)}.${inventory.namespace}.ConfigMap.`).digest('base64url');
  return `applyset-${digest}-v1`;
}

/**
 * A copy of `object` carrying our label and annotations; the caller's object
 * is not changed. `source` is the manifest file's path, without the commit:
 * a commit in the annotation would change every object on every commit and
 * turn each apply into a write of the whole set.
 */
export function stamp(object: KubeObject, id: string, source: string): KubeObject {
  return stampOwned(structuredClone(object), id, source);
}

/**
 * stamp on an object nobody else holds (one the parser just made), changed in place: a commit's
 * thousands of objects are not each copied once more.
 */
export function stampOwned(copy: KubeObject, id: string, source: string): KubeObject {
  const metadata = (copy.metadata ??= {});
  // Fields the server owns: a resourceVersion in an apply would make it conditional, and the rest is refused or ignored.
  for (const key of SERVER_OWNED_METADATA) delete metadata[key];
  delete copy.status;
  metadata.labels = { ...metadata.labels, [PART_OF_LABEL]: id };
  metadata.annotations = { ...metadata.annotations, [INVENTORY_ANNOTATION]: id, [SOURCE_ANNOTATION]: source };
  return copy;
}

export function carriesInventoryMark(object: KubeObject, id: string): boolean {
  return object.metadata?.annotations?.[INVENTORY_ANNOTATION] === id;
}

export function pruneDisabled(object: KubeObject): boolean {
  return object.metadata?.annotations?.[PRUNE_ANNOTATION] === PRUNE_DISABLED;
}
