import type { Logger } from 'pino';
import type { KubeClient } from '../adapters/kube/client.js';
import type { AlertSink } from './alerts.js';
import type { AgentConfig } from './config.js';
import type { AgentMetrics } from './metrics.js';
import type { Deployer } from './run.js';

/** Apply, prune, health and drift through src/agent/sync and src/agent/drift (wired when they land). */
export function createKubeDeployer(_kube: KubeClient, _config: AgentConfig, _deps: { alerts: AlertSink; metrics: AgentMetrics; log: Logger }): Deployer {
  return {
    deploy: async () => ({ ok: false, stage: 'apply', description: 'the Kubernetes deployer is not wired yet' }),
    setActive: async () => {},
  };
}
