import { KubeApiError, type KubeClient } from '../../adapters/kube/client.js';
import { readLiveObjects } from '../apply/live.js';
import { applySetId, type InventoryRef } from '../apply/marks.js';
import { mapLimit } from '../apply/parallel.js';
import { dryRunObject, serverSideApplyText, type ApplyPolicy, type DryRunVerdict } from '../apply/server-side-apply.js';
import { waitForCrds } from './crds.js';
import { objectKey, parseCommitFiles, type ManifestFile, type ParsedCommit, type SetProblem } from './desired.js';
import { readServerFingerprint, unchangedObjects, type AppliedStateCache } from './fingerprint.js';
import { isBuiltInGroup } from '../../core/kubernetes/scope.js';
import { readInventoryState, sortMembers, writeInventory, type InventoryState, type ServerFingerprint } from './inventory.js';
import { appliedMessage, conflictProblems, problemsMessage, withApplied, type ApplyOutcome, type ObjectResult } from './outcome.js';
import { pruneObjects, type PruneOptions, type PruneResult } from './prune.js';
import { resolveObjects, type DesiredObject } from './resolve.js';
import { findForeignClusterObjects, ungrantedClusterObjects } from './takeover-guard.js';
import type { ClusterScopedCheck } from '../../core/services/cluster-scoped.js';

export type ApplyInput = {
  /** The manifest commit (full sha) the files come from. */
  commit: string;
  /** Set when the file list may be incomplete (a failed or truncated fetch): then nothing is pruned. */
  sourceProblem?: string;
} & (
  | { files: readonly ManifestFile[] }
  /**
   * The commit's files already parsed (with `parseCommitFiles` and this inventory's id): a commit is parsed once.
   * Handed over: its objects are let go (the list emptied) once each is serialised as its body.
   */
  | { parsed: ParsedCommit }
);

export interface ApplyOptions {
  inventory: InventoryRef;
  /** For namespaced objects that name no namespace. */
  defaultNamespace?: string;
  /** Take over fields other managers own. Default false: conflicts are reported and the object is not applied. */
  forceConflicts?: boolean;
  /**
   * The commit is one GitHub already shows deployed, applied again by a new leader or after a restart.
   * A conflict on an object unchanged in Git since its last complete apply (its content hash in the
   * inventory) is then drift that came after that deploy: the object is left as it is (`drifted`), and
   * drift detection, not a failed deploy, reports it. Anything else conflicting still fails the apply.
   */
  redeploy?: boolean;
  /** Requests in flight at once. Default 8. */
  concurrency?: number;
  /** `false` turns pruning off. */
  prune?: PruneOptions | false;
  /** How long new CRDs may take to be served. Default 60 s. */
  crdTimeoutMs?: number;
  /**
   * The drift watcher's watch cache. When given, the server's fingerprint is
   * recorded with the content hashes, and an object unchanged since its last
   * complete apply, which the cache shows without drift, is neither dry-run
   * nor applied.
   */
  appliedState?: AppliedStateCache;
  /**
   * Which cluster-scoped objects the commit may hold (the grant of
   * .ladder/services.yml, narrowed by the agent's config); asked only when it
   * holds some. Absent: no check here (the App's validation made one).
   */
  clusterScoped?: () => Promise<ClusterScopedCheck>;
  signal?: AbortSignal;
}

/**
 * Applies one commit: parse, resolve kinds, dry-run the whole set (nothing is
 * written when any object is refused), Namespaces and CRDs first, then the
 * rest, writing only what the dry-run shows would change; then records the
 * inventory and prunes what left Git.
 */
