import { describeRef, isNotFound, KubeApiError, type KubeClient, type KubeObject, type ObjectRef } from '../../adapters/kube/client.js';
import { objectKey } from './desired.js';
import type { InventoryEntry } from './inventory.js';
import { readLive } from '../apply/live.js';
import { carriesInventoryMark, FIELD_MANAGER, pruneDisabled } from '../apply/marks.js';
import { mapLimit } from '../apply/parallel.js';

export interface PruneOptions {
  /** Prune even when the commit has no objects or the source may be incomplete. Default false. */
  allowEmpty?: boolean;
  /** Most objects one commit may prune without `override`. Default 20. */
  maxPrune?: number;
  /** Prune beyond `maxPrune`, once, for a commit that really removes that much. */
  override?: boolean;
  /**
   * Delete Namespaces that left Git. Off by default: deleting a Namespace
   * deletes everything in it, including objects Ladder does not own.
   */
  namespaces?: boolean;
  /**
   * Delete CustomResourceDefinitions that left Git. Off by default, like
   * Namespaces: deleting a CRD deletes every custom resource of its kind in
   * the cluster, whoever made them.
   */
  customResourceDefinitions?: boolean;
}

export interface PruneResult {
  pruned: ObjectRef[];
  /** Why pruning did not run at all (empty set, incomplete source, over the limit); undefined when it ran. */
  blocked?: string;
  /** What would have been pruned when blocked by the limit. */
  wouldPrune: ObjectRef[];
  /** Left alone on purpose, each with the reason. */
  skipped: { ref: ObjectRef; reason: string }[];
  failed: { ref: ObjectRef; message: string }[];
  /** Candidates that stay in the inventory, to be pruned by a later commit (blocked or failed). */
  retained: InventoryEntry[];
}

export interface PruneInput {
  id: string;
  previous: readonly InventoryEntry[];
  desired: readonly ObjectRef[];
  /** Why the fetched set may be incomplete (fetch failed, truncated tree); undefined when it is complete. */
  sourceProblem?: string;
  /** The agent's own namespace: never pruned. */
  agentNamespace: string;
  concurrency: number;
  signal?: AbortSignal;
}

const DEFAULT_MAX_PRUNE = 20;

/**
 * Deletes objects that the previous inventory lists and the new set does not,
 * with every guard of the design: nothing when the set is empty or the
 * source incomplete (unless allowed), nothing when more than `maxPrune` would
 * go (unless overridden), never an object without our inventory annotation or
 * with `ladder.dev/prune: disabled` or that Ladder's field manager never
 * applied (a copy of our annotation is not enough), never the agent's own namespace, no
 * Namespace at all unless `namespaces` is on (and then not one that objects
 * of the new set live in), no CRD unless `customResourceDefinitions` is on,
 * and a delete conditioned on the uid we just read.
 */
