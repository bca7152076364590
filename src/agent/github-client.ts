import { readFile } from 'node:fs/promises';
import { createAppAuth } from '@octokit/auth-app';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import type { Logger } from 'pino';
import type { AgentConfig } from './config.js';

const AgentOctokit = Octokit.plugin(retry, throttling);
export type AgentGitHub = InstanceType<typeof AgentOctokit>;

export interface GitHubClientOptions {
  log?: Logger;
  /** Called once per HTTP request sent (retries included), for ladder_github_requests_total. */
  onRequest?: () => void;
  /** plugin-retry's base delay; tests shorten it. */
  retryAfterBaseValue?: number;
  /**
   * Longest wait for one call, its retries included (default 30 s). fetch has no timeout of its
   * own: a hung connection would stop the loop (and shutdown, which waits for it) indefinitely.
   */
  requestTimeoutMs?: number;
}

/**
 * The agent's GitHub client: the App installation (auth-app mints and renews
 * installation tokens) or a plain token, with retries for 5xx and the
 * throttling plugin honouring primary and secondary rate limits.
 */
export async function createAgentGitHub(github: AgentConfig['github'], options: GitHubClientOptions = {}): Promise<AgentGitHub> {
  const log = options.log;
  const common = {
    baseUrl: github.apiUrl.replace(/\/+$/, ''),
    userAgent: 'ladder-agent',
    retry: { retryAfterBaseValue: options.retryAfterBaseValue ?? 1000 },
    throttle: {
      onRateLimit: (retryAfter: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
        log?.warn({ retryAfter, method: request.method, url: request.url }, 'GitHub rate limit reached');
        return retryCount < 1;
      },
      onSecondaryRateLimit: (retryAfter: number, request: { method: string; url: string }) => {
        log?.warn({ retryAfter, method: request.method, url: request.url }, 'GitHub secondary rate limit reached');
        return true;
      },
    },
    // Octokit's own warnings would repeat what the agent logs with context.
    log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
  };
  let octokit: AgentGitHub;
  if (github.appId !== undefined && github.installationId !== undefined && github.privateKeyPath !== undefined) {
    const privateKey = await readSecretFile(github.privateKeyPath, 'GitHub App private key');
    octokit = new AgentOctokit({ ...common, authStrategy: createAppAuth, auth: { appId: github.appId, privateKey, installationId: github.installationId } });
  } else {
    const token = github.token ?? (await readSecretFile(github.tokenPath!, 'GitHub token')).trim();
    octokit = new AgentOctokit({ ...common, auth: token });
  }
  const timeoutMs = options.requestTimeoutMs ?? 30_000;
  // Registered last, so it wraps the retry and auth hooks and the limit covers the whole call. The
  // options object is changed in place: the hooks inside were bound to it, not to a copy.
  octokit.hook.wrap('request', (request, requestOptions) => {
    requestOptions.request = { ...requestOptions.request, signal: requestOptions.request?.signal ?? AbortSignal.timeout(timeoutMs) };
    return request(requestOptions);
  });
  if (options.onRequest) {
    const onRequest = options.onRequest;
    octokit.hook.before('request', () => onRequest());
  }
  return octokit;
}

/** Reads a mounted secret; the error names the file and the reason, never the content. */
export async function readSecretFile(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read the ${what} from ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}