export async function applyCommit(client: KubeClient, input: ApplyInput, options: ApplyOptions): Promise<ApplyOutcome> {
  const id = applySetId(options.inventory);
  const concurrency = options.concurrency ?? 8;
  const policy: ApplyPolicy = { forceConflicts: options.forceConflicts ?? false };
  const signal = options.signal;
  const startRequests = client.requestCount();
  let writes = 0;
  let dryRuns = 0;
  let fromCache = 0;
  const outcome = (fields: Pick<ApplyOutcome, 'status' | 'message' | 'problems'> & Partial<ApplyOutcome>): ApplyOutcome => ({
    commit: input.commit, objects: [], desired: [], prune: undefined, writes,
    inventory: { id, ...options.inventory }, requests: client.requestCount() - startRequests, dryRuns, fromCache, ...fields,
  });

  const parsed = 'parsed' in input ? input.parsed : parseCommitFiles(input.files, id);
  if (parsed.problems.length) return outcome({ status: 'invalid', problems: parsed.problems, message: problemsMessage('invalid manifests', parsed.problems) });
  const resolved = await resolveObjects(client, parsed.objects, options.defaultNamespace, policy);
  if (resolved.problems.length) return outcome({ status: 'invalid', problems: resolved.problems, message: problemsMessage('invalid manifests', resolved.problems) });
  const objects = resolved.objects;
  // Each object is its body (JSON) from here on; the parsed objects, as large again, are not held through the apply.
  parsed.objects = [];
  const ungranted = await ungrantedClusterObjects(objects, options.clusterScoped);
  if (ungranted.length) return outcome({ status: 'invalid', problems: ungranted, message: problemsMessage('not granted', ungranted), desired: objects });

  // 0. What is known already: the inventory's hashes and, with a watch cache, what needs no request at all.
  const previous = await readInventoryState(client, options.inventory);
  const server = options.appliedState ? await readServerFingerprint(client, objects, signal) : undefined;
  const known = server ? unchangedObjects(objects, previous, server, options.appliedState!) : new Map<DesiredObject, string>();
  fromCache = known.size;

  // 1. Dry-run everything that can be checked now. Objects in a Namespace, or of a CRD, that this commit creates wait for it.
  const namespacesInSet = new Set(objects.filter((o) => o.ref.kind === 'Namespace' && !o.ref.apiVersion.includes('/')).map((o) => o.ref.name));
  const verdicts = new Map<DesiredObject, DryRunVerdict>();
  const deferred: DesiredObject[] = objects.filter((o) => o.awaitsCrd);
  const checkable = objects.filter((o) => !o.awaitsCrd && !known.has(o));
  const live = await readLiveObjects(client, checkable, id, { concurrency, ...(signal ? { signal } : {}) });
  await mapLimit(checkable, concurrency, async (o) => {
    dryRuns++;
    const verdict = await dryRunObject(client, o, live.get(o.path), policy, signal);
    if (verdict.kind === 'refused' && waitsForNamespace(verdict.error, namespacesInSet)) deferred.push(o);
    else verdicts.set(o, verdict);
  }, signal);
  const refused = refusals(objects, verdicts);
  if (refused.length) return outcome({ status: 'invalid', problems: refused, message: problemsMessage('the API server refused', refused), desired: objects });
  // An object taken from the cache was applied whole by Ladder last time and has not drifted since: it is Ladder's.
  const foreign = await findForeignClusterObjects(client, checkable, verdicts, live, id, signal);
  live.clear();
  for (const [o, text] of known) verdicts.set(o, { kind: 'unchanged', resultText: text });
  if (foreign.length) return outcome({ status: 'invalid', problems: foreign, message: problemsMessage('not taken over', foreign), desired: objects });

  // 2. Record every object about to be applied before applying it, so a crash midway leaves nothing unlisted.
  const listed: InventoryState = { ...previous, exists: true, members: sortMembers([...previous.members, ...objects.map((o) => o.ref)]) };
  if (await writeInventory(client, options.inventory, listed, previous)) writes++;

  // 3. Namespaces and CRDs, then wait for the CRDs to be served.
  const results = new Map<DesiredObject, ObjectResult>();
  const driftedSinceDeploy = (o: DesiredObject) => options.redeploy === true && previous.hashes.get(objectKey(o.ref)) === o.hash;
  const apply = async (list: DesiredObject[]) => {
    await mapLimit(list, concurrency, async (o) => {
      const result = await applyOne(client, o, verdicts.get(o), policy, signal, driftedSinceDeploy(o));
      if (result.action === 'created' || result.action === 'configured') writes++;
      results.set(o, result);
    }, signal);
  };
  const foundation = (o: DesiredObject) => (o.ref.kind === 'Namespace' && namespacesInSet.has(o.ref.name)) || o.ref.kind === 'CustomResourceDefinition';
  const waiting = new Set(deferred);
  await apply(objects.filter((o) => foundation(o) && !waiting.has(o)));
  await waitForCrds(client, objects.filter((o) => o.ref.kind === 'CustomResourceDefinition' && results.get(o)?.action !== 'conflict'), { timeoutMs: options.crdTimeoutMs ?? 60_000, ...(signal ? { signal } : {}) });

  // 4. Objects that needed those, checked now; a refusal here stops before the rest is applied.
  dryRuns += deferred.length;
  await mapLimit(deferred, concurrency, async (o) => verdicts.set(o, await dryRunObject(client, o, undefined, policy, signal)), signal);
  const late = refusals(deferred, verdicts);
  if (late.length) {
    const message = problemsMessage("the API server refused (only the commit's Namespaces and CRDs were applied)", late);
    return outcome({ status: 'failed', problems: late, message, objects: [...results.values()], desired: objects });
  }

  // 5. Everything else.
  await apply(objects.filter((o) => !results.has(o)));
  verdicts.clear();
  const objectResults = objects.map((o) => results.get(o)!);
  const failures = conflictProblems(objectResults);
  if (failures.length) {
    return outcome({ status: 'failed', problems: failures, message: problemsMessage(`${failures.length} of ${objects.length} objects not applied`, failures), objects: objectResults, desired: objects });
  }

  // 6. Prune what left Git, then record the new inventory with each object's content hash.
  let prune: PruneResult | undefined;
  if (options.prune !== false) {
    prune = await pruneObjects(client, {
      id, previous: previous.members, desired: objects.map((o) => o.ref), agentNamespace: options.inventory.namespace, concurrency,
      ...(input.sourceProblem ? { sourceProblem: input.sourceProblem } : {}), ...(signal ? { signal } : {}),
    }, options.prune ?? {});
    writes += prune.pruned.length;
  }
  // Without pruning, what left Git stays listed, so a later commit with pruning on can still remove it.
  const retained = prune ? prune.retained : previous.members;
  const hashes = new Map(objects.map((o) => [objectKey(o.ref), o.hash]));
  // The commit names the last apply that checked every object with the server; one taken whole from the cache changes nothing.
  const commit = known.size === objects.length && objects.length > 0 ? previous.commit : input.commit;
  const checkedAgainst = server ? withCreatedCrds(server, objects, results) : previous.server;
  if (await writeInventory(client, options.inventory, { commit, members: [...retained, ...objects.map((o) => o.ref)], hashes, server: checkedAgainst }, listed)) writes++;
  return outcome({ status: 'applied', problems: [], message: appliedMessage(objectResults, prune), objects: objectResults, desired: objects, prune });
}

