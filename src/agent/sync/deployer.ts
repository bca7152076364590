import type { Logger } from 'pino';
import type { KubeClient, ObjectRef } from '../../adapters/kube/client.js';
import type { AlertSink } from '../../core/alerts/types.js';
import type { AgentConfig } from '../wiring/config.js';
import { DriftWatcher, type DesiredObject as DriftDesiredObject } from '../drift/watcher.js';
import type { AgentMetrics } from '../reporting/metrics.js';
import type { DeployOutcome, Deployer } from '../loop/agent-loop.js';
import type { SourceSnapshot } from '../source/branch-source.js';
import { applySetId } from '../apply/marks.js';
import { formatProblem, parseCommitFiles, type ParsedCommit } from './desired.js';
import { decryptSopsFiles, type SopsSettings } from '../secrets/decrypt-files.js';
import { applyCommit, type ApplyOutcome } from './index.js';
import { checkHealth } from './health/check-workloads.js';
import { findForeignNamespaces } from './namespace-guard.js';
import { clusterScopedCheck, type ClusterScopedCheck } from '../../core/services/cluster-scoped.js';
import type { ServicesFile } from '../../core/services/schema.js';

/**
 * The Kubernetes side of a deploy, composed from sync (apply, inventory,
 * prune), health and drift: apply the commit, hand what was applied to the
 * drift watcher, wait for rollouts, and say in one line what happened.
 */
export function createKubeDeployer(
  kube: KubeClient,
  config: AgentConfig,
  deps: {
    alerts: AlertSink;
    metrics: AgentMetrics;
    log: Logger;
    isLeader?: () => boolean;
    /** The repository's .ladder/services.yml (undefined when it has none), read when a commit holds cluster-scoped objects. */
    readGrants?: () => Promise<ServicesFile | undefined>;
  },
): Deployer & { drift: DriftWatcher } {
  const inventory = { namespace: config.agentNamespace, name: config.environment };
  const drift = new DriftWatcher({
    client: kube, sink: deps.alerts, environment: config.environment, selfHeal: config.selfHeal, forceConflicts: config.apply.forceConflicts, log: deps.log.child({ part: 'drift' }),
    ...(deps.isLeader ? { mayHeal: deps.isLeader } : {}),
  });
  deps.metrics.sources.driftedObjects = () => drift.driftedCount();
  let active = false;
  return {
    drift,
    async setActive(next) {
      if (next === active) return;
      active = next;
      if (next) await drift.start();
      else await drift.stop();
    },
    async deploy(snapshot: SourceSnapshot, signal: AbortSignal, log: Logger, progress?: (description: string) => void, redeploy = false): Promise<DeployOutcome> {
      // SOPS files are decrypted in memory, here and nowhere else; a file that does not decrypt stops the whole commit.
      const decryption = await decryptSopsFiles(kube, snapshot.files, sopsSettings(config), signal);
      if (!decryption.ok) {
        const more = decryption.problems.length > 1 ? ` (and ${decryption.problems.length - 1} more)` : '';
        log.warn({ problems: decryption.problems.map(formatProblem) }, 'SOPS-encrypted files not decrypted; nothing applied');
        return { ok: false, stage: 'apply', description: `Nothing applied: ${formatProblem(decryption.problems[0]!)}${more}` };
      }
      if (decryption.decrypted.length) log.info({ files: decryption.decrypted }, 'decrypted SOPS-encrypted files');
      // Parsed once: the namespace guard and the apply read the same objects.
      const parsed = parseCommitFiles(decryption.files, applySetId(inventory));
      const foreign = findForeignNamespaces(parsed.objects, config.namespaces);
      if (foreign.length > 0) {
        const more = foreign.length > 1 ? ` (and ${foreign.length - 1} more)` : '';
        return { ok: false, stage: 'apply', description: `Nothing applied: ${foreign[0]}${more}` };
      }
      const scope = scopedSignal(signal);
      try {
        const readGrants = deps.readGrants;
        const clusterScoped = readGrants ? async () => clusterScopedCheck(await readGrants(), config.environment, config.clusterScoped) : undefined;
        const applied = await applyAndWatch(kube, config, drift, { commit: snapshot.commit, parsed, clusterScoped, redeploy }, scope.signal, log);
        if ('failure' in applied) return applied.failure;
        const health = await checkHealth(kube, applied.refs, { timeoutMs: config.intervals.healthTimeoutSeconds * 1000, signal: scope.signal, ...(progress ? { onProgress: progress } : {}) });
        if (!health.ok) return { ok: false, stage: 'health', description: health.description };
        if (applied.pruneProblem) return { ok: false, stage: 'apply', description: `Applied, but ${applied.pruneProblem}` };
        return { ok: true, description: `${capitalise(applied.message)}${health.description ? `; ${health.description}` : ''}` };
      } finally {
        scope.release();
      }
    },
  };
}

