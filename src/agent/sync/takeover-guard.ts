import type { KubeClient, KubeObject } from '../../adapters/kube/client.js';
import { readLive } from '../apply/live.js';
import type { ClusterScopedCheck } from '../../core/services/cluster-scoped.js';
import type { DryRunVerdict } from '../apply/server-side-apply.js';
import { ADOPT_ANNOTATION, carriesInventoryMark, FIELD_MANAGER } from '../apply/marks.js';
import type { SetProblem } from './desired.js';
import type { DesiredObject } from './resolve.js';

/**
 * Cluster-scoped objects of the set that already exist and that Ladder did
 * not create (issue #11): applying a copy of an existing CRD would make
 * Ladder one of its managers, and a later commit without it would prune the
 * CRD and every custom resource of that kind cluster-wide; a Namespace an
 * administrator made, listed in Git, would become Ladder's, labels and
 * annotations overwritten and, with `prune.namespaces`, deleted with
 * everything in it once it left Git. Such an object is
 * refused, before anything is written, unless its manifest carries
 * `ladder.dev/adopt: "true"`. Ladder created an object when it carries this
 * inventory's annotation and an apply by Ladder's field manager. `live` holds
 * the objects labelled as this inventory's; one not among them is read (a
 * commit has few cluster-scoped objects).
 */
export async function findForeignClusterObjects(
  client: KubeClient,
  objects: readonly DesiredObject[],
  verdicts: ReadonlyMap<DesiredObject, DryRunVerdict>,
  live: ReadonlyMap<string, KubeObject>,
  inventoryId: string,
  signal?: AbortSignal,
): Promise<SetProblem[]> {
  const problems: SetProblem[] = [];
  for (const o of objects) {
    if (o.resource.namespaced) continue;
    const verdict = verdicts.get(o);
    if (!verdict || verdict.kind === 'refused') continue;
    const current = live.get(o.path) ?? (await readLive(client, o.path, signal));
    if (current === undefined) continue; // new: Ladder creates it
    const ours = carriesInventoryMark(current, inventoryId) && current.metadata?.managedFields?.some((f) => f.manager === FIELD_MANAGER && f.operation === 'Apply');
    if (ours || o.adopt) continue;
    const isNamespace = o.ref.kind === 'Namespace' && o.ref.apiVersion === 'v1';
    const harm = isNamespace ? 'pruning it later, with prune.namespaces, would delete everything in it' : 'pruning it later would delete it for everyone';
    problems.push({
      file: o.file,
      line: o.line,
      ref: o.ref,
      message:
        `${o.ref.kind} ${o.ref.name} already exists and Ladder did not create it: Ladder does not take over a cluster-scoped object ` +
        `(${harm}); to adopt it on purpose, annotate it in Git with ${ADOPT_ANNOTATION}: "true"`,
    });
  }
  return problems;
}

/** Cluster-scoped objects of the set that the grant (asked for only when there are some) does not allow, each at its file and line. */
export async function ungrantedClusterObjects(objects: readonly DesiredObject[], grant: (() => Promise<ClusterScopedCheck>) | undefined): Promise<SetProblem[]> {
  const clusterScoped = objects.filter((o) => !o.resource.namespaced);
  if (!grant || clusterScoped.length === 0) return [];
  const check = await grant();
  return clusterScoped.flatMap((o) => {
    const reason = check(o.ref.kind, o.ref.name);
    return reason ? [{ file: o.file, line: o.line, ref: o.ref, message: reason }] : [];
  });
}
