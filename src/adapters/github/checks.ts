import { annotationBatches, type CheckAnnotation } from '../../core/promotion/check-output.js';
import type { GitHubClient } from './client.js';
import { statusOf } from './errors.js';
import type { CheckRun, CheckRunReport, Checks } from './port.js';
import type { SignalAuthors } from './signal-authors.js';
import type { RepoRef } from './types.js';

/**
 * Check runs of one repository: Ladder's reports on code commits and
 * promotion commits. Reads see only the App's own runs: a `ladder/validate`
 * written by anyone else never gates anything.
 */
export function checksOf(octokit: GitHubClient, repo: RepoRef, authors: SignalAuthors): Checks {
  const ours = async (sha: string, name: string) => {
    const { id } = await authors.app();
    return (await latestRuns(octokit, repo, sha, name)).filter((run) => run.appId === id);
  };
  return {
    publish: (report) => publishCheckRun(octokit, repo, report, authors),
    runs: ours,
    has: async (sha, name) => (await ours(sha, name)).length > 0,
  };
}

/**
 * A completed check run with its annotations, 50 per request (the first
 * batch with the create, the rest as updates, which GitHub appends).
 * The create is not retried blindly: a 5xx may come after GitHub made the
 * run, so a failed create first looks for a run with our external id.
 */
async function publishCheckRun(octokit: GitHubClient, repo: RepoRef, report: CheckRunReport, authors: SignalAuthors): Promise<number> {
  const [first = [], ...rest] = annotationBatches(report.annotations ?? []);
  const output = (annotations: CheckAnnotation[]) => ({
    title: report.title,
    summary: report.summary,
    ...(report.text ? { text: report.text } : {}),
    annotations,
  });
  const body = {
    ...repo,
    name: report.name,
    head_sha: report.headSha,
    status: 'completed' as const,
    conclusion: report.conclusion,
    completed_at: new Date().toISOString(),
    external_id: report.externalId,
    ...(report.detailsUrl ? { details_url: report.detailsUrl } : {}),
    output: output(first),
  };
  let id: number | undefined;
  for (let attempt = 0; id === undefined; attempt++) {
    try {
      id = (await octokit.rest.checks.create({ ...body, request: { retries: 0 } })).data.id;
    } catch (error) {
      const status = statusOf(error);
      if (status === undefined || status < 500 || attempt >= 3) throw error;
      const app = await authors.app();
      id = (await latestRuns(octokit, repo, report.headSha, report.name)).find((run) => run.externalId === report.externalId && run.appId === app.id)?.id;
    }
  }
  for (const batch of rest) {
    await octokit.rest.checks.update({ ...repo, check_run_id: id, output: output(batch) });
  }
  return id;
}

/** The latest run per App named `name` on `sha` (GitHub's `filter: latest`), newest first, with the id of the App that wrote it. */
async function latestRuns(octokit: GitHubClient, repo: RepoRef, sha: string, name: string): Promise<(CheckRun & { appId: number | undefined })[]> {
  const { data } = await octokit.rest.checks.listForRef({ ...repo, ref: sha, check_name: name, filter: 'latest', per_page: 100 });
  return data.check_runs.map((run) => ({
    id: run.id,
    status: run.status,
    conclusion: run.conclusion,
    externalId: run.external_id,
    app: run.app?.slug,
    appId: run.app?.id,
  }));
}
