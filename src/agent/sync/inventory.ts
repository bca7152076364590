import type { KubeClient, ObjectRef } from '../../adapters/kube/client.js';
import { readLive } from '../apply/live.js';
import { groupOf } from '../../core/kubernetes/scope.js';
import { objectKey } from './desired.js';
import { APPLYSET_ID_LABEL, applySetId, FIELD_MANAGER, inventoryObjectName, type InventoryRef } from '../apply/marks.js';

/** One member of the inventory: an object Ladder applied for this environment. */
export type InventoryEntry = ObjectRef;

export interface InventoryState {
  id: string;
  /** The last commit applied completely; undefined before the first. */
  commit: string | undefined;
  members: InventoryEntry[];
  /** False when the parent does not exist yet. */
  exists: boolean;
}

const TOOLING_ANNOTATION = 'applyset.kubernetes.io/tooling';
const GROUP_KINDS_ANNOTATION = 'applyset.kubernetes.io/contains-group-kinds';

/** The members recorded in the environment's inventory; empty when there is none yet. */
export async function readInventory(client: KubeClient, inventory: InventoryRef): Promise<InventoryEntry[]> {
  return (await readInventoryState(client, inventory)).members;
}

export async function readInventoryState(client: KubeClient, inventory: InventoryRef): Promise<InventoryState> {
  const id = applySetId(inventory);
  const parent = await readLive(client, parentPath(inventory));
  if (!parent) return { id, commit: undefined, members: [], exists: false };
  const data = (parent.data ?? {}) as Record<string, string>;
  if (parent.metadata?.labels?.[APPLYSET_ID_LABEL] !== id) {
    throw new Error(`ConfigMap ${inventory.namespace}/${inventoryObjectName(inventory)} is not Ladder's inventory (label ${APPLYSET_ID_LABEL} is not ${id}); refusing to use it`);
  }
  return { id, commit: data.commit || undefined, members: parseMembers(data.members ?? '[]'), exists: true };
}

/**
 * Records the members and the commit in the parent ConfigMap, by server-side
 * apply. Writes nothing when the parent already says exactly that. Returns
 * whether it wrote.
 */
export async function writeInventory(client: KubeClient, inventory: InventoryRef, state: { commit: string | undefined; members: readonly InventoryEntry[] }, current?: InventoryState): Promise<boolean> {
  const members = sortMembers(state.members);
  if (current?.exists && current.commit === state.commit && sameMembers(current.members, members)) return false;
  const id = applySetId(inventory);
  const body = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: inventoryObjectName(inventory),
      namespace: inventory.namespace,
      labels: { [APPLYSET_ID_LABEL]: id },
      annotations: { [TOOLING_ANNOTATION]: 'ladder/v1', [GROUP_KINDS_ANNOTATION]: groupKinds(members) },
    },
    data: { commit: state.commit ?? '', members: JSON.stringify(members, null, 1) },
  };
  await client.request('PATCH', parentPath(inventory), {
    query: { fieldManager: FIELD_MANAGER, force: true },
    contentType: 'application/apply-patch+yaml',
    body,
  });
  return true;
}

function parentPath(inventory: InventoryRef): string {
  return `/api/v1/namespaces/${encodeURIComponent(inventory.namespace)}/configmaps/${encodeURIComponent(inventoryObjectName(inventory))}`;
}

function parseMembers(text: string): InventoryEntry[] {
  const parsed = JSON.parse(text) as unknown;
  if (!Array.isArray(parsed)) throw new Error('inventory members is not a list');
  return parsed.map((entry: Record<string, unknown>) => {
    const ref: InventoryEntry = { apiVersion: String(entry.apiVersion), kind: String(entry.kind), name: String(entry.name) };
    if (typeof entry.namespace === 'string' && entry.namespace) ref.namespace = entry.namespace;
    return ref;
  });
}

/** Sorted, deduplicated by identity, and with keys in a fixed order so equal sets serialise equally. */
export function sortMembers(members: readonly InventoryEntry[]): InventoryEntry[] {
  const byKey = new Map<string, InventoryEntry>();
  for (const m of members) byKey.set(objectKey(m), m.namespace ? { apiVersion: m.apiVersion, kind: m.kind, namespace: m.namespace, name: m.name } : { apiVersion: m.apiVersion, kind: m.kind, name: m.name });
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, m]) => m);
}

function sameMembers(a: readonly InventoryEntry[], b: readonly InventoryEntry[]): boolean {
  return JSON.stringify(sortMembers(a)) === JSON.stringify(sortMembers(b));
}

/** `Deployment.apps,Service` as the ApplySet convention lists the kinds of its members. */
function groupKinds(members: readonly InventoryEntry[]): string {
  const kinds = new Set(members.map((m) => (groupOf(m.apiVersion) ? `${m.kind}.${groupOf(m.apiVersion)}` : m.kind)));
  return [...kinds].sort().join(',');
}
