/**
 * Per-test fault injection. A fault matches requests by route (optionally with
 * method, `'POST /repos/{owner}/{repo}/git/trees'`) and a predicate, fires
 * `times` times, and then stays in the list as a record of its hits.
 */

export interface FaultRequest {
  method: string;
  route: string | null;
  params: Record<string, string>;
}

export interface FaultSpec {
  /** `'METHOD /template'` or just `'/template'`; omitted = every route. */
  route?: string;
  /** How many matching requests it hits (default 1; `Infinity` for all). */
  times?: number;
  /** Answer with this status and a GitHub error body instead of running the handler. */
  status?: number;
  message?: string;
  headers?: Record<string, string>;
  /** Wait this long before answering (alone: a slow but otherwise normal response). */
  delayMs?: number;
  /** 403 with `retry-after` and GitHub's secondary-rate-limit message (what plugin-throttling keys on). */
  secondaryRateLimit?: { retryAfterSeconds?: number };
  /** 403 with `x-ratelimit-remaining: 0` and GitHub's primary-rate-limit message. */
  primaryRateLimit?: boolean;
  /**
   * Run the handler first (its changes stick) and then fail: the request
   * "succeeded" on GitHub's side but the client saw an error, the case that
   * makes retries non-idempotent.
   */
  afterHandler?: boolean;
  match?: (request: FaultRequest) => boolean;
}

export interface Fault {
  readonly spec: FaultSpec;
  /** How many requests this fault has hit so far. */
  readonly hits: number;
  remove(): void;
}

interface ActiveFault extends Fault {
  hits: number;
  removed: boolean;
}

export class Faults {
  private readonly active: ActiveFault[] = [];

  add(spec: FaultSpec): Fault {
    if (spec.status === undefined && !spec.delayMs && !spec.secondaryRateLimit && !spec.primaryRateLimit) {
      throw new Error('a fault needs a status, a delay or a rate limit');
    }
    const fault: ActiveFault = {
      spec,
      hits: 0,
      removed: false,
      remove: () => {
        fault.removed = true;
      },
    };
    this.active.push(fault);
    return fault;
  }

  clear(): void {
    for (const fault of this.active) fault.removed = true;
    this.active.length = 0;
  }

  /** The first live fault matching the request, counted as hit. */
  take(request: FaultRequest): FaultSpec | undefined {
    for (const fault of this.active) {
      if (fault.removed || fault.hits >= (fault.spec.times ?? 1)) continue;
      if (!matchesRoute(fault.spec.route, request)) continue;
      if (fault.spec.match && !fault.spec.match(request)) continue;
      fault.hits += 1;
      return fault.spec;
    }
    return undefined;
  }
}

function matchesRoute(pattern: string | undefined, request: FaultRequest): boolean {
  if (!pattern) return true;
  const space = pattern.indexOf(' ');
  if (space === -1) return pattern === request.route;
  return pattern.slice(0, space).toUpperCase() === request.method && pattern.slice(space + 1) === request.route;
}
