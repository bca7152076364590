import type { Bed } from './bed.js';
import { nowIso } from './bed.js';
import type { CheckRunState, CheckSuiteState, RepoState, User } from './state.js';
import { checkRunPayload, checkSuitePayload } from './webhooks/check-payloads.js';

/**
 * Check suites as GitHub keeps them: one per App and commit, made by the
 * App's first run on the commit (or by a push, for an App subscribed to
 * `check_suite`), its status and conclusion rolled up from its runs; and the
 * `check_run` and `check_suite` webhooks their changes raise. `created` and
 * `completed` reach every App that may read checks; `rerequested` and
 * `requested` only the App that owns the run or suite.
 */

/** How run conclusions roll up into the suite's: the first found wins (neutral and skipped runs do not spoil a success). */
const SEVERITY = ['action_required', 'cancelled', 'timed_out', 'failure', 'startup_failure', 'stale', 'success', 'neutral', 'skipped'];

export function suiteFor(bed: Bed, repo: RepoState, appId: number, headSha: string): CheckSuiteState {
  for (const suite of repo.checkSuites.values()) if (suite.appId === appId && suite.headSha === headSha) return suite;
  const now = nowIso(bed);
  const suite: CheckSuiteState = { id: bed.state.nextId(), appId, headSha, headBranch: null, status: 'queued', conclusion: null, before: null, after: null, createdAt: now, updatedAt: now };
  repo.checkSuites.set(suite.id, suite);
  return suite;
}

/** The suite's status and conclusion from its runs; `check_suite.completed` when it has just completed. */
export async function rollUp(bed: Bed, repo: RepoState, suite: CheckSuiteState, sender: User): Promise<void> {
  const runs = [...repo.checkRuns.values()].filter((run) => run.checkSuiteId === suite.id);
  const wasCompleted = suite.status === 'completed';
  if (runs.length === 0) suite.status = 'queued';
  else if (runs.every((run) => run.status === 'completed')) suite.status = 'completed';
  else suite.status = runs.some((run) => run.status !== 'queued') ? 'in_progress' : 'queued';
  const conclusions = new Set(runs.map((run) => run.conclusion));
  suite.conclusion = suite.status === 'completed' ? (SEVERITY.find((c) => conclusions.has(c)) ?? 'success') : null;
  suite.updatedAt = nowIso(bed);
  if (suite.status === 'completed' && !wasCompleted) {
    bed.emit({ event: 'check_suite', payload: await checkSuitePayload(bed, repo, suite, 'completed', sender) });
  }
}

/** Raises `check_run` for a run (rerequested: to its App only). */
export async function emitRun(bed: Bed, repo: RepoState, run: CheckRunState, action: 'created' | 'completed' | 'rerequested', sender: User): Promise<void> {
  bed.emit({ event: 'check_run', payload: await checkRunPayload(bed, repo, run, action, sender), ...(action === 'rerequested' ? { onlyApp: run.appId } : {}) });
}

/**
 * A push: every App installed with `checks: write` and subscribed to
 * `check_suite` gets a suite for the new head and `check_suite.requested`.
 */
export async function requestSuites(bed: Bed, repo: RepoState, change: { branch: string; before: string | null; after: string }, sender: User): Promise<void> {
  for (const app of bed.apps.values()) {
    const installation = bed.tokens.installationFor(repo, app.id);
    if (!installation || installation.permissions.checks !== 'write' || !installation.events.includes('check_suite')) continue;
    const suite = suiteFor(bed, repo, app.id, change.after);
    Object.assign(suite, { headBranch: change.branch, before: change.before, after: change.after });
    bed.emit({ event: 'check_suite', payload: await checkSuitePayload(bed, repo, suite, 'requested', sender), onlyApp: app.id });
  }
}