export async function pruneObjects(client: KubeClient, input: PruneInput, options: PruneOptions = {}): Promise<PruneResult> {
  const result: PruneResult = { pruned: [], wouldPrune: [], skipped: [], failed: [], retained: [] };
  const desired = new Set(input.desired.map(objectKey));
  const candidates = input.previous.filter((entry) => !desired.has(objectKey(entry)));
  if (candidates.length === 0) return result;

  if (!options.allowEmpty && input.desired.length === 0) return blocked(result, candidates, `the commit has no objects; pruning all ${candidates.length} needs allowEmpty`);
  if (!options.allowEmpty && input.sourceProblem) return blocked(result, candidates, `the source may be incomplete (${input.sourceProblem})`);

  const eligible: { entry: InventoryEntry; path: string; uid: string }[] = [];
  for (const entry of candidates) {
    if (entry.kind === 'Namespace' && entry.name === input.agentNamespace && !entry.apiVersion.includes('/')) {
      result.skipped.push({ ref: entry, reason: "the agent's own namespace is never pruned" });
      continue;
    }
    if (entry.kind === 'Namespace' && !entry.apiVersion.includes('/') && !options.namespaces) {
      // Kept in the inventory, so turning `namespaces` on later still prunes it.
      result.skipped.push({ ref: entry, reason: 'Namespaces are not pruned unless prune.namespaces is on: deleting one deletes every object in it, ours or not' });
      result.retained.push(entry);
      continue;
    }
    if (entry.kind === 'CustomResourceDefinition' && entry.apiVersion.startsWith('apiextensions.k8s.io/') && !options.customResourceDefinitions) {
      // Kept in the inventory, as Namespaces are.
      result.skipped.push({ ref: entry, reason: 'CRDs are not pruned unless prune.customResourceDefinitions is on: deleting one deletes every custom resource of its kind, ours or not' });
      result.retained.push(entry);
      continue;
    }
    if (entry.kind === 'Namespace' && !entry.apiVersion.includes('/') && input.desired.some((ref) => ref.namespace === entry.name)) {
      // Deleting it would delete them too. Kept in the inventory: pruned once nothing of ours lives there.
      result.skipped.push({ ref: entry, reason: 'objects of this commit still live in it' });
      result.retained.push(entry);
      continue;
    }
    const resource = await client.resourceFor(entry.apiVersion, entry.kind);
    if (!resource) {
      result.failed.push({ ref: entry, message: `${entry.apiVersion} ${entry.kind} is no longer served` });
      result.retained.push(entry);
      continue;
    }
    const path = client.pathFor(entry, resource);
    const live = await readLive(client, path, input.signal);
    if (!live) continue; // already gone: nothing to do, and it leaves the inventory
    const refusal = whyNotPrune(live, input.id, resource.namespaced);
    if (refusal) {
      result.skipped.push({ ref: entry, reason: refusal });
      continue;
    }
    eligible.push({ entry, path, uid: String(live.metadata?.uid) });
  }

  const limit = options.maxPrune ?? DEFAULT_MAX_PRUNE;
  if (eligible.length > limit && !options.override) {
    result.blocked = `${eligible.length} objects would be pruned, more than the limit of ${limit}; set the prune override to allow it`;
    result.wouldPrune = eligible.map((e) => e.entry);
    result.retained.push(...eligible.map((e) => e.entry));
    return result;
  }

  // Namespaces and CRDs last: deleting them takes their contents along.
  const late = (e: { entry: InventoryEntry }) => e.entry.kind === 'Namespace' || e.entry.kind === 'CustomResourceDefinition';
  for (const batch of [eligible.filter((e) => !late(e)), eligible.filter(late)]) {
    await mapLimit(batch, input.concurrency, async ({ entry, path, uid }) => {
      try {
        await client.request('DELETE', path, { body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background', preconditions: { uid } }, signal: input.signal });
        result.pruned.push(entry);
      } catch (error) {
        if (isNotFound(error)) return;
        if (!(error instanceof KubeApiError)) throw error;
        result.failed.push({ ref: entry, message: error.message });
        result.retained.push(entry);
      }
    }, input.signal);
  }
  return result;
}

/** Why a live object listed in the inventory must not be deleted; undefined when it may. */
function whyNotPrune(live: KubeObject, id: string, namespaced: boolean): string | undefined {
  if (!carriesInventoryMark(live, id)) return 'it does not carry our inventory annotation (it is not ours, whatever labels it has)';
  if (pruneDisabled(live)) return 'annotated ladder.dev/prune: disabled';
  if (live.metadata?.deletionTimestamp) return undefined;
  // The annotation can be copied (kubectl get -o yaml, a backup restored, a re-create by hand);
  // an apply by Ladder's field manager cannot. Without one, someone else made this object.
  if (!live.metadata?.managedFields?.some((f) => f.manager === FIELD_MANAGER && f.operation === 'Apply')) {
    return namespaced ? 'Ladder did not apply it (re-created by someone else, our annotation copied)' : 'a cluster-scoped object Ladder did not apply';
  }
  return undefined;
}

function blocked(result: PruneResult, candidates: InventoryEntry[], reason: string): PruneResult {
  result.blocked = reason;
  result.wouldPrune = [...candidates];
  result.retained.push(...candidates);
  return result;
}

export function describePruneResult(result: PruneResult): string {
  if (result.blocked) return `prune blocked: ${result.blocked}`;
  const parts = [`pruned ${result.pruned.length}`];
  if (result.failed.length) parts.push(`failed ${result.failed.map((f) => describeRef(f.ref)).join(', ')}`);
  return parts.join('; ');
}
