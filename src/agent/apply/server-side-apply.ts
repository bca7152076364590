import { createHash } from 'node:crypto';
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

/**
 * What a server-side dry-run says the apply of one object would do. A
 * create's answer is not kept (the apply's own answer replaces it); an
 * unchanged object's answer is what the server holds, kept as its JSON text.
 */
export type DryRunVerdict =
  | { kind: 'create' | 'change' }
  | { kind: 'unchanged'; resultText: string }
  | { kind: 'conflict'; conflicts: FieldConflict[]; message: string }
  | { kind: 'refused'; message: string; error: KubeApiError };

/** An object ready to send: its API path and its body, serialised once for the dry-run and the apply. */
export interface ApplyTarget {
  path: string;
  body: string;
}

/**
 * Server-side apply as field manager `ladder`, with `fieldValidation=Strict`
 * (an unknown or duplicate field is refused, not dropped) and the policy's
 * answer to conflicts. The body is JSON, which is valid YAML. `dryRun`
 * stores nothing and answers what the apply would make.
 */
export function serverSideApply(
  client: KubeClient,
  target: { path: string; object: KubeObject } | ApplyTarget,
  policy: ApplyPolicy,
  options: { dryRun?: boolean; signal?: AbortSignal | undefined } = {},
): Promise<KubeObject> {
  return serverSideApplyText(client, 'body' in target ? target : { path: target.path, body: JSON.stringify(target.object) }, policy, options).then((text) => JSON.parse(text) as KubeObject);
}

/**
 * serverSideApply answering the server's JSON text, for callers that keep it as text. `validated`:
 * this exact body was just dry-run with `Strict` against the same schema, so the apply asks for
 * `fieldValidation=Ignore` — there is nothing left to find, and the server skips its second, strict
 * parse of the body (its duplicate-field check): about 5% of the API server's CPU per apply in a profile
 * (docs/performance.md).
 */
export function serverSideApplyText(client: KubeClient, target: ApplyTarget, policy: ApplyPolicy, options: { dryRun?: boolean; validated?: boolean; signal?: AbortSignal | undefined } = {}): Promise<string> {
  return client.requestText('PATCH', target.path, {
    query: { fieldManager: FIELD_MANAGER, force: policy.forceConflicts, fieldValidation: options.validated && !options.dryRun ? 'Ignore' : 'Strict', dryRun: options.dryRun ? 'All' : undefined },
    contentType: 'application/apply-patch+yaml',
    body: target.body,
    signal: options.signal,
  });
}

/**
 * Server-side apply of one object with `dryRun=All`: the server validates,
 * defaults and merges it with what is live, and stores nothing. Comparing the
 * result with the live object (undefined when there is none, or when it lacks
 * our label) tells whether a real apply would change it.
 */
export async function dryRunObject(client: KubeClient, target: ApplyTarget, live: KubeObject | undefined, policy: ApplyPolicy, signal?: AbortSignal): Promise<DryRunVerdict> {
  try {
    const text = await serverSideApplyText(client, target, policy, { dryRun: true, signal });
    if (!live) return { kind: 'create' };
    return isDeepStrictEqual(JSON.parse(text), live) ? { kind: 'unchanged', resultText: text } : { kind: 'change' };
  } catch (error) {
    if (!(error instanceof KubeApiError)) throw error;
    const conflicts = conflictsOf(error);
    if (conflicts.length > 0) return { kind: 'conflict', conflicts, message: error.message };
    return { kind: 'refused', message: error.message, error };
  }
}

/**
 * The content hash of an object as Ladder applies it: its path, the exact
 * body and the apply policy. Equal hashes mean the same apply request, so an
 * object whose hash matches the one recorded after its last complete apply
 * was not changed in Git since.
 */
export function contentHash(target: ApplyTarget, policy: ApplyPolicy): string {
  return createHash('sha256').update(`${target.path}\n${policy.forceConflicts ? 'force' : 'no-force'}\n${target.body}`).digest('base64url').slice(0, 22);
}

/** The other managers and fields of a 409 apply conflict; empty for any other error. */
export function conflictsOf(error: KubeApiError): FieldConflict[] {
  if (error.status !== 409) return [];
  return error.causes
    .filter((cause) => cause.reason === 'FieldManagerConflict')
    .map((cause) => ({ manager: /conflict with "([^"]+)"/.exec(cause.message ?? '')?.[1] ?? 'unknown', field: cause.field ?? '' }));
}
