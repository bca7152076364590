// managedFields times have one-second resolution: a test whose premise is "a later write by the
// same manager" (so its time differs from the earlier one's) waits for the API server's clock to
// pass the earlier second, read from the server itself, instead of sleeping a second and a bit.
import type { KubeClient, KubeObject } from '../../src/adapters/kube/client.js';
import { eventually } from './agent/log.js';

/** The time `manager` last wrote `object` (its managedFields entry; the main resource unless `subresource` is named). */
export function managedTime(object: KubeObject, manager: string, subresource?: string): string {
  const entry = object.metadata?.managedFields?.find((e) => e.manager === manager && (e.subresource ?? undefined) === subresource);
  if (!entry?.time) throw new Error(`${object.kind} ${object.metadata?.name} has no managedFields entry of ${manager}${subresource ? ` on ${subresource}` : ''}`);
  return entry.time;
}

/** Waits until the API server's clock reads a later second than `time` (RFC 3339, as managedFields give it). */
export async function serverClockPast(client: KubeClient, namespace: string, time: string): Promise<void> {
  const path = `/api/v1/namespaces/${namespace}/configmaps/ladder-test-clock`;
  let probe = 0;
  await eventually(async () => {
    const answer = await client.request<KubeObject>('PATCH', path, {
      query: { fieldManager: 'ladder-test-clock', force: true },
      body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ladder-test-clock', namespace }, data: { probe: `${process.pid}-${probe++}` } },
      contentType: 'application/apply-patch+yaml',
    });
    return Date.parse(managedTime(answer, 'ladder-test-clock')) > Date.parse(time);
  }, `the API server's clock to pass ${time}`, 30_000, 100);
}
