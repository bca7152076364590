import { homedir, hostname } from 'node:os';
import type { KubeConfig } from '@kubernetes/client-node';
import { pino, type Logger } from 'pino';
import { systemClock } from '../adapters/clock/clock.js';
import type { GitHub } from '../adapters/github/port.js';
import { parseServices } from '../core/services/load.js';
import { servicesFilePath, type ServicesFile } from '../core/services/schema.js';
import { createKubeClient, type KubeClient } from '../adapters/kube/client.js';
import { silentSink, type AlertSink } from '../core/alerts/types.js';
import { AgentLoop, type Deployer, type DeploymentReporter } from './loop/agent-loop.js';
import { LeaderElector } from './loop/leader.js';
import { alreadyDeployed, startDeploymentReport } from './reporting/deployment-report.js';
import { imageStatusHold } from './source/image-hold.js';
import { AgentMetrics } from './reporting/metrics.js';
import { startAgentServer, type AgentServer } from './reporting/server.js';
import { BranchSource } from './source/branch-source.js';
import { createKubeDeployer } from './sync/deployer.js';
import type { DriftWatcher } from './drift/watcher.js';
import { createAlertSink, sourceEventsFor } from './wiring/alerts.js';
import { createDriftLedger } from './reporting/drift-ledger.js';
import { agentIdentity, type AgentConfig } from './wiring/config.js';
import { kubeCredentials } from './wiring/credentials.js';
import { waitForFirstContact } from './wiring/first-contact.js';
import { connectAgentGitHub } from './wiring/github.js';

export { AgentStartError } from './wiring/credentials.js';

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
  /** Aborts the start while it waits for Kubernetes and GitHub (a signal before the agent is up). */
  signal?: AbortSignal;
  /** Delays between the first-contact attempts (tests shorten them). */
  firstContactBackoffMs?: readonly number[];
}

export interface RunningAgent {
  /** Base URL of /healthz, /readyz and /metrics. */
  url: string;
  metrics: AgentMetrics;
  loop: AgentLoop;
  elector: LeaderElector;
  kube: KubeClient;
  github: GitHub;
  /** The drift watcher (absent with deps.deployer): tests wait on its judgedVersion and settled. */
  drift?: DriftWatcher;
  /** Graceful shutdown: stop the loop (the apply in progress ends), stop watches, release the Lease, close the server. */
  stop(): Promise<void>;
}

/**
 * The agent's composition root: builds every part from its config (GitHub,
 * Kubernetes, alerts, source, leader election, deployer, loop, server) once,
 * and starts it. Credentials that are missing, malformed or refused end the
 * start with AgentStartError (`ladder agent` exits 2 with its message); while
 * Kubernetes or GitHub cannot be reached the start waits, /readyz saying why.
 */
