import type { Bed } from '../bed.js';
import type { CheckRunState, CheckSuiteState, CommitStatusState, DeploymentState, DeploymentStatusState, RepoState } from '../state.js';
import { minimalRepository } from './repo.js';
import { appOfBot } from '../apps.js';
import { integration } from './app.js';
import { simpleUser } from './users.js';
import { nodeId } from './urls.js';

export function checkRun(bed: Bed, repo: RepoState, run: CheckRunState) {
  const url = bed.urls.repo(repo.fullName, `/check-runs/${run.id}`);
  const app = bed.apps.get(run.appId);
  return {
    id: run.id,
    node_id: nodeId('CR', run.id),
    head_sha: run.headSha,
    external_id: run.externalId ?? '',
    url,
    html_url: bed.urls.repoHtml(repo.fullName, `/runs/${run.id}`),
    // "If the integrator does not provide this, then the homepage of the GitHub app is used."
    details_url: run.detailsUrl ?? app?.externalUrl ?? null,
    status: run.status,
    conclusion: run.conclusion,
    started_at: run.startedAt,
    completed_at: run.completedAt,
    output: {
      title: run.output.title,
      summary: run.output.summary,
      text: run.output.text,
      annotations_count: run.output.annotations.length,
      annotations_url: `${url}/annotations`,
    },
    name: run.name,
    check_suite: { id: run.checkSuiteId },
    app: integration(bed, app),
    pull_requests: pullsAt(bed, repo, run.headSha),
  };
}

/** Open pull requests whose head is this commit, as check runs and suites list them. */
function pullsAt(bed: Bed, repo: RepoState, sha: string) {
  const side = (ref: string, at: string) => ({ ref, sha: at, repo: { id: repo.id, url: bed.urls.repo(repo.fullName), name: repo.name } });
  return [...repo.pulls.values()]
    // "Pushes to a branch in a forked repository are not detected and return an empty pull_requests array."
    .filter((p) => p.state === 'open' && p.head.sha === sha && !p.head.repo)
    .map((p) => ({ id: p.id, number: p.number, url: bed.urls.repo(repo.fullName, `/pulls/${p.number}`), head: side(p.head.ref, p.head.sha), base: side(p.base.ref, p.base.sha) }));
}

/** The fields every form of a check suite shares (REST, webhooks, a run's `check_suite`). */
export function checkSuiteCore(bed: Bed, repo: RepoState, suite: CheckSuiteState) {
  return {
    id: suite.id,
    node_id: nodeId('CS', suite.id),
    head_branch: suite.headBranch,
    head_sha: suite.headSha,
    status: suite.status,
    conclusion: suite.conclusion,
    url: bed.urls.repo(repo.fullName, `/check-suites/${suite.id}`),
    before: suite.before,
    after: suite.after,
    pull_requests: pullsAt(bed, repo, suite.headSha),
    app: integration(bed, bed.apps.get(suite.appId)),
    created_at: suite.createdAt,
    updated_at: suite.updatedAt,
  };
}

/** GitHub's REST `check-suite`. */
export function checkSuite(bed: Bed, repo: RepoState, suite: CheckSuiteState, head: { message: string; tree: string; author: { name: string; email: string; date: string }; committer: { name: string; email: string; date: string } }) {
  const runs = [...repo.checkRuns.values()].filter((run) => run.checkSuiteId === suite.id);
  return {
    ...checkSuiteCore(bed, repo, suite),
    repository: minimalRepository(bed.urls, repo),
    head_commit: {
      id: suite.headSha,
      tree_id: head.tree,
      message: head.message,
      timestamp: head.committer.date,
      author: { name: head.author.name, email: head.author.email },
      committer: { name: head.committer.name, email: head.committer.email },
    },
    latest_check_runs_count: new Set(runs.map((run) => run.name)).size,
    check_runs_url: bed.urls.repo(repo.fullName, `/check-suites/${suite.id}/check-runs`),
    rerequestable: true,
    runs_rerequestable: true,
  };
}

export function checkAnnotations(bed: Bed, repo: RepoState, run: CheckRunState) {
  return run.output.annotations.map((a) => ({
    path: a.path,
    blob_href: bed.urls.repoHtml(repo.fullName, `/blob/${run.headSha}/${a.path}`),
    start_line: a.start_line,
    end_line: a.end_line,
    start_column: a.start_column ?? null,
    end_column: a.end_column ?? null,
    annotation_level: a.annotation_level,
    title: a.title ?? null,
    message: a.message,
    raw_details: a.raw_details ?? null,
  }));
}

export function commitStatus(bed: Bed, repo: RepoState, status: CommitStatusState) {
  return {
    url: bed.urls.repo(repo.fullName, `/statuses/${status.sha}`),
    avatar_url: `https://avatars.githubusercontent.com/u/${status.creator.id}?v=4`,
    id: status.id,
    node_id: nodeId('SC', status.id),
    state: status.state,
    description: status.description,
    target_url: status.targetUrl,
    context: status.context,
    created_at: status.createdAt,
    updated_at: status.createdAt,
  };
}

export function deployment(bed: Bed, repo: RepoState, state: DeploymentState) {
  const url = bed.urls.repo(repo.fullName, `/deployments/${state.id}`);
  return {
    url,
    id: state.id,
    node_id: nodeId('DE', state.id),
    sha: state.sha,
    ref: state.ref,
    task: state.task,
    payload: state.payload,
    original_environment: state.originalEnvironment,
    environment: state.environment,
    description: state.description,
    creator: simpleUser(bed.urls, state.creator),
    created_at: state.createdAt,
    updated_at: state.updatedAt,
    statuses_url: `${url}/statuses`,
    repository_url: bed.urls.repo(repo.fullName),
    transient_environment: state.transient,
    production_environment: state.production,
    ...(appOfBot(bed.apps, state.creator) ? { performed_via_github_app: integration(bed, appOfBot(bed.apps, state.creator)) } : {}),
  };
}

export function deploymentStatus(bed: Bed, repo: RepoState, parent: DeploymentState, status: DeploymentStatusState) {
  const deploymentUrl = bed.urls.repo(repo.fullName, `/deployments/${parent.id}`);
  return {
    url: `${deploymentUrl}/statuses/${status.id}`,
    id: status.id,
    node_id: nodeId('DES', status.id),
    state: status.state,
    creator: simpleUser(bed.urls, status.creator),
    description: status.description,
    environment: status.environment,
    target_url: status.logUrl,
    created_at: status.createdAt,
    updated_at: status.createdAt,
    deployment_url: deploymentUrl,
    repository_url: bed.urls.repo(repo.fullName),
    environment_url: status.environmentUrl,
    log_url: status.logUrl,
    ...(appOfBot(bed.apps, status.creator) ? { performed_via_github_app: integration(bed, appOfBot(bed.apps, status.creator)) } : {}),
  };
}
