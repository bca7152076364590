import type { DeploymentState } from '../../core/promotion/gates.js';
import type { GitHubClient } from './client.js';
import type { DeploymentQuery, DeploymentRecord, DeploymentReport, Deployments, DeploymentSearch } from './port.js';
import type { RepoRef } from './types.js';

/**
 * GitHub Deployments of a manifest repository: the agent opens one per
 * manifest commit it applies and finishes it; the App promotes, gates and
 * rolls back on them.
 */
export function deploymentsOf(octokit: GitHubClient, repo: RepoRef): Deployments {
  return {
    latest: (environment) => latestDeployment(octokit, repo, environment),
    find: (query) => findDeployment(octokit, repo, query),
    start: (commit, target, options) => startDeployment(octokit, repo, commit, target, options?.waiting),
  };
}

async function latestDeployment(octokit: GitHubClient, repo: RepoRef, environment: string): Promise<DeploymentRecord | undefined> {
  const { data } = await octokit.rest.repos.listDeployments({ ...repo, environment, per_page: 1 });
  const deployment = data[0];
  if (!deployment) return undefined;
  const statuses = await octokit.rest.repos.listDeploymentStatuses({ ...repo, deployment_id: deployment.id, per_page: 1 });
  const status = statuses.data[0];
  return {
    id: deployment.id,
    environment,
    sha: deployment.sha,
    createdAt: new Date(deployment.created_at),
    state: status ? (status.state as DeploymentState) : 'pending',
    stateAt: new Date(status ? status.created_at : deployment.created_at),
    description: status?.description ?? '',
  };
}

/**
 * The newest of the `newest` deployments of an environment that the query
 * accepts. Statuses are read one deployment at a time, newest first, and
 * only for deployments whose commit the query wants, so the usual answer
 * (the newest one) costs two requests.
 */
async function findDeployment(octokit: GitHubClient, repo: RepoRef, query: DeploymentQuery): Promise<DeploymentSearch> {
  const { data } = await octokit.rest.repos.listDeployments({ ...repo, environment: query.environment, per_page: query.newest });
  const listed = data.length;
  let candidates = data;
  if (query.olderThan !== undefined) {
    const index = data.findIndex((deployment) => deployment.id === query.olderThan);
    if (index < 0) return { listed };
    candidates = data.slice(index + 1);
  }
  const anyStatus = query.statuses === 'any';
  for (const deployment of candidates) {
    if (query.sha && !query.sha(deployment.sha)) continue;
    const { data: statuses } = await octokit.rest.repos.listDeploymentStatuses({ ...repo, deployment_id: deployment.id, per_page: anyStatus ? 100 : 1 });
    const states = (anyStatus ? statuses : statuses.slice(0, 1)).map((status) => status.state as DeploymentState);
    if (states.some(query.state)) return { match: { id: deployment.id, sha: deployment.sha }, listed };
  }
  return { listed };
}

/** GitHub limits a status description to 140 characters. */
export function shortDescription(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length <= 140 ? line : `${line.slice(0, 139)}…`;
}

/**
 * Opens a GitHub Deployment for manifest commit `commit` and marks it
 * `in_progress`; the handle finishes it with `success` (older deployments
 * of the environment become inactive) or `failure`. This is the contract
 * the App builds promotion on: environment = the environment name, ref = the
 * full commit sha, payload.ladder = { commit, path }.
 */
async function startDeployment(
  octokit: GitHubClient,
  repo: RepoRef,
  commit: string,
  target: { environment: string; path: string; production: boolean },
  waiting?: string,
): Promise<DeploymentReport> {
  const { environment, path, production } = target;
  const response = await octokit.rest.repos.createDeployment({
    ...repo,
    ref: commit,
    environment,
    task: 'deploy',
    auto_merge: false,
    required_contexts: [],
    description: shortDescription(`Ladder agent applies ${commit.slice(0, 12)} to ${environment}`),
    production_environment: production,
    payload: { ladder: { commit, path } },
  });
  if (response.status !== 201 || !('id' in response.data)) {
    throw new Error(`GitHub did not create a deployment for ${commit} (HTTP ${response.status})`);
  }
  const id = response.data.id;
  const status = async (state: 'queued' | 'in_progress' | 'success' | 'failure', description: string) => {
    await octokit.rest.repos.createDeploymentStatus({
      ...repo,
      deployment_id: id,
      state,
      description: shortDescription(description),
      environment,
      ...(state === 'success' ? { auto_inactive: true } : {}),
    });
  };
  const applying = () => status('in_progress', `Applying ${commit.slice(0, 12)} to ${environment}`);
  await (waiting === undefined ? applying() : status('queued', waiting));
  return {
    id,
    succeeded: (description) => status('success', description),
    failed: (description) => status('failure', description),
    waiting: (description) => status('queued', description),
    applying,
  };
}
