import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import { isConflict, type KubeClient, type KubeObject } from '../../adapters/kube/client.js';
import { readLive } from '../apply/live.js';

export interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

interface Lease extends KubeObject {
  spec?: LeaseSpec;
}

export interface LeaderElectionOptions {
  namespace: string;
  name: string;
  identity: string;
  leaseDurationMs: number;
  /** A leader that could not renew for this long stops acting; shorter than the lease, so it stops before anyone takes over. */
  renewDeadlineMs: number;
  retryPeriodMs: number;
  log: Logger;
  onLeadershipChange?: (leading: boolean) => void;
  now?: () => Date;
}

/**
 * Leader election through a `coordination.k8s.io/v1` Lease, the way
 * client-go's leaderelection does it: the holder renews every retry period;
 * a candidate takes the Lease only when its holder has not renewed it for a
 * whole lease duration, measured on the candidate's own clock since it last
 * saw the record change (so clock skew between nodes does not matter);
 * every write carries the resourceVersion it read, so two candidates racing
 * for the same Lease cannot both win. Durations are measured on the monotonic
 * clock (a wall-clock step must not stretch a leadership), and a renewal is
 * bounded by the renew deadline: a leader whose requests hang stops leading
 * at the deadline, before anyone else may take the Lease.
 */
export class LeaderElector {
  private leading = false;
  private controller: AbortController | undefined;
  private observed: { record: string; at: number } | undefined;
  private lastRenew = 0;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private cycle: Promise<void> = Promise.resolve();
  private waiters: Array<() => void> = [];

  constructor(
    private readonly client: KubeClient,
    private readonly options: LeaderElectionOptions,
  ) {}

  isLeader(): boolean {
    return this.leading;
  }

  /** Aborted when this replica stops leading; pass it to work that must not outlive leadership. */
  leadershipSignal(): AbortSignal | undefined {
    return this.controller?.signal;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  /** Resolves once this replica leads, or when `signal` aborts. */
  waitUntilLeading(signal?: AbortSignal): Promise<void> {
    if (this.leading || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.waiters = this.waiters.filter((w) => w !== done);
        resolve();
      };
      this.waiters.push(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  /** Stops campaigning and, when leading, gives the Lease up so another replica takes over at once. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    await this.cycle;
    if (!this.leading) return;
    this.setLeading(false);
    // Bounded: shutdown must not wait on a hung API server; the Lease then simply expires.
    const signal = AbortSignal.timeout(this.options.renewDeadlineMs);
    try {
      const lease = await this.get(signal);
      if (lease?.spec?.holderIdentity !== this.options.identity) return;
      const now = microTime(this.now());
      lease.spec = { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: now, acquireTime: now };
      await this.client.request('PUT', this.path(), { body: lease, signal });
      this.options.log.info({ lease: this.options.name }, 'released the leader Lease');
    } catch (error) {
      this.options.log.warn({ err: error }, 'could not release the leader Lease; another replica takes over when it expires');
    }
  }

  private schedule(delayMs: number): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      this.cycle = this.tick().finally(() => this.schedule(this.options.retryPeriodMs));
    }, delayMs);
  }

  private async tick(): Promise<void> {
    // Taken before the requests: others count the lease duration from when they see our write, which is later.
    const started = performance.now();
    // A leader must renew by lastRenew + renewDeadline; requests still unanswered then are abandoned.
    const deadline = (this.leading ? this.lastRenew : started) + this.options.renewDeadlineMs;
    let acquired = false;
    try {
      acquired = await this.tryAcquireOrRenew(AbortSignal.timeout(Math.max(0, Math.floor(deadline - started))));
    } catch (error) {
      this.options.log.warn({ err: error, lease: this.options.name }, 'leader election: cannot read or write the Lease');
    }
    if (!this.running) return;
    if (acquired) {
      this.lastRenew = started;
      if (!this.leading) this.setLeading(true);
    } else if (this.leading && performance.now() >= deadline) {
      this.options.log.warn({ lease: this.options.name }, 'lost leadership: the Lease was not renewed in time');
      this.setLeading(false);
    }
  }

  private async tryAcquireOrRenew(signal: AbortSignal): Promise<boolean> {
    const { identity, leaseDurationMs } = this.options;
    const now = this.now();
    const lease = await this.get(signal);
    if (!lease) {
      const spec: LeaseSpec = { holderIdentity: identity, leaseDurationSeconds: Math.ceil(leaseDurationMs / 1000), acquireTime: microTime(now), renewTime: microTime(now), leaseTransitions: 0 };
      try {
        await this.client.request('POST', this.collection(), {
          body: { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: this.options.name, namespace: this.options.namespace }, spec },
          signal,
        });
        return true;
      } catch (error) {
        if (isConflict(error)) return false; // another candidate created it first
        throw error;
      }
    }
    const spec = lease.spec ?? {};
    const record = JSON.stringify([spec.holderIdentity, spec.renewTime, spec.leaseDurationSeconds]);
    if (this.observed?.record !== record) this.observed = { record, at: performance.now() };
    const holder = spec.holderIdentity ?? '';
    const durationMs = (spec.leaseDurationSeconds ?? Math.ceil(leaseDurationMs / 1000)) * 1000;
    if (holder !== '' && holder !== identity && performance.now() < this.observed.at + durationMs) return false;

    const takingOver = holder !== identity;
    lease.spec = {
      holderIdentity: identity,
      leaseDurationSeconds: Math.ceil(leaseDurationMs / 1000),
      acquireTime: takingOver ? microTime(now) : (spec.acquireTime ?? microTime(now)),
      renewTime: microTime(now),
      leaseTransitions: (spec.leaseTransitions ?? 0) + (takingOver ? 1 : 0),
    };
    try {
      // resourceVersion from the read: a concurrent write by another candidate makes this a 409.
      await this.client.request('PUT', this.path(), { body: lease, signal });
    } catch (error) {
      if (isConflict(error)) return false;
      throw error;
    }
    if (takingOver) this.options.log.info({ lease: this.options.name, previousHolder: holder || undefined }, 'acquired the leader Lease');
    return true;
  }

  private setLeading(leading: boolean): void {
    this.leading = leading;
    if (leading) {
      this.controller = new AbortController();
      for (const wake of [...this.waiters]) wake();
    } else {
      this.controller?.abort(new Error('leadership lost'));
    }
    this.options.onLeadershipChange?.(leading);
  }

  private get(signal?: AbortSignal): Promise<Lease | undefined> {
    return readLive<Lease>(this.client, this.path(), signal);
  }

  private collection(): string {
    return `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(this.options.namespace)}/leases`;
  }

  private path(): string {
    return `${this.collection()}/${encodeURIComponent(this.options.name)}`;
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }
}

/** Kubernetes MicroTime: RFC 3339 with six fractional digits. */
function microTime(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}