async function applyOne(client: KubeClient, o: DesiredObject, verdict: DryRunVerdict | undefined, policy: ApplyPolicy, signal: AbortSignal | undefined, driftedSinceDeploy: boolean): Promise<ObjectResult> {
  const base = { ref: o.ref, file: o.file, line: o.line };
  if (verdict?.kind === 'conflict') return { ...base, action: driftedSinceDeploy ? 'drifted' : 'conflict', conflicts: verdict.conflicts, message: verdict.message };
  if (verdict?.kind === 'unchanged') return withApplied({ ...base, action: 'unchanged' }, verdict.resultText);
  try {
    // Dry-run Strict moments ago with this very body; a built-in kind's schema changes only with the server's version
    // (a custom resource's may change with a CRD this commit applies in between, so it is checked again).
    const validated = (verdict?.kind === 'create' || verdict?.kind === 'change') && isBuiltInGroup(o.resource.group);
    const text = await serverSideApplyText(client, o, policy, { signal, validated });
    return withApplied({ ...base, action: verdict?.kind === 'create' ? 'created' : 'configured' }, text);
  } catch (error) {
    if (!(error instanceof KubeApiError)) throw error;
    return { ...base, action: 'failed', message: error.message };
  }
}

/**
 * The fingerprint with the generation of each CRD this commit created: its
 * custom resources were checked once it was served. A CRD that existed keeps
 * the generation read before the apply, so when this commit changed it, the
 * next sync checks its custom resources against the new one.
 */
function withCreatedCrds(server: ServerFingerprint, objects: readonly DesiredObject[], results: ReadonlyMap<DesiredObject, ObjectResult>): ServerFingerprint {
  const crds = { ...server.crds };
  for (const o of objects) {
    if (o.ref.kind !== 'CustomResourceDefinition' || o.resource.group !== 'apiextensions.k8s.io' || crds[o.ref.name] !== undefined) continue;
    const generation = results.get(o)?.applied?.metadata?.generation;
    if (typeof generation === 'number') crds[o.ref.name] = generation;
  }
  return { version: server.version, crds: Object.fromEntries(Object.entries(crds).sort(([a], [b]) => (a < b ? -1 : 1))) };
}

function refusals(objects: readonly DesiredObject[], verdicts: Map<DesiredObject, DryRunVerdict>): SetProblem[] {
  const problems: SetProblem[] = [];
  for (const o of objects) {
    const verdict = verdicts.get(o);
    if (verdict?.kind === 'refused') problems.push({ file: o.file, line: o.line, ref: o.ref, message: verdict.message });
  }
  return problems;
}

/** A 404 for a Namespace that this commit creates: the object can be checked once it exists. */
function waitsForNamespace(error: KubeApiError, namespacesInSet: ReadonlySet<string>): boolean {
  return error.status === 404 && error.details?.kind === 'namespaces' && namespacesInSet.has(error.details.name ?? '');
}
