import { annotationBatches, type CheckAnnotation } from '../../core/promotion/check-output.js';
import { statusOf } from './errors.js';
import type { GitHubClient, RepoRef } from './types.js';

export interface CheckRunReport {
  name: string;
  headSha: string;
  conclusion: 'success' | 'failure' | 'neutral' | 'action_required';
  title: string;
  summary: string;
  text?: string;
  annotations?: readonly CheckAnnotation[];
  detailsUrl?: string;
  /** Identifies this report, so a retried create can find the run it made. */
  externalId: string;
}

/**
 * A completed check run with its annotations, 50 per request (the first
 * batch with the create, the rest as updates, which GitHub appends).
 * The create is not retried blindly: a 5xx may come after GitHub made the
 * run, so a failed create first looks for a run with our external id.
 */
export async function publishCheckRun(octokit: GitHubClient, repo: RepoRef, report: CheckRunReport): Promise<number> {
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
      id = await findCheckRun(octokit, repo, report);
    }
  }
  for (const batch of rest) {
    await octokit.rest.checks.update({ ...repo, check_run_id: id, output: output(batch) });
  }
  return id;
}

async function findCheckRun(octokit: GitHubClient, repo: RepoRef, report: CheckRunReport): Promise<number | undefined> {
  const { data } = await octokit.rest.checks.listForRef({ ...repo, ref: report.headSha, check_name: report.name, filter: 'latest', per_page: 100 });
  return data.check_runs.find((run) => run.external_id === report.externalId)?.id;
}

/** Whether `sha` has a check run named `name` (any state): one request. */
export async function hasCheckRun(octokit: GitHubClient, repo: RepoRef, sha: string, name: string): Promise<boolean> {
  const { data } = await octokit.rest.checks.listForRef({ ...repo, ref: sha, check_name: name, per_page: 1 });
  return data.total_count > 0;
}
