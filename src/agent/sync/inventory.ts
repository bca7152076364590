import { gunzipSync, gzipSync } from 'node:zlib';
import type { KubeClient, ObjectRef } from '../../adapters/kube/client.js';
import { readLive } from '../apply/live.js';
import { groupOf } from '../../core/kubernetes/scope.js';
import { objectKey } from './desired.js';
import { APPLYSET_ID_LABEL, applySetId, FIELD_MANAGER, inventoryObjectName, type InventoryRef } from '../apply/marks.js';

/** One member of the inventory: an object Ladder applied for this environment. */
export type InventoryEntry = ObjectRef;

/** What content hashes were taken against: the server's version and the generation of each CRD serving a member. */
export interface ServerFingerprint {
  version: string;
  /** CRD name (`plural.group`) → metadata.generation. */
  crds: Record<string, number>;
}

export interface InventoryState {
  id: string;
  /** The last commit the full path (a dry-run of every object) applied completely; undefined before the first. */
  commit: string | undefined;
  members: InventoryEntry[];
  /** False when the parent does not exist yet. */
  exists: boolean;
  /** objectKey → content hash of the member as last applied completely; missing for members not (yet) applied so. */
  hashes: ReadonlyMap<string, string>;
  /** The server the hashes were taken against; undefined when none were. */
  server?: ServerFingerprint | undefined;
}

export interface InventoryRecord {
  commit: string | undefined;
  members: readonly InventoryEntry[];
  hashes?: ReadonlyMap<string, string>;
  server?: ServerFingerprint | undefined;
}

const TOOLING_ANNOTATION = 'applyset.kubernetes.io/tooling';
const GROUP_KINDS_ANNOTATION = 'applyset.kubernetes.io/contains-group-kinds';
/**
 * Members are kept gzipped in `binaryData`: a ConfigMap holds 1 MiB, which
 * plain JSON filled at about 10,000 members; compressed, a member and its
 * hash take about 20 bytes. Reading one back is bounded, since anyone who may
 * edit ConfigMaps in the agent's namespace could plant a gzip bomb.
 */
const MAX_MEMBERS_JSON_BYTES = 64 * 1024 * 1024;
const PACKED_MEMBERS_KEY = 'members.json.gz';

/** The members recorded in the environment's inventory; empty when there is none yet. */
export async function readInventory(client: KubeClient, inventory: InventoryRef): Promise<InventoryEntry[]> {
  return (await readInventoryState(client, inventory)).members;
}

export async function readInventoryState(client: KubeClient, inventory: InventoryRef): Promise<InventoryState> {
  const id = applySetId(inventory);
  const parent = await readLive(client, parentPath(inventory));
  if (!parent) return { id, commit: undefined, members: [], exists: false, hashes: new Map() };
  if (parent.metadata?.labels?.[APPLYSET_ID_LABEL] !== id) {
    throw new Error(`ConfigMap ${inventory.namespace}/${inventoryObjectName(inventory)} is not Ladder's inventory (label ${APPLYSET_ID_LABEL} is not ${id}); refusing to use it`);
  }
  const data = (parent.data ?? {}) as Record<string, string>;
  const packed = (parent.binaryData as Record<string, string> | undefined)?.[PACKED_MEMBERS_KEY];
  const { members, hashes } = packed !== undefined ? unpackMembers(packed) : { members: parseMembers(data.members ?? '[]'), hashes: new Map<string, string>() };
  return { id, commit: data.commit || undefined, members, exists: true, hashes, server: parseServer(data.server) };
}

/**
 * Records the members, their hashes, the server fingerprint and the commit in
 * the parent ConfigMap, by server-side apply. Writes nothing when the parent
 * already says exactly that. Returns whether it wrote.
 */
