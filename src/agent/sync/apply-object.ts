import { isDeepStrictEqual } from 'node:util';
import { KubeApiError, type KubeClient, type KubeObject } from '../../adapters/kube/client.js';
import { FIELD_MANAGER } from './marks.js';
import type { DesiredObject } from './resolve.js';

/** A field another manager owns, from the API server's conflict causes. */
export interface FieldConflict {
  manager: string;
  field: string;
}

/** What a server-side dry-run says the apply of one object would do. */
export type DryRunVerdict =
  | { kind: 'create' | 'change' | 'unchanged'; result: KubeObject }
  | { kind: 'conflict'; conflicts: FieldConflict[]; message: string }
  | { kind: 'refused'; message: string; error: KubeApiError };

export interface ApplyCallOptions {
  force: boolean;
  signal?: AbortSignal;
}

/**
 * Server-side apply of one object with `dryRun=All`: the server validates,
 * defaults and merges it with what is live, and stores nothing. Comparing the
 * result with the live object (undefined when there is none, or when it lacks
 * our label) tells whether a real apply would change it.
 */
export async function dryRunObject(client: KubeClient, desired: DesiredObject, live: KubeObject | undefined, options: ApplyCallOptions): Promise<DryRunVerdict> {
  try {
    const result = await serverSideApply(client, desired, { ...options, dryRun: true });
    if (!live) return { kind: 'create', result };
    return { kind: isDeepStrictEqual(result, live) ? 'unchanged' : 'change', result };
  } catch (error) {
    if (!(error instanceof KubeApiError)) throw error;
    const conflicts = conflictsOf(error);
    if (conflicts.length > 0) return { kind: 'conflict', conflicts, message: error.message };
    return { kind: 'refused', message: error.message, error };
  }
}

/** Server-side apply with field manager `ladder`. The body is JSON, which is valid YAML. */
export function serverSideApply(client: KubeClient, desired: DesiredObject, options: ApplyCallOptions & { dryRun?: boolean }): Promise<KubeObject> {
  return client.request<KubeObject>('PATCH', desired.path, {
    query: { fieldManager: FIELD_MANAGER, force: options.force, fieldValidation: 'Strict', dryRun: options.dryRun ? 'All' : undefined },
    contentType: 'application/apply-patch+yaml',
    body: desired.object,
    signal: options.signal,
  });
}

/** The other managers and fields of a 409 apply conflict; empty for any other error. */
export function conflictsOf(error: KubeApiError): FieldConflict[] {
  if (error.status !== 409) return [];
  return error.causes
    .filter((cause) => cause.reason === 'FieldManagerConflict')
    .map((cause) => ({ manager: /conflict with "([^"]+)"/.exec(cause.message ?? '')?.[1] ?? 'unknown', field: cause.field ?? '' }));
}