/**
 * Applies the commit and hands the objects, with the server's answers, to the
 * drift watcher. Only refs and words come back, so the outcome's records of
 * every object are not held while health is awaited (drift keeps what it needs).
 */
async function applyAndWatch(
  kube: KubeClient,
  config: AgentConfig,
  drift: DriftWatcher,
  snapshot: { commit: string; parsed: ParsedCommit; clusterScoped: (() => Promise<ClusterScopedCheck>) | undefined; redeploy: boolean },
  signal: AbortSignal,
  log: Logger,
): Promise<{ failure: DeployOutcome } | { refs: ObjectRef[]; message: string; pruneProblem: string | undefined }> {
  const outcome = await applyCommit(
    kube,
    { commit: snapshot.commit, parsed: snapshot.parsed },
    {
      ...(snapshot.clusterScoped ? { clusterScoped: snapshot.clusterScoped } : {}),
      inventory: { namespace: config.agentNamespace, name: config.environment },
      defaultNamespace: config.namespaces[0],
      forceConflicts: config.apply.forceConflicts,
      redeploy: snapshot.redeploy,
      concurrency: config.apply.concurrency,
      prune: config.prune.enabled
        ? { allowEmpty: config.prune.allowEmpty, maxPrune: config.prune.maxDeletions, override: config.prune.allowOverLimit, namespaces: config.prune.namespaces, customResourceDefinitions: config.prune.customResourceDefinitions }
        : false,
      // The watch cache spares unchanged objects their dry-run; only the leader's watcher runs, so a follower's says nothing.
      appliedState: drift,
      signal,
    },
  );
  log.info({ status: outcome.status, writes: outcome.writes, requests: outcome.requests, dryRuns: outcome.dryRuns, fromCache: outcome.fromCache, pruned: outcome.prune?.pruned.length ?? 0 }, outcome.message);
  if (outcome.status !== 'applied') return { failure: { ok: false, stage: 'apply', description: capitalise(outcome.message) } };
  await drift.setDesired(snapshot.commit, driftObjectsOf(outcome));
  return { refs: outcome.desired.map((object) => object.ref), message: outcome.message, pruneProblem: describePruneProblem(outcome) };
}

/** What drift detection watches after an apply: each object, its content hash and the server's answer, which is its snapshot (no dry-run of the whole set again). */
export function driftObjectsOf(outcome: ApplyOutcome): DriftDesiredObject[] {
  return outcome.desired.map((object, index) => {
    const appliedText = outcome.objects[index]?.appliedText;
    return { ref: object.ref, body: object.body, partOf: object.partOf, hash: object.hash, file: object.file, ...(appliedText !== undefined ? { appliedText } : {}) };
  });
}

/**
 * A signal of this deploy only, aborted with `signal`. Each request combines
 * its signal with a timeout (AbortSignal.any), and on Node 20 every combined
 * signal stays registered, for good, with the long-lived signals underneath:
 * the agent's stop signal gained one entry per request, about 65 bytes each,
 * 10,000 per full apply of 5,000 objects. Registered with this one instead,
 * they go when the deploy ends.
 */
function scopedSignal(signal: AbortSignal): { signal: AbortSignal; release(): void } {
  const scope = new AbortController();
  const forward = () => scope.abort(signal.reason);
  if (signal.aborted) forward();
  else signal.addEventListener('abort', forward, { once: true });
  return { signal: scope.signal, release: () => signal.removeEventListener('abort', forward) };
}

/** The cluster does not match Git when prune was blocked or failed: the deployment says so. */
function describePruneProblem(outcome: ApplyOutcome): string | undefined {
  const prune = outcome.prune;
  if (!prune) return undefined;
  if (prune.blocked) return `nothing was pruned: ${prune.blocked}`;
  if (prune.failed.length) return `${prune.failed.length} object(s) could not be pruned: ${prune.failed[0]!.message}`;
  return undefined;
}

function sopsSettings(config: AgentConfig): SopsSettings {
  return {
    binary: config.sops.binary,
    keySecret: { namespace: config.agentNamespace, name: config.sops.keySecret, key: config.sops.keySecretKey },
    timeoutMs: config.sops.timeoutSeconds * 1000,
    // A Secret cannot exceed 1 MiB in etcd; a file of several, a few.
    maxOutputBytes: 8 * 1024 * 1024,
    maxFiles: 100,
  };
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
