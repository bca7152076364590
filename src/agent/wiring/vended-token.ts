import { readFile } from 'node:fs/promises';

/** The App's route (src/app/agent-token/handler.ts). */
const tokenRoute = '/api/ladder/agent-token';

export interface VendedTokenOptions {
  /** The Ladder App's URL. */
  appUrl: string;
  /** The manifest repository, owner/name. */
  repository: string;
  /** The projected service-account token; read on every request, since the kubelet rotates it. */
  identityTokenPath: string;
  /** Asked again this long before the token expires (default 10 minutes; GitHub's last an hour). */
  renewBeforeMs?: number;
  requestTimeoutMs?: number;
  now?: () => number;
}

export interface VendedToken {
  token: string;
  expiresAt: number;
  permissions: Record<string, string>;
  environments: string[];
  /** Who GitHub says wrote what the token writes (the App's bot): the agent's own deployments are that login's. */
  login: string;
}

/**
 * The agent's GitHub token, handed out by the Ladder App for its one
 * manifest repository (docs/agent.md): the agent proves who it is with its
 * projected service-account token and gets an installation token limited to
 * that repository with contents: read and deployments, statuses and checks:
 * write. The pod holds nothing that can mint another. Renewed before it
 * expires; concurrent callers share one request.
 */
export class VendedTokenSource {
  private current: VendedToken | undefined;
  private pending: Promise<VendedToken> | undefined;

  constructor(private readonly options: VendedTokenOptions) {}

  /** The token to use now. */
  readonly token = async (): Promise<string> => (await this.fresh()).token;

  async fresh(): Promise<VendedToken> {
    const now = (this.options.now ?? Date.now)();
    if (this.current && this.current.expiresAt - (this.options.renewBeforeMs ?? 600_000) > now) return this.current;
    this.pending ??= this.ask().finally(() => (this.pending = undefined));
    this.current = await this.pending;
    return this.current;
  }

  private async ask(): Promise<VendedToken> {
    const { appUrl, repository, identityTokenPath } = this.options;
    let identity: string;
    try {
      identity = (await readFile(identityTokenPath, 'utf8')).trim();
    } catch (error) {
      throw new Error(`cannot read the service-account token from ${identityTokenPath} (${(error as NodeJS.ErrnoException).code ?? 'error'}): the Deployment projects it there with audience ladder`);
    }
    const url = `${appUrl.replace(/\/+$/, '')}${tokenRoute}`;
    const response = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${identity}`, 'content-type': 'application/json' },
      body: JSON.stringify({ repository }),
      signal: AbortSignal.timeout(this.options.requestTimeoutMs ?? 30_000),
    });
    const body = (await response.json().catch(() => ({}))) as { token?: string; expires_at?: string; permissions?: Record<string, string>; environments?: string[]; login?: string; message?: string };
    if (response.status !== 201 || typeof body.token !== 'string') {
      throw new Error(`the Ladder App at ${appUrl} refused a token for ${repository} (HTTP ${response.status}): ${body.message ?? 'no reason given'}`);
    }
    return { token: body.token, expiresAt: Date.parse(body.expires_at ?? '') || 0, permissions: body.permissions ?? {}, environments: body.environments ?? [], login: body.login ?? '' };
  }
}
