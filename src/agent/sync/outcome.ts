import type { KubeObject, ObjectRef } from '../../adapters/kube/client.js';
import type { FieldConflict } from '../apply/server-side-apply.js';
import { formatProblem, type SetProblem } from './desired.js';
import type { PruneResult } from './prune.js';
import type { DesiredObject } from './resolve.js';

/**
 * `drifted`: a conflict on an object unchanged in Git since Ladder's last complete apply, in a re-apply
 * of a commit already deployed (a new leader, a restart): someone took Ladder's fields after that deploy.
 * It is left as it is (not forced) and is drift detection's to report, not a failure of the deploy.
 */
export type ObjectAction = 'created' | 'configured' | 'unchanged' | 'conflict' | 'drifted' | 'failed' | 'not-applied';

export interface ObjectResult {
  ref: ObjectRef;
  file: string;
  line: number;
  action: ObjectAction;
  /** For `conflict` and `drifted`: the fields other managers own. */
  conflicts?: FieldConflict[];
  /** For `conflict` and `failed`: the API server's message. */
  message?: string;
  /**
   * The object as the API server holds it after this apply (the live object
   * when unchanged), as the server's JSON text: the snapshot drift detection
   * compares against, so it needs no dry-run of its own.
   */
  appliedText?: string;
  /** `appliedText` parsed, on demand (thousands of answers are kept as text and most are never read). */
  readonly applied?: KubeObject;
}

/**
 * The result with the server's answer kept as text and `applied` parsing it when read. A class, so the
 * getter is its prototype's: defined on each result (`Object.defineProperty`, a closure per object) it
 * turned every result into a dictionary-mode object, about 630 bytes against about 100, 10 MB held
 * through a full apply of 20,000 objects.
 */
export function withApplied(result: Omit<ObjectResult, 'applied' | 'appliedText'>, text: string): ObjectResult {
  return new AppliedResult(result, text);
}

class AppliedResult implements ObjectResult {
  // Declared only: the fields are the result's own, as given (an absent one stays absent).
  declare ref: ObjectRef;
  declare file: string;
  declare line: number;
  declare action: ObjectAction;
  declare conflicts?: FieldConflict[];
  declare message?: string;
  constructor(result: Omit<ObjectResult, 'applied' | 'appliedText'>, readonly appliedText: string) {
    Object.assign(this, result);
  }
  get applied(): KubeObject {
    return JSON.parse(this.appliedText) as KubeObject;
  }
}

/**
 * What applying one commit did.
 * - `applied`: every object is as Git says (prune may still have been blocked: see `prune.blocked`).
 * - `invalid`: the set was refused before anything was written (parse error, unknown kind, dry-run refusal).
 * - `failed`: some objects were not applied (conflicts, or a refusal of an object that could only be
 *   checked after its Namespace or CRD was created); nothing was pruned.
 */
export interface ApplyOutcome {
  commit: string;
  status: 'applied' | 'invalid' | 'failed';
  /** One line for a deployment status or a log: what happened, or the first problem. */
  message: string;
  problems: SetProblem[];
  objects: ObjectResult[];
  /** The objects as applied (our marks included), with their resources: what drift detection compares against. */
  desired: DesiredObject[];
  prune: PruneResult | undefined;
  inventory: { id: string; namespace: string; name: string };
  /** Writes sent to the API server (applies, deletes, inventory updates); 0 when nothing changed. */
  writes: number;
  /** All requests this apply sent, dry-runs and reads included. */
  requests: number;
  /** Server-side dry-runs sent. */
  dryRuns: number;
  /** Objects taken as they are from the watch cache: neither dry-run nor applied. */
  fromCache: number;
}

export function problemsMessage(prefix: string, problems: readonly SetProblem[]): string {
  const first = problems[0] ? formatProblem(problems[0]) : 'unknown problem';
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
  return `${prefix}: ${first}${more}`;
}

export function appliedMessage(objects: readonly ObjectResult[], prune: PruneResult | undefined): string {
  const changed = objects.filter((o) => o.action === 'created' || o.action === 'configured').length;
  const drifted = objects.filter((o) => o.action === 'drifted').length;
  const parts = [`applied ${objects.length} objects (${changed} changed${drifted ? `, ${drifted} drifted since the last deploy left to drift detection` : ''})`];
  if (prune?.pruned.length) parts.push(`pruned ${prune.pruned.length}`);
  if (prune?.blocked) parts.push(`prune blocked: ${prune.blocked}`);
  if (prune?.failed.length) parts.push(`${prune.failed.length} could not be pruned`);
  return parts.join('; ');
}

export function conflictProblems(objects: readonly ObjectResult[]): SetProblem[] {
  return objects
    .filter((o) => o.action === 'conflict' || o.action === 'failed')
    .map((o) => ({
      file: o.file,
      line: o.line,
      ref: o.ref,
      message: o.action === 'conflict'
        ? `conflict with ${[...new Set(o.conflicts?.map((c) => c.manager))].join(', ')} on ${o.conflicts?.map((c) => c.field).join(', ')} (not forced)`
        : o.message ?? 'failed',
    }));
}
