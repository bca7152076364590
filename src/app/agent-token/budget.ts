import type { Clock } from '../../core/time/clock.js';
import type { Grants } from '../promotion/grants.js';

/**
 * The agent-token route answers anyone on the internet, and what it must do
 * before it can tell an agent from a stranger costs GitHub requests (which
 * installation holds the repository, its `.ladder/services.yml`). These are
 * its budgets: a token bucket per client address, a cache of what was read,
 * and structural checks that refuse a malformed token before any read.
 */
export interface AgentTokenBudget {
  /** Requests a client may make at once. */
  burst: number;
  /** Requests a client earns back per minute. */
  perMinute: number;
  /** Clients remembered (the oldest are forgotten first: a forgotten client starts with a full bucket). */
  maxClients: number;
  /** How long a repository's installation and grants are reused (a push to its default branch forgets them sooner). */
  grantsTtlMs: number;
  /** Repositories whose grants are kept. */
  maxRepositories: number;
}

/** An agent asks about once an hour; a pod restarting in a loop, a few times a minute. */
export const defaultAgentTokenBudget: AgentTokenBudget = { burst: 20, perMinute: 12, maxClients: 10_000, grantsTtlMs: 60_000, maxRepositories: 1_000 };

/** A projected service-account token is one to two kilobytes; eight leave room for long names. */
export const maxIdentityTokenChars = 8192;

/** Token buckets per client, on the injected clock. */
export class ClientRateLimit {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly budget: Pick<AgentTokenBudget, 'burst' | 'perMinute' | 'maxClients'>,
  ) {}

  /** Takes one request from the client's bucket: allowed, or refused with the seconds until one is earned back. */
  take(client: string): { allowed: true } | { allowed: false; retryAfterSeconds: number } {
    const now = this.clock.now().getTime();
    const perMs = this.budget.perMinute / 60_000;
    const held = this.buckets.get(client);
    const tokens = held ? Math.min(this.budget.burst, held.tokens + (now - held.at) * perMs) : this.budget.burst;
    this.buckets.delete(client);
    if (tokens < 1) {
      this.buckets.set(client, { tokens, at: now });
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / perMs / 1000)) };
    }
    this.buckets.set(client, { tokens: tokens - 1, at: now });
    while (this.buckets.size > this.budget.maxClients) this.buckets.delete(this.buckets.keys().next().value!);
    return { allowed: true };
  }
}

export interface RepositoryGrants {
  installation: number | undefined;
  grants: Grants | undefined;
}

/** What was read of each repository for the route, for a short while; a push to its default branch forgets it. */
export class GrantsCache {
  private readonly entries = new Map<string, { value: Promise<RepositoryGrants>; at: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly budget: Pick<AgentTokenBudget, 'grantsTtlMs' | 'maxRepositories'>,
  ) {}

  /** The cached reading of `repository`, or `read()` once for every caller asking meanwhile; a failed read is not kept. */
  get(repository: string, read: () => Promise<RepositoryGrants>): Promise<RepositoryGrants> {
    const key = repository.toLowerCase();
    const now = this.clock.now().getTime();
    const held = this.entries.get(key);
    if (held && now - held.at < this.budget.grantsTtlMs) return held.value;
    this.entries.delete(key);
    const value = read();
    this.entries.set(key, { value, at: now });
    value.catch(() => {
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    });
    while (this.entries.size > this.budget.maxRepositories) this.entries.delete(this.entries.keys().next().value!);
    return value;
  }

  forget(repository: string): void {
    this.entries.delete(repository.toLowerCase());
  }
}

/**
 * Refuses a bearer credential that cannot be a service-account token, from
 * its shape alone: too long, not three base64url segments, or a payload
 * without `iss`, `sub` and `aud`. Says why, or undefined when it may be one.
 */
export function identityTokenShapeProblem(credential: string): string | undefined {
  if (credential.length > maxIdentityTokenChars) return `the bearer credential is ${credential.length} characters; a service-account token is at most ${maxIdentityTokenChars}`;
  const segments = credential.split('.');
  if (segments.length !== 3 || segments.some((segment) => !/^[A-Za-z0-9_-]+$/.test(segment))) {
    return 'the bearer credential is not a JSON Web Token (three base64url segments; a projected service-account token is expected)';
  }
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(segments[1]!, 'base64url').toString('utf8'));
  } catch {
    return 'the bearer credential\'s payload is not JSON';
  }
  const claims = payload as { iss?: unknown; sub?: unknown; aud?: unknown };
  if (typeof payload !== 'object' || payload === null || typeof claims.iss !== 'string' || typeof claims.sub !== 'string' || (typeof claims.aud !== 'string' && !Array.isArray(claims.aud))) {
    return 'the token names no issuer (iss), subject (sub) or audience (aud)';
  }
  return undefined;
}
