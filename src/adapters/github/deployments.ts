import type { DeploymentState } from '../../core/promotion/gates.js';
import type { GitHubClient } from './client.js';
import type { DeploymentQuery, DeploymentRecord, DeploymentReport, Deployments, DeploymentSearch } from './port.js';
import { isTrustedLogin, type SignalAuthors } from './signal-authors.js';
import type { RepoRef } from './types.js';

/**
 * GitHub Deployments of a manifest repository: the agent opens one per
 * manifest commit it applies and finishes it; the App promotes, gates and
 * rolls back on them. Reads see only deployments, and deployment statuses,
 * written by the App or the configured agent identity: a `success` anyone
 * else reports never promotes or passes a soak.
 */
export function deploymentsOf(octokit: GitHubClient, repo: RepoRef, authors: SignalAuthors): Deployments {
  return {
    latest: (environment) => latestDeployment(octokit, repo, environment, authors),
    find: (query) => findDeployment(octokit, repo, query, authors),
    start: (commit, target, options) => startDeployment(octokit, repo, commit, target, options?.waiting),
  };
}

/** Deployments of one environment, newest first, that a trusted author created. */
async function trustedDeployments(octokit: GitHubClient, repo: RepoRef, environment: string, newest: number, authors: SignalAuthors) {
  const { data } = await octokit.rest.repos.listDeployments({ ...repo, environment, per_page: newest });
  const trusted = [];
  for (const deployment of data) if (await isTrustedLogin(authors, deployment.creator?.login)) trusted.push(deployment);
  return { listed: data.length, deployments: trusted };
}

/** A deployment's statuses, newest first, that a trusted author wrote. */
async function trustedStatuses(octokit: GitHubClient, repo: RepoRef, deploymentId: number, newest: number, authors: SignalAuthors) {
  const { data } = await octokit.rest.repos.listDeploymentStatuses({ ...repo, deployment_id: deploymentId, per_page: newest });
  const trusted = [];
  for (const status of data) if (await isTrustedLogin(authors, status.creator?.login)) trusted.push(status);
  return trusted;
}

/** How many of an environment's newest deployments to look through for the newest trusted one. */
const latestWindow = 30;

async function latestDeployment(octokit: GitHubClient, repo: RepoRef, environment: string, authors: SignalAuthors): Promise<DeploymentRecord | undefined> {
  const deployment = (await trustedDeployments(octokit, repo, environment, latestWindow, authors)).deployments[0];
  if (!deployment) return undefined;
  const status = (await trustedStatuses(octokit, repo, deployment.id, 10, authors))[0];
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
async function findDeployment(octokit: GitHubClient, repo: RepoRef, query: DeploymentQuery, authors: SignalAuthors): Promise<DeploymentSearch> {
  const { listed, deployments } = await trustedDeployments(octokit, repo, query.environment, query.newest, authors);
  let candidates = deployments;
  if (query.olderThan !== undefined) {
    const index = deployments.findIndex((deployment) => deployment.id === query.olderThan);
    if (index < 0) return { listed };
    candidates = deployments.slice(index + 1);
  }
  const anyStatus = query.statuses === 'any';
  for (const deployment of candidates) {
    if (query.sha && !query.sha(deployment.sha)) continue;
    const statuses = await trustedStatuses(octokit, repo, deployment.id, anyStatus ? 100 : 10, authors);
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
    progress: (description) => status('in_progress', description),
  };
}
