import type { Logger } from 'pino';
import type { AgentGitHub } from './github-client.js';

export interface DeploymentTarget {
  owner: string;
  repo: string;
  environment: string;
  /** Folder of the manifests in the branch, recorded in the payload. */
  path: string;
  production: boolean;
}

export interface DeploymentReport {
  id: number;
  succeeded(description: string): Promise<void>;
  failed(description: string): Promise<void>;
}

/** GitHub limits a status description to 140 characters. */
export function shortDescription(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length <= 140 ? line : `${line.slice(0, 139)}…`;
}

/**
 * Opens a GitHub Deployment for manifest commit `commit` and marks it
 * `in_progress`; the returned handle finishes it with `success` (older
 * deployments of the environment become inactive) or `failure`. This is
 * the contract the App builds promotion on: environment = the environment
 * name, ref = the full commit sha, payload.ladder = { commit, path }.
 */
export async function startDeploymentReport(github: AgentGitHub, target: DeploymentTarget, commit: string, log: Logger): Promise<DeploymentReport> {
  const { owner, repo, environment, path, production } = target;
  const response = await github.rest.repos.createDeployment({
    owner,
    repo,
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
  const status = (state: 'in_progress' | 'success' | 'failure', description: string) =>
    github.rest.repos.createDeploymentStatus({
      owner,
      repo,
      deployment_id: id,
      state,
      description: shortDescription(description),
      environment,
      ...(state === 'success' ? { auto_inactive: true } : {}),
    });
  await status('in_progress', `Applying ${commit.slice(0, 12)} to ${environment}`);
  log.info({ deployment: id, commit, environment }, 'GitHub deployment in progress');
  return {
    id,
    succeeded: async (description) => {
      await status('success', description);
      log.info({ deployment: id, commit }, 'GitHub deployment succeeded');
    },
    failed: async (description) => {
      await status('failure', description);
      log.warn({ deployment: id, commit, description }, 'GitHub deployment failed');
    },
  };
}
