import type { Logger } from 'pino';
import { createGitHubClient, type GitHubCredentials, type RetryPolicy } from '../../adapters/github/client.js';
import { createAgentGitHub } from '../../adapters/github/github.js';
import type { GitHub } from '../../adapters/github/port.js';
import type { AgentConfig } from './config.js';
import { gitHubCredentials } from './credentials.js';
import { VendedTokenSource } from './vended-token.js';

export interface AgentGitHubOptions {
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
 * The agent's GitHub: a token the Ladder App hands out for its one
 * repository (`appUrl`, the recommended way: the pod holds no key), the App
 * installation (auth-app mints and renews installation tokens from the App's
 * key) or a plain token, read from the mounted secret and checked
 * (gitHubCredentials throws AgentStartError for a wrong file), through
 * the client factory the App uses too. A secondary rate limit is not retried
 * beyond the throttling plugin: the next poll is the retry.
 */
export async function connectAgentGitHub(github: AgentConfig['github'], options: AgentGitHubOptions = {}, repository?: string): Promise<GitHub> {
  let credentials: GitHubCredentials;
  let writer: (() => Promise<string>) | undefined;
  if (github.appUrl !== undefined) {
    if (!repository) throw new Error('a token from the Ladder App needs the repository it is for');
    const source = new VendedTokenSource({ appUrl: github.appUrl, repository, identityTokenPath: github.identityTokenPath ?? '/var/run/secrets/ladder/identity/token' });
    credentials = { tokenSource: source.token };
    writer = async () => (await source.fresh()).login;
  } else {
    credentials = await gitHubCredentials(github);
  }
  const policy: RetryPolicy = { retryBaseMs: options.retryAfterBaseValue ?? 1000, retries: 3, retryAfterUnitMs: 1000, secondaryLimitRetries: 0 };
  const client = createGitHubClient({
    baseUrl: github.apiUrl,
    credentials,
    policy,
    userAgent: 'ladder-agent',
    requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
    ...(options.log ? { log: options.log } : {}),
    ...(options.onRequest ? { onRequest: options.onRequest } : {}),
  });
  return createAgentGitHub(client, writer);
}