export async function writeInventory(client: KubeClient, inventory: InventoryRef, state: InventoryRecord, current?: InventoryState): Promise<boolean> {
  const members = sortMembers(state.members);
  const hashes = new Map<string, string>();
  for (const member of members) {
    const hash = state.hashes?.get(objectKey(member));
    if (hash) hashes.set(objectKey(member), hash);
  }
  if (current?.exists && current.commit === state.commit && sameMembers(current.members, members) && sameHashes(current.hashes, hashes) && sameServer(current.server, state.server)) return false;
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
    data: { commit: state.commit ?? '', objects: String(members.length), ...(state.server ? { server: JSON.stringify(state.server) } : {}) },
    binaryData: { [PACKED_MEMBERS_KEY]: packMembers(members, hashes) },
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

type PackedMember = [apiVersion: string, kind: string, namespace: string, name: string, hash: string];

function packMembers(members: readonly InventoryEntry[], hashes: ReadonlyMap<string, string>): string {
  const rows: PackedMember[] = members.map((m) => [m.apiVersion, m.kind, m.namespace ?? '', m.name, hashes.get(objectKey(m)) ?? '']);
  return gzipSync(JSON.stringify({ format: 2, members: rows })).toString('base64');
}

function unpackMembers(packed: string): { members: InventoryEntry[]; hashes: Map<string, string> } {
  let parsed: { format?: unknown; members?: unknown };
  try {
    parsed = JSON.parse(gunzipSync(Buffer.from(packed, 'base64'), { maxOutputLength: MAX_MEMBERS_JSON_BYTES }).toString('utf8')) as typeof parsed;
  } catch (error) {
    throw new Error(`the inventory's binaryData[${PACKED_MEMBERS_KEY}] is not gzipped JSON of at most ${MAX_MEMBERS_JSON_BYTES / 1024 / 1024} MiB (${(error as Error).message})`);
  }
  if (parsed.format !== 2 || !Array.isArray(parsed.members)) throw new Error(`the inventory's binaryData[${PACKED_MEMBERS_KEY}] has an unknown format`);
  const members: InventoryEntry[] = [];
  const hashes = new Map<string, string>();
  for (const row of parsed.members as unknown[]) {
    if (!Array.isArray(row) || row.length !== 5 || !row.every((part) => typeof part === 'string')) throw new Error(`the inventory's binaryData[${PACKED_MEMBERS_KEY}] has a malformed member`);
    const [apiVersion, kind, namespace, name, hash] = row as PackedMember;
    const ref: InventoryEntry = namespace ? { apiVersion, kind, namespace, name } : { apiVersion, kind, name };
    members.push(ref);
    if (hash) hashes.set(objectKey(ref), hash);
  }
  return { members, hashes };
}

/** The members of a format-1 inventory (`data.members`, a JSON list), which carried no hashes. */
function parseMembers(text: string): InventoryEntry[] {
  const parsed = JSON.parse(text) as unknown;
  if (!Array.isArray(parsed)) throw new Error('inventory members is not a list');
  return parsed.map((entry: Record<string, unknown>) => {
    const ref: InventoryEntry = { apiVersion: String(entry.apiVersion), kind: String(entry.kind), name: String(entry.name) };
    if (typeof entry.namespace === 'string' && entry.namespace) ref.namespace = entry.namespace;
    return ref;
  });
}

function parseServer(text: string | undefined): ServerFingerprint | undefined {
  if (!text) return undefined;
  try {
    const parsed = JSON.parse(text) as Partial<ServerFingerprint>;
    if (typeof parsed.version !== 'string' || !parsed.crds || typeof parsed.crds !== 'object') return undefined;
    return { version: parsed.version, crds: Object.fromEntries(Object.entries(parsed.crds).filter(([, generation]) => typeof generation === 'number')) };
  } catch {
    return undefined; // unreadable: the hashes are not trusted, every object takes the full path
  }
}

/** Sorted, deduplicated by identity, and with keys in a fixed order so equal sets serialise equally. */
export function sortMembers(members: readonly InventoryEntry[]): InventoryEntry[] {
  const byKey = new Map<string, InventoryEntry>();
  for (const m of members) byKey.set(objectKey(m), m.namespace ? { apiVersion: m.apiVersion, kind: m.kind, namespace: m.namespace, name: m.name } : { apiVersion: m.apiVersion, kind: m.kind, name: m.name });
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, m]) => m);
}

function sameMembers(a: readonly InventoryEntry[], b: readonly InventoryEntry[]): boolean {
  if (a.length !== b.length) return false;
  const sortedA = sortMembers(a);
  return sortedA.every((member, index) => objectKey(member) === objectKey(b[index]!) && member.apiVersion === b[index]!.apiVersion);
}

function sameHashes(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [key, hash] of a) if (b.get(key) !== hash) return false;
  return true;
}

function sameServer(a: ServerFingerprint | undefined, b: ServerFingerprint | undefined): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** `Deployment.apps,Service` as the ApplySet convention lists the kinds of its members. */
function groupKinds(members: readonly InventoryEntry[]): string {
  const kinds = new Set(members.map((m) => (groupOf(m.apiVersion) ? `${m.kind}.${groupOf(m.apiVersion)}` : m.kind)));
  return [...kinds].sort().join(',');
}
