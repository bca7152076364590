import type { Bed } from '../bed.js';
import { checkRun, checkSuiteCore } from '../shapes/checks.js';
import { simpleUser } from '../shapes/users.js';
import type { CheckRunState, CheckSuiteState, RepoState, User } from '../state.js';
import { installationOf, webhookRepository } from './payloads.js';

/** `check_run` (created, completed, rerequested): the run with its suite, as the webhook carries it. */
export async function checkRunPayload(bed: Bed, repo: RepoState, run: CheckRunState, action: string, sender: User) {
  const suite = repo.checkSuites.get(run.checkSuiteId);
  const shaped = checkRun(bed, repo, run);
  return {
    action,
    check_run: {
      ...shaped,
      // The webhook's run has strings where REST has nulls.
      details_url: shaped.details_url ?? '',
      external_id: shaped.external_id ?? '',
      check_suite: suite ? checkSuiteCore(bed, repo, suite) : { id: run.checkSuiteId },
    },
    repository: webhookRepository(bed, repo),
    sender: simpleUser(bed.urls, sender),
    ...installationOf(bed, repo),
  };
}

/** `check_suite` (requested, rerequested, completed). */
export async function checkSuitePayload(bed: Bed, repo: RepoState, suite: CheckSuiteState, action: string, sender: User) {
  const commit = await bed.git.readCommit(repo.fullName, suite.headSha);
  const runs = [...repo.checkRuns.values()].filter((run) => run.checkSuiteId === suite.id);
  return {
    action,
    check_suite: {
      ...checkSuiteCore(bed, repo, suite),
      latest_check_runs_count: new Set(runs.map((run) => run.name)).size,
      check_runs_url: bed.urls.repo(repo.fullName, `/check-suites/${suite.id}/check-runs`),
      head_commit: commit
        ? {
            id: commit.sha,
            tree_id: commit.tree,
            message: commit.message,
            timestamp: commit.committer.date,
            author: { name: commit.author.name, email: commit.author.email },
            committer: { name: commit.committer.name, email: commit.committer.email },
          }
        : null,
    },
    repository: webhookRepository(bed, repo),
    sender: simpleUser(bed.urls, sender),
    ...installationOf(bed, repo),
  };
}
