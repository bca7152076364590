import type { Logger } from 'pino';
import { describeGitHubError, statusOf } from '../../adapters/github/errors.js';
import type { ManifestRepo } from '../../adapters/github/port.js';
import { KubeApiError, type KubeClient } from '../../adapters/kube/client.js';
import { sleep } from '../../core/time/sleep.js';
import { readLive } from '../apply/live.js';
import { AgentStartError } from './credentials.js';

export interface FirstContactOptions {
  kube: KubeClient;
  /** The API server's address, for messages. */
  kubeServer: string;
  /** The Lease the agent will campaign for: reading it proves the credentials and the Role in the agent's namespace. */
  leasePath: string;
  agentNamespace: string;
  repo: ManifestRepo;
  branch: string;
  /** Names the App's installation in the message when GitHub does not know it; absent with a token. */
  installation?: { appId: number; installationId: number };
  log: Logger;
  /** Called with why the agent is not ready yet, for /readyz. */
  waiting(reason: string): void;
  signal?: AbortSignal;
  /** Delays between attempts in ms, the last repeated (default 1, 2, 4, 8, 16, 30 s). */
  backoffMs?: readonly number[];
}

const defaultBackoffMs = [1_000, 2_000, 4_000, 8_000, 16_000, 30_000];

type Verdict = { ok: true } | { ok: false; fatal: boolean; reason: string };

/**
 * Asks the Kubernetes API server and GitHub once each whether the agent's
 * credentials are good, before it campaigns or polls. A refusal that waiting
 * cannot fix (HTTP 401, an installation GitHub does not know) throws
 * AgentStartError; anything else (no answer, 5xx, a Role or an installation on
 * the repository still missing) is retried with back-off, saying why on
 * /readyz and in one log line per new reason, not one stack trace per attempt.
 */
export async function waitForFirstContact(options: FirstContactOptions): Promise<void> {
  const backoff = options.backoffMs ?? defaultBackoffMs;
  let lastReason: string | undefined;
  for (let attempt = 0; ; attempt++) {
    const verdicts = await Promise.all([checkKubernetes(options), checkGitHub(options)]);
    const failed = verdicts.filter((verdict): verdict is Extract<Verdict, { ok: false }> => !verdict.ok);
    const fatal = failed.find((verdict) => verdict.fatal);
    if (fatal) throw new AgentStartError(fatal.reason);
    if (failed.length === 0) {
      if (lastReason !== undefined) options.log.info('Kubernetes and GitHub accept the agent\'s credentials now');
      return;
    }
    const reason = failed.map((verdict) => verdict.reason).join('; ');
    const delay = backoff[Math.min(attempt, backoff.length - 1)]!;
    options.waiting(reason);
    if (reason !== lastReason) options.log.warn({ reason, retryInSeconds: delay / 1000 }, 'waiting for Kubernetes and GitHub before starting');
    lastReason = reason;
    await sleep(delay, options.signal);
  }
}

async function checkKubernetes(options: FirstContactOptions): Promise<Verdict> {
  try {
    await readLive(options.kube, options.leasePath, options.signal);
    return { ok: true };
  } catch (error) {
    if (options.signal?.aborted) throw options.signal.reason;
    if (error instanceof KubeApiError && error.status === 401) {
      return { ok: false, fatal: true, reason: `the Kubernetes API server at ${options.kubeServer} refused the agent's credentials (HTTP 401 Unauthorized)` };
    }
    if (error instanceof KubeApiError && error.status === 403) {
      return { ok: false, fatal: false, reason: `the Kubernetes API server refuses the agent Leases in namespace ${options.agentNamespace} (HTTP 403): apply its Role and RoleBinding there` };
    }
    const message = error instanceof KubeApiError ? `HTTP ${error.status}: ${error.message}` : networkMessage(error);
    return { ok: false, fatal: false, reason: `cannot reach the Kubernetes API server at ${options.kubeServer}: ${message}` };
  }
}

async function checkGitHub(options: FirstContactOptions): Promise<Verdict> {
  const { repo, branch, installation } = options;
  const where = `${repo.repo.owner}/${repo.repo.repo}`;
  try {
    await repo.pollHead(branch, undefined);
    return { ok: true };
  } catch (error) {
    if (options.signal?.aborted) throw options.signal.reason;
    const status = statusOf(error);
    const url = (error as { request?: { url?: string } }).request?.url ?? '';
    if (status === 401) {
      const which = installation ? `github.appId ${installation.appId} and the private key do not belong together` : 'the token is wrong, expired or revoked';
      return { ok: false, fatal: true, reason: `GitHub refused the agent's credentials (HTTP 401): ${which}` };
    }
    if (installation && status === 404 && /\/app\/installations\/\d+\/access_tokens/.test(url)) {
      return { ok: false, fatal: true, reason: `GitHub knows no installation ${installation.installationId} of App ${installation.appId} (HTTP 404): check github.installationId` };
    }
    if (status === 404 || status === 422) {
      return { ok: false, fatal: false, reason: `GitHub: cannot read branch ${branch} of ${where} (HTTP ${status}): does it exist, and is the App installed on the repository?` };
    }
    return { ok: false, fatal: false, reason: `cannot read branch ${branch} of ${where} on GitHub: ${describeGitHubError(error)}` };
  }
}

/** The network error's code alone when it has one (`connect ECONNRESET 127.0.0.1:6443` and `read ECONNRESET` are one reason). */
function networkMessage(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  return ((error instanceof Error ? error.message : String(error)).split('\n', 1)[0] ?? '').trim();
}
