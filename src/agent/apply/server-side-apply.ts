import { isDeepStrictEqual } from 'node:util';
import { KubeApiError, type KubeClient, type KubeObject } from '../../adapters/kube/client.js';
import { FIELD_MANAGER } from './marks.js';

/**
 * How Ladder applies, whoever applies: the sync of a commit, a drift
 * watcher's snapshot, and a self-heal all go through `serverSideApply` with
 * the same policy, so they take (or refuse to take) the same fields.
 */
export interface ApplyPolicy {
  /** Take fields other managers own (`apply.forceConflicts`) instead of reporting a conflict. */
  forceConflicts: boolean;
}

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

/**
 * Server-side apply as field manager `ladder`, with `fieldValidation=Strict`
 * (an unknown or duplicate field is refused, not dropped) and the policy's
 * answer to conflicts. The body is JSON, which is valid YAML. `dryRun`
 * stores nothing and answers what the apply would make.
 */
export function serverSideApply(
  client: KubeClient,
  target: { path: string; object: KubeObject },
  policy: ApplyPolicy,
  options: { dryRun?: boolean; signal?: AbortSignal | undefined } = {},
): Promise<KubeObject> {
  return client.request<KubeObject>('PATCH', target.path, {
    query: { fieldManager: FIELD_MANAGER, force: policy.forceConflicts, fieldValidation: 'Strict', dryRun: options.dryRun ? 'All' : undefined },
    contentType: 'application/apply-patch+yaml',
    body: target.object,
    signal: options.signal,
  });
}

/**
 * Server-side apply of one object with `dryRun=All`: the server validates,
 * defaults and merges it with what is live, and stores nothing. Comparing the
 * result with the live object (undefined when there is none, or when it lacks
 * our label) tells whether a real apply would change it.
 */
export async function dryRunObject(
  client: KubeClient,
  target: { path: string; object: KubeObject },
  live: KubeObject | undefined,
  policy: ApplyPolicy,
  signal?: AbortSignal,
): Promise<DryRunVerdict> {
  try {
    const result = await serverSideApply(client, target, policy, { dryRun: true, signal });
    if (!live) return { kind: 'create', result };
    return { kind: isDeepStrictEqual(result, live) ? 'unchanged' : 'change', result };
  } catch (error) {
    if (!(error instanceof KubeApiError)) throw error;
    const conflicts = conflictsOf(error);
    if (conflicts.length > 0) return { kind: 'conflict', conflicts, message: error.message };
    return { kind: 'refused', message: error.message, error };
  }
}

/** The other managers and fields of a 409 apply conflict; empty for any other error. */
export function conflictsOf(error: KubeApiError): FieldConflict[] {
  if (error.status !== 409) return [];
  return error.causes
    .filter((cause) => cause.reason === 'FieldManagerConflict')
    .map((cause) => ({ manager: /conflict with "([^"]+)"/.exec(cause.message ?? '')?.[1] ?? 'unknown', field: cause.field ?? '' }));
}
