import type { Logger } from 'pino';
import type { DeploymentReport, Deployments } from '../../adapters/github/port.js';

export type { DeploymentReport } from '../../adapters/github/port.js';

export interface DeploymentTarget {
  environment: string;
  /** Folder of the manifests in the branch, recorded in the payload. */
  path: string;
  production: boolean;
}

/**
 * Opens the GitHub Deployment of a manifest commit (in progress) and logs
 * each step; the handle finishes it. The App promotes on these.
 */
export async function startDeploymentReport(deployments: Deployments, target: DeploymentTarget, commit: string, log: Logger, waiting?: string): Promise<DeploymentReport> {
  const report = await deployments.start(commit, target, waiting === undefined ? {} : { waiting });
  const { id } = report;
  // The agent's log names the environment already.
  log.info({ deployment: id, commit, ...(waiting === undefined ? {} : { waiting }) }, waiting === undefined ? 'GitHub deployment in progress' : 'GitHub deployment queued');
  return {
    id,
    succeeded: async (description) => {
      await report.succeeded(description);
      log.info({ deployment: id, commit }, 'GitHub deployment succeeded');
    },
    failed: async (description) => {
      await report.failed(description);
      log.warn({ deployment: id, commit, description }, 'GitHub deployment failed');
    },
    waiting: async (description) => {
      await report.waiting(description);
      log.info({ deployment: id, commit, description }, 'GitHub deployment queued');
    },
    applying: async () => {
      await report.applying();
      log.info({ deployment: id, commit }, 'GitHub deployment in progress');
    },
    progress: async (description) => {
      await report.progress(description);
      log.info({ deployment: id, commit, description }, 'GitHub deployment progress');
    },
  };
}

/** Whether the newest deployment of the environment is this commit and succeeded, so a new leader need not report it again. */
export async function alreadyDeployed(deployments: Deployments, environment: string, commit: string): Promise<boolean> {
  const latest = await deployments.latest(environment);
  return latest !== undefined && latest.sha === commit && latest.state === 'success';
}