export async function startAgent(config: AgentConfig, deps: AgentDeps = {}): Promise<RunningAgent> {
  const env = deps.env ?? process.env;
  const log = (deps.log ?? pino({ level: config.logLevel, base: { component: 'ladder-agent' } })).child({ environment: config.environment });
  const identity = deps.identity ?? agentIdentity(env, hostname());
  const [owner, repo] = config.repository.split('/') as [string, string];
  const branch = config.branch ?? config.environment;
  const metrics = new AgentMetrics();

  const kubeConfig = deps.kubeConfig ?? (await kubeCredentials(env, env.HOME ?? homedir()));
  const github = await connectAgentGitHub(config.github, { log, onRequest: () => metrics.githubRequestsTotal++ }, config.repository);
  const manifestRepo = { owner, repo };
  const kube = createKubeClient(kubeConfig, {
    userAgent: `ladder-agent/${identity}`,
    http2: config.kubernetes.http2,
    rateLimit: { qps: config.kubernetes.qps, burst: config.kubernetes.burst, clock: systemClock },
  });
  metrics.sources.kubeRequests = () => kube.requestCount();
  metrics.sources.kubeClient = () => kube.stats();
  // Open drift incidents are ladder/drift statuses on the deployed commit: a new leader continues their Slack threads.
  const alerts = deps.alerts ?? (config.slack ? createAlertSink(config, log, createDriftLedger(github.statuses(manifestRepo), config.environment, log.child({ part: 'slack' }))) : silentSink);

  const source = new BranchSource(github.manifestRepo(manifestRepo), {
    branch,
    path: config.path,
    metrics,
    log: log.child({ part: 'source' }),
    outageAfterFailures: deps.outageAfterFailures ?? 3,
    events: sourceEventsFor(alerts, config.environment, branch),
  });
  let loop: AgentLoop | undefined;
  const leaseName = config.leaderElection.leaseName ?? `ladder-agent-${config.environment}`;
  const elector = new LeaderElector(kube, {
    namespace: config.agentNamespace,
    name: leaseName,
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
  const readGrants = () => readServicesFile(github, manifestRepo);
  // The deployer's own lines come from the loop's per-commit log; its drift watcher adds part: drift.
  const kubeDeployer = deps.deployer ? undefined : createKubeDeployer(kube, config, { alerts, metrics, log, isLeader: () => elector.isLeader(), readGrants });
  const deployer = deps.deployer ?? kubeDeployer!;
  const target = { environment: config.environment, path: config.path, production: config.production ?? config.environment === 'prd' };
  const deployments = github.deployments(manifestRepo);
  const reporter: DeploymentReporter = {
    alreadyReported: (commit) => alreadyDeployed(deployments, config.environment, commit),
    start: (commit, waiting) => startDeploymentReport(deployments, target, commit, log.child({ part: 'report' }), waiting),
  };
  loop = new AgentLoop({
    source,
    elector,
    deployer,
    reporter,
    ...(config.waitForImage ? { hold: imageStatusHold(github.statuses(manifestRepo), github.manifestRepo(manifestRepo)) } : {}),
    alerts: { deployFailed: (failure) => alerts.deployFailed({ environment: config.environment, commit: failure.commit, message: failure.description, at: new Date() }) },
    metrics,
    log,
    pollMs: config.intervals.pollSeconds * 1000,
    retryFailedMs: config.intervals.resyncSeconds * 1000,
  });
  const started = loop;
  let waitingFor: string | undefined = 'Kubernetes and GitHub not asked yet';
  const server: AgentServer = await startAgentServer({
    host: config.server.host,
    port: config.server.port,
    metrics,
    probes: {
      healthy: () => started.healthy(),
      ready: () => waitingFor === undefined && started.ready(),
      notReadyBecause: () => waitingFor ?? started.notReadyBecause(),
    },
  });
  log.info({ identity, repository: config.repository, branch, path: config.path, namespaces: config.namespaces, url: server.url }, 'ladder agent started');
  try {
    await waitForFirstContact({
      kube,
      kubeServer: kubeConfig.getCurrentCluster()?.server ?? 'the API server',
      leasePath: `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(config.agentNamespace)}/leases/${encodeURIComponent(leaseName)}`,
      agentNamespace: config.agentNamespace,
      repo: github.manifestRepo(manifestRepo),
      branch,
      ...(config.github.appId !== undefined && config.github.installationId !== undefined ? { installation: { appId: config.github.appId, installationId: config.github.installationId } } : {}),
      log,
      waiting: (reason) => (waitingFor = reason),
      ...(deps.signal ? { signal: deps.signal } : {}),
      ...(deps.firstContactBackoffMs ? { backoffMs: deps.firstContactBackoffMs } : {}),
    });
  } catch (error) {
    await server.close();
    kube.close();
    throw error;
  }
  waitingFor = undefined;
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
    ...(kubeDeployer ? { drift: kubeDeployer.drift } : {}),
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

/** The repository's .ladder/services.yml from its default branch: undefined when there is none; its problems, located, when it does not load. */
async function readServicesFile(github: GitHub, repo: { owner: string; repo: string }): Promise<ServicesFile | undefined> {
  const text = await github.manifestRepo(repo).readTextFile(servicesFilePath);
  return text === undefined ? undefined : parseServices(text, `${repo.owner}/${repo.repo}:${servicesFilePath}`);
}
