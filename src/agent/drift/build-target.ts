import type { Logger } from 'pino';
import type { KubeClient, KubeObject, ObjectRef } from '../../adapters/kube/client.js';
import { contentHash, serverSideApplyText, type ApplyPolicy } from '../apply/server-side-apply.js';
import { identityOfObject, keep, keepText, newer, partOfLabel, watchFor, type Kept, type Target } from './target.js';

export type DesiredObject = {
  ref: ObjectRef;
  /** The sync's content hash of the object; computed from its JSON when absent. */
  hash?: string;
  /** The server's answer to that apply. Without it the watcher asks for a dry-run apply. */
  applied?: KubeObject;
  /** The same answer as the server's JSON text (kept as is, never parsed for that). */
  appliedText?: string;
  /** Manifest file it came from, for the link in alerts. */
  file?: string;
} & (
  | {
    /** The object exactly as Ladder applies it (inventory labels included): self-heal applies it again. */
    desired: KubeObject;
    /** `desired` as the JSON the sync sent, when it has it (saves serialising it again). */
    body?: string;
  }
  | {
    /** The object exactly as Ladder applies it, as the JSON the sync sent (the sync holds no parsed copy). */
    body: string;
    /** Its inventory label, which selects its watch. */
    partOf: string | undefined;
  }
);

/**
 * The watcher's record of one desired object: its resource, its snapshot (the
 * apply answer, the previous snapshot when the object did not change, or a
 * dry-run apply) and what it carries over from the previous commit.
 */
export async function buildTarget(
  client: KubeClient,
  commit: string,
  object: DesiredObject,
  context: { policy: ApplyPolicy; previousTarget: (key: string) => Target | undefined; log?: Pick<Logger, 'warn'> | undefined; keepDesired: boolean },
): Promise<Target | undefined> {
  const { log } = context;
  const { ref } = object;
  const info = await client.resourceFor(ref.apiVersion, ref.kind);
  if (!info) {
    log?.warn({ object: `${ref.kind} ${ref.name}` }, 'drift: kind not served; not watched');
    return undefined;
  }
  const namespace = info.namespaced ? ref.namespace : undefined;
  const key = identityOfObject(ref.apiVersion, ref.kind, namespace, ref.name);
  const old = context.previousTarget(key);
  const path = client.pathFor(ref, info);
  const desiredText = 'desired' in object ? object.body ?? JSON.stringify(object.desired) : object.body;
  const partOf = 'desired' in object ? partOfLabel(object.desired) : object.partOf;
  const hash = object.hash ?? contentHash({ path, body: desiredText }, context.policy);
  // Unchanged since the last commit: its snapshot still holds, no need to ask the server again.
  // The answer is the live version already kept (the unchanged re-apply takes it from the watch cache): that one serves.
  const applied = object.appliedText !== undefined ? (old?.live?.text === object.appliedText ? old.live : keepText(object.appliedText)) : object.applied ? keep(object.applied) : undefined;
  let snapshot: Kept | undefined = applied ?? (old?.hash === hash ? old.snapshot : undefined);
  if (!snapshot) {
    try {
      // Forced: the snapshot is what Ladder's apply makes of the object, with Ladder's fields its own. A dry-run stores
      // nothing, and without force an object whose field another manager took (drift itself) would answer a conflict
      // and go unwatched, which is how a new leader lost sight of an open incident's object.
      snapshot = keepText(await serverSideApplyText(client, { path, body: desiredText }, { forceConflicts: true }, { dryRun: true }));
    } catch (error) {
      log?.warn({ object: key, error: (error as Error).message }, 'drift: dry-run apply failed; not watched');
      return undefined;
    }
  }
  const target: Target = {
    key,
    ref: ref.namespace === namespace ? ref : { ...ref, ...(namespace ? { namespace } : {}) },
    info,
    ...(context.keepDesired ? { desiredText } : {}),
    hash,
    commit,
    snapshot,
    watch: watchFor(ref, info, partOf),
    live: applied ? newer(old?.live, applied) : old?.live,
  };
  if (object.file) target.file = object.file;
  if (partOf) target.partOf = partOf;
  if (old) Object.assign(target, { previous: old.previous, incident: old.incident, signature: old.signature, lastHealAt: old.lastHealAt });
  return target;
}
