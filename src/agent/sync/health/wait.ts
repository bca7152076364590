import { describeRef, type KubeClient, type KubeList, type KubeObject, type ObjectRef, type ResourceInfo, type WatchHandle } from '../../../adapters/kube/client.js';
import { healthCheckFor } from './checks.js';
import type { HealthState } from './types.js';

export interface HealthOptions {
  /** Give up after this long; the outcome then names each object that is not healthy and why. */
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  /** How soon a kind not served yet is looked up again, and a broken watch reopened. Default 2000. */
  pollMs?: number;
  /** Called with every object's state whenever one changes while the wait goes on (the rollout's progress). */
  onProgress?: (objects: readonly ObjectHealth[]) => void;
}

export interface ObjectHealth {
  ref: ObjectRef;
  state: HealthState;
  reason?: string;
  /** How far its rollout got, when its kind says (a Deployment's replicas and failing condition). */
  progress?: string;
}

export interface HealthOutcome {
  healthy: boolean;
  /** True when the deadline passed with objects still progressing. */
  timedOut: boolean;
  objects: ObjectHealth[];
  /** One line: `3 objects healthy`, or each unhealthy object and why. */
  message: string;
}

/**
 * Waits until every Deployment, StatefulSet, DaemonSet, Job and
 * PersistentVolumeClaim among `refs` is healthy; other kinds count as healthy
 * once they exist. By watch, not by polling: one list and one watch per
 * resource and namespace (from the list's resourceVersion), each event judged
 * as it comes, so a rollout is seen finish as soon as its controller says so
 * and an idle wait sends nothing. A watch the server ends or that breaks is
 * listed and opened again. Returns early when one fails for good (a failed
 * Job, a Deployment past its progress deadline); at `timeoutMs` names each
 * object not healthy and why. An abort through `signal` rejects.
 */
export async function waitForHealth(client: KubeClient, refs: readonly ObjectRef[], options: HealthOptions): Promise<HealthOutcome> {
  options.signal?.throwIfAborted();
  const pollMs = options.pollMs ?? 2000;
  const results = new Map<ObjectRef, ObjectHealth>(refs.map((ref) => [ref, { ref, state: 'progressing', reason: 'not read yet' }]));
  const settled = (ref: ObjectRef) => results.get(ref)!.state !== 'progressing';
  return new Promise<HealthOutcome>((resolve, reject) => {
    const stop = new AbortController();
    const watches = new Set<WatchHandle>();
    const timers = new Set<ReturnType<typeof setTimeout>>();
    let done = false;
    const finish = (outcome: HealthOutcome | undefined, error?: unknown) => {
      if (done) return;
      done = true;
      stop.abort();
      for (const watch of watches) watch.abort();
      for (const timer of timers) clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (outcome) resolve(outcome);
      else reject(error);
    };
    const onAbort = () => finish(undefined, options.signal!.reason);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const later = (ms: number, task: () => void) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!done) task();
      }, ms);
      timers.add(timer);
    };
    later(options.timeoutMs, () => {
      const objects = refs.map((ref) => results.get(ref)!);
      const late = objects.filter((o) => o.state !== 'healthy');
      finish({ healthy: false, timedOut: true, objects, message: describeUnhealthy(`not healthy after ${Math.round(options.timeoutMs / 1000)} s`, late) });
    });

    let lastProgress = '';
    const evaluate = () => {
      if (done) return;
      const objects = refs.map((ref) => results.get(ref)!);
      const failed = objects.filter((o) => o.state === 'failed');
      if (failed.length) return finish({ healthy: false, timedOut: false, objects, message: describeUnhealthy('failed', failed) });
      if (objects.every((o) => o.state === 'healthy')) return finish({ healthy: true, timedOut: false, objects, message: `${refs.length} objects healthy` });
      const progress = JSON.stringify(objects.map((o) => [o.state, o.reason, o.progress]));
      if (progress !== lastProgress) {
        lastProgress = progress;
        options.onProgress?.(objects);
      }
    };
    const judgeInto = (ref: ObjectRef, live: KubeObject | undefined) => {
      if (settled(ref)) return; // a verdict stands, as when each read only the objects still progressing
      results.set(ref, judge(ref, live));
    };

    /** Lists the collection, judges its members among `group`, then watches it until they are settled. */
    const follow = (collection: string, group: ObjectRef[]) => {
      if (done) return;
      const byName = new Map(group.map((ref) => [ref.name, ref]));
      client.request<KubeList>('GET', collection, { signal: stop.signal }).then(
        (list) => {
          if (done) return;
          const items = new Map((list.items ?? []).map((item) => [item.metadata?.name ?? '', item]));
          for (const ref of group) judgeInto(ref, items.get(ref.name));
          evaluate();
          if (done || group.every(settled)) return;
          const query = { resourceVersion: list.metadata?.resourceVersion ?? '', allowWatchBookmarks: true, timeoutSeconds: 300 };
          const watch = client.watch(
            collection,
            query,
            (type, object) => {
              const ref = byName.get(object.metadata?.name ?? '');
              if (!ref || type === 'BOOKMARK') return;
              judgeInto(ref, type === 'DELETED' ? undefined : object);
              evaluate();
              if (!done && group.every(settled)) watch.abort();
            },
            (error) => {
              watches.delete(watch);
              if (done || group.every(settled)) return;
              // Ended by the server (its timeout), too old a version (410), or broken: list again.
              later(error ? pollMs : 0, () => follow(collection, group));
            },
          );
          watches.add(watch);
        },
        () => later(pollMs, () => follow(collection, group)),
      );
    };

    /** Groups the objects by collection; a kind not served yet is looked up again every pollMs. */
    const start = async (pending: readonly ObjectRef[]) => {
      const groups = new Map<string, ObjectRef[]>();
      const unserved: ObjectRef[] = [];
      for (const ref of pending) {
        const resource = await client.resourceFor(ref.apiVersion, ref.kind).catch(() => undefined);
        if (done) return;
        if (!resource) {
          results.set(ref, { ref, state: 'progressing', reason: `${ref.apiVersion} ${ref.kind} is not served` });
          unserved.push(ref);
          continue;
        }
        const collection = collectionOf(client, ref, resource);
        groups.set(collection, [...(groups.get(collection) ?? []), ref]);
      }
      for (const [collection, group] of groups) follow(collection, group);
      if (unserved.length) {
        evaluate();
        later(pollMs, () => void start(unserved));
      }
    };
    void start(refs).catch((error: unknown) => finish(undefined, error));
  });
}

function collectionOf(client: KubeClient, ref: ObjectRef, resource: ResourceInfo): string {
  const path = client.pathFor(ref, resource);
  return path.slice(0, path.lastIndexOf('/'));
}

function judge(ref: ObjectRef, live: KubeObject | undefined): ObjectHealth {
  if (!live) return { ref, state: 'progressing', reason: 'not found' };
  const check = healthCheckFor(ref.apiVersion, ref.kind);
  const status = check ? check(live) : { state: 'healthy' as const };
  return { ref, state: status.state, ...(status.reason ? { reason: status.reason } : {}), ...(status.progress ? { progress: status.progress } : {}) };
}

function describeUnhealthy(prefix: string, objects: readonly ObjectHealth[]): string {
  return `${prefix}: ${objects.map((o) => `${describeRef(o.ref)} (${o.reason ?? o.state})`).join('; ')}`;
}
