import type { Logger } from 'pino';
import type { KubeClient, KubeObject, ObjectRef } from '../../adapters/kube/client.js';
import { canonicalJson } from '../../core/drift/index.js';
import { serverSideApply, type ApplyPolicy } from '../apply/server-side-apply.js';
import { identityOfObject, keep, newer, watchFor, type Kept, type Target } from './target.js';

export interface DesiredObject {
  ref: ObjectRef;
  /** The object exactly as Ladder applies it (inventory labels included): self-heal applies it again. */
  desired: KubeObject;
  /** The server's answer to that apply. Without it the watcher asks for a dry-run apply. */
  applied?: KubeObject;
  /** Manifest file it came from, for the link in alerts. */
  file?: string;
}

/**
 * The watcher's record of one desired object: its resource, its snapshot (the
 * apply answer, the previous snapshot when the object did not change, or a
 * dry-run apply) and what it carries over from the previous commit.
 */
export async function buildTarget(
  client: KubeClient,
  commit: string,
  object: DesiredObject,
  context: { policy: ApplyPolicy; previousTarget: (key: string) => Target | undefined; log?: Pick<Logger, 'warn'> | undefined },
): Promise<Target | undefined> {
  const { log } = context;
  const { ref, desired } = object;
  const info = await client.resourceFor(ref.apiVersion, ref.kind);
  if (!info) {
    log?.warn({ object: `${ref.kind} ${ref.name}` }, 'drift: kind not served; not watched');
    return undefined;
  }
  const namespace = info.namespaced ? ref.namespace : undefined;
  const key = identityOfObject(ref.apiVersion, ref.kind, namespace, ref.name);
  const old = context.previousTarget(key);
  // Unchanged since the last commit: its snapshot still holds, no need to ask the server again.
  const applied = object.applied ? keep(object.applied) : undefined;
  let snapshot: Kept | undefined = applied ?? (old && canonicalJson(old.desired) === canonicalJson(desired) ? old.snapshot : undefined);
  if (!snapshot) {
    try {
      snapshot = keep(await serverSideApply(client, { path: client.pathFor(ref, info), object: desired }, context.policy, { dryRun: true }));
    } catch (error) {
      log?.warn({ object: key, error: (error as Error).message }, 'drift: dry-run apply failed; not watched');
      return undefined;
    }
  }
  const target: Target = {
    key,
    ref: ref.namespace === namespace ? ref : { ...ref, ...(namespace ? { namespace } : {}) },
    info,
    desired,
    commit,
    snapshot,
    watch: watchFor(ref, info, desired),
    live: applied ? newer(old?.live, applied) : old?.live,
  };
  if (object.file) target.file = object.file;
  if (old) Object.assign(target, { previous: old.previous, incident: old.incident, signature: old.signature, lastHealAt: old.lastHealAt });
  return target;
}
