// The positive signal a "no drift was reported" check waits for: the drift watcher has judged
// each write the test made (the version the server answered, or a later one) and nothing it
// started (an evaluation, an alert) is still in flight. Whatever it would have reported about
// those writes has been reported by then, however slow the machine.
import type { KubeObject, ObjectRef } from '../../src/adapters/kube/client.js';
import type { DriftWatcher } from '../../src/agent/drift/watcher.js';
import { eventually } from './agent/log.js';

/** Waits until `watcher` has judged every one of `writes` (the server's answers to them). */
export async function judged(watcher: DriftWatcher, writes: readonly KubeObject[], timeoutMs = 30_000): Promise<void> {
  for (const write of writes) {
    const ref = refOf(write);
    const version = Number(write.metadata?.resourceVersion);
    if (!Number.isSafeInteger(version)) throw new Error(`${ref.kind} ${ref.name}: the answer has no numeric resourceVersion`);
    await eventually(() => Number(watcher.judgedVersion(ref) ?? -1) >= version, `the drift watcher to judge ${ref.kind} ${ref.name} at version ${version} (it has judged ${watcher.judgedVersion(ref) ?? 'nothing'})`, timeoutMs, 20);
  }
  await watcher.settled();
}

function refOf(object: KubeObject): ObjectRef {
  const { apiVersion, kind, metadata } = object;
  if (!apiVersion || !kind || !metadata?.name) throw new Error(`not an object the server answered: ${JSON.stringify(object).slice(0, 200)}`);
  return { apiVersion, kind, name: metadata.name, ...(metadata.namespace ? { namespace: metadata.namespace } : {}) };
}
