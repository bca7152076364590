import { hostname } from 'node:os';
import type { KubeConfig } from '@kubernetes/client-node';
import { pino, type Logger } from 'pino';
import { systemClock } from '../adapters/clock/clock.js';
import type { GitHub } from '../adapters/github/port.js';
import { createKubeClient, type KubeClient } from '../adapters/kube/client.js';
import { silentSink, type AlertSink } from '../core/alerts/types.js';
import { AgentLoop, type Deployer, type DeploymentReporter } from './loop/agent-loop.js';
import { LeaderElector } from './loop/leader.js';
import { alreadyDeployed, startDeploymentReport } from './reporting/deployment-report.js';
import { AgentMetrics } from './reporting/metrics.js';
import { startAgentServer, type AgentServer } from './reporting/server.js';
import { BranchSource } from './source/branch-source.js';
import { createKubeDeployer } from './sync/deployer.js';
import { createAlertSink, sourceEventsFor } from './wiring/alerts.js';
import { agentIdentity, type AgentConfig } from './wiring/config.js';
import { connectAgentGitHub } from './wiring/github.js';
import { inClusterKubeConfig } from './wiring/in-cluster.js';

export interface AgentDeps {
  /** Default: in-cluster service account, or KUBECONFIG / ~/.kube/config. */
  kubeConfig?: KubeConfig;
  env?: Readonly<Record<string, string | undefined>>;
  log?: Logger;
  /** Default: LADDER_POD_NAME / POD_NAME / HOSTNAME. */
  identity?: string;
  /** Replaces the Slack sink built from the config (tests, or no alerts). */
  alerts?: AlertSink;
  /** Replaces the Kubernetes deployer (tests of the loop alone). */
  deployer?: Deployer;
  /** Failed polls before GitHub counts as unreachable (default 3). */
  outageAfterFailures?: number;
}

export interface RunningAgent {
  /** Base URL of /healthz, /readyz and /metrics. */
  url: string;
  metrics: AgentMetrics;
  loop: AgentLoop;
  elector: LeaderElector;
  kube: KubeClient;
  github: GitHub;
  /** Graceful shutdown: stop the loop (the apply in progress ends), stop watches, release the Lease, close the server. */
  stop(): Promise<void>;
}

/**
 * The agent's composition root: builds every part from its config (GitHub,
 * Kubernetes, alerts, source, leader election, deployer, loop, server) once,
 * and starts it.
 */
export async function startAgent(config: AgentConfig, deps: AgentDeps = {}): Promise<RunningAgent> {
  const env = deps.env ?? process.env;
  const log = (deps.log ?? pino({ level: config.logLevel, base: { component: 'ladder-agent' } })).child({ environment: config.environment });
  const identity = deps.identity ?? agentIdentity(env, hostname());
  const [owner, repo] = config.repository.split('/') as [string, string];
  const branch = config.branch ?? config.environment;
  const metrics = new AgentMetrics();

  const github = await connectAgentGitHub(config.github, { log, onRequest: () => metrics.githubRequestsTotal++ });
  const manifestRepo = { owner, repo };
  const kubeConfig = deps.kubeConfig ?? inClusterKubeConfig(env) ?? (await loadKubeConfigFile());
  const kube = createKubeClient(kubeConfig, {
    userAgent: `ladder-agent/${identity}`,
    http2: config.kubernetes.http2,
    rateLimit: { qps: config.kubernetes.qps, burst: config.kubernetes.burst, clock: systemClock },
  });
  metrics.sources.kubeRequests = () => kube.requestCount();
  metrics.sources.kubeClient = () => kube.stats();
  const alerts = deps.alerts ?? (config.slack ? createAlertSink(config, log) : silentSink);

  const source = new BranchSource(github.manifestRepo(manifestRepo), {
    branch,
    path: config.path,
    metrics,
    log: log.child({ part: 'source' }),
    outageAfterFailures: deps.outageAfterFailures ?? 3,
    events: sourceEventsFor(alerts, config.environment, branch),
  });
  let loop: AgentLoop | undefined;
  const elector = new LeaderElector(kube, {
    namespace: config.agentNamespace,
    name: config.leaderElection.leaseName ?? `ladder-agent-${config.environment}`,
    identity,
    leaseDurationMs: config.leaderElection.leaseDurationSeconds * 1000,
    renewDeadlineMs: config.leaderElection.renewDeadlineSeconds * 1000,
    retryPeriodMs: config.leaderElection.retryPeriodSeconds * 1000,
    log: log.child({ part: 'leader', identity }),
    onLeadershipChange: (leading) => {
      metrics.isLeader = leading ? 1 : 0;
      loop?.pollNow();
    },
  });
  const deployer = deps.deployer ?? createKubeDeployer(kube, config, { alerts, metrics, log: log.child({ part: 'sync' }), isLeader: () => elector.isLeader() });
  const target = { environment: config.environment, path: config.path, production: config.production ?? config.environment === 'prd' };
  const deployments = github.deployments(manifestRepo);
  const reporter: DeploymentReporter = {
    alreadyReported: (commit) => alreadyDeployed(deployments, config.environment, commit),
    start: (commit) => startDeploymentReport(deployments, target, commit, log.child({ part: 'report' })),
  };
  loop = new AgentLoop({
    source,
    elector,
    deployer,
    reporter,
    alerts: { deployFailed: (failure) => alerts.deployFailed({ environment: config.environment, commit: failure.commit, message: failure.description, at: new Date() }) },
    metrics,
    log,
    pollMs: config.intervals.pollSeconds * 1000,
    retryFailedMs: config.intervals.resyncSeconds * 1000,
  });
  const started = loop;
  const server: AgentServer = await startAgentServer({
    host: config.server.host,
    port: config.server.port,
    metrics,
    probes: { healthy: () => started.healthy(), ready: () => started.ready() },
  });
  log.info({ identity, repository: config.repository, branch, path: config.path, namespaces: config.namespaces, url: server.url }, 'ladder agent started');
  elector.start();
  const running = started.start();

  let stopping: Promise<void> | undefined;
  return {
    url: server.url,
    metrics,
    loop: started,
    elector,
    kube,
    github,
    stop: () =>
      (stopping ??= (async () => {
        log.info('shutting down');
        await started.stop();
        await running;
        await elector.stop();
        await alerts.close?.();
        await server.close();
        kube.close();
        log.info('stopped');
      })()),
  };
}

/** Outside a pod: KUBECONFIG or ~/.kube/config, read by client-node (loaded only then: it is large). */
async function loadKubeConfigFile(): Promise<KubeConfig> {
  const { KubeConfig } = await import('@kubernetes/client-node');
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromDefault();
  return kubeConfig;
}
