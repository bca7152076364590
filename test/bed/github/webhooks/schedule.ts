import { createHash, randomBytes } from 'node:crypto';

/**
 * How the server delivers the events it raises. GitHub guarantees neither
 * order nor single delivery, and delivers events to one App concurrently, so
 * by default the bed does the same, driven by a seeded generator: each event
 * waits a random few milliseconds (events raised close together swap), some
 * are delivered a second time with the same delivery id, and two may be in
 * flight at once. `LADDER_BED_SEED` replays a run's choices.
 */
export interface DeliveryOptions {
  /** One at a time, in the order raised, each once. Say why the test needs it. */
  inOrder?: string;
  /** Share of events delivered twice (default 0.2). */
  duplicateRate?: number;
  /** Longest random wait before a delivery (default 25 ms). */
  maxDelayMs?: number;
  /** Deliveries in flight at once (default 2). */
  concurrency?: number;
  /** Seed of this server's choices (default: from the process seed). */
  seed?: string;
}

/** Refuses an opt-out without its reason (before a server starts, so nothing is left listening). */
export function checkDeliveryOptions(options: DeliveryOptions): void {
  if (options.inOrder !== undefined && !options.inOrder.trim()) throw new Error('deliveries.inOrder needs the reason the test cannot take GitHub\'s delivery order');
}

/** The seed every server of this test process derives its own from. */
export const processSeed = process.env.LADDER_BED_SEED || randomBytes(4).toString('hex');
let servers = 0;
let announced = false;

/** A fresh seed per server in the process, reproducible from the process seed and start order. */
export function nextServerSeed(): string {
  servers += 1;
  if (!announced) {
    announced = true;
    const file = process.argv[1] ?? 'this file';
    // test/run.mjs picks one seed for the whole suite and prints it once; run alone, a file prints its own.
    if (!process.env.LADDER_BED_SEED) {
      process.stdout.write(`# GitHub bed: webhook deliveries shuffled, duplicated and concurrent, seed ${processSeed} (replay: LADDER_BED_SEED=${processSeed})\n`);
    }
    process.once('exit', (code) => {
      if (code !== 0) process.stdout.write(`# GitHub bed: ${file} failed with webhook delivery seed ${processSeed}; replay with LADDER_BED_SEED=${processSeed}\n`);
    });
  }
  return `${processSeed}/${servers}`;
}

/** mulberry32 over a hash of the seed: small, fast and the same on every machine. */
export function seededRandom(seed: string): () => number {
  let state = createHash('sha256').update(seed).digest().readUInt32LE(0);
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Scheduled<T> {
  item: T;
  dueAt: number;
  /** Deliver again after this one (GitHub's at-least-once delivery). */
  again?: number;
  duplicate: boolean;
}

/** Runs `deliver` for queued items in a seeded shuffled, duplicated, concurrent order (or plainly in order). */
export class DeliveryScheduler<T> {
  readonly seed: string;
  private readonly random: () => number;
  private readonly pending: Scheduled<T>[] = [];
  private inFlight = 0;
  private timer: NodeJS.Timeout | undefined;
  private idle: { promise: Promise<void>; resolve: () => void } | undefined;
  private readonly shuffled: boolean;
  private readonly duplicateRate: number;
  /** Why duplicates are off for now (a test counting work per delivery); undefined = on. */
  private duplicatesOff: string | undefined;
  private readonly maxDelayMs: number;
  private readonly concurrency: number;

  constructor(
    options: DeliveryOptions,
    private readonly deliver: (item: T, duplicate: boolean) => Promise<void>,
  ) {
    checkDeliveryOptions(options);
    this.shuffled = options.inOrder === undefined;
    this.seed = options.seed ?? (this.shuffled ? nextServerSeed() : 'in-order');
    this.random = seededRandom(this.seed);
    this.duplicateRate = this.shuffled ? (options.duplicateRate ?? 0.2) : 0;
    this.maxDelayMs = this.shuffled ? (options.maxDelayMs ?? 25) : 0;
    this.concurrency = this.shuffled ? (options.concurrency ?? 2) : 1;
  }

  /** Queues an item; its delay and whether it comes twice are drawn now, so a seed replays the same choices. */
  enqueue(item: T): void {
    const delay = this.random() * this.maxDelayMs;
    // Drawn even while duplicates are off, so the rest of a replay makes the same choices.
    const twice = this.random() < this.duplicateRate && this.duplicatesOff === undefined;
    const againAfter = this.random() * this.maxDelayMs;
    this.pending.push({ item, dueAt: Date.now() + delay, duplicate: false, ...(twice ? { again: againAfter } : {}) });
    this.pump();
  }

  /**
   * Turns duplicate deliveries off until the returned function is called, for a test that counts
   * work per delivery; the reason is required. Order and concurrency stay as they were.
   */
  withoutDuplicates(reason: string): () => void {
    if (!reason.trim()) throw new Error('turning duplicate deliveries off needs the reason');
    this.duplicatesOff = reason;
    return () => {
      this.duplicatesOff = undefined;
    };
  }

  /** Resolves once nothing is queued or in flight, duplicates included. */
  settled(): Promise<void> {
    if (this.pending.length === 0 && this.inFlight === 0) return Promise.resolve();
    if (!this.idle) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      this.idle = { promise, resolve };
    }
    return this.idle.promise;
  }

  private pump(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    while (this.inFlight < this.concurrency && this.pending.length > 0) {
      const now = Date.now();
      // In order: the first queued. Shuffled: the earliest due, once it is due.
      let index = 0;
      if (this.shuffled) {
        for (let i = 1; i < this.pending.length; i++) if (this.pending[i]!.dueAt < this.pending[index]!.dueAt) index = i;
        const wait = this.pending[index]!.dueAt - now;
        if (wait > 0) {
          this.timer = setTimeout(() => this.pump(), Math.ceil(wait));
          return;
        }
      }
      const [next] = this.pending.splice(index, 1);
      this.start(next!);
    }
  }

  private start(scheduled: Scheduled<T>): void {
    this.inFlight += 1;
    void this.deliver(scheduled.item, scheduled.duplicate)
      .catch(() => undefined)
      .finally(() => {
        this.inFlight -= 1;
        if (scheduled.again !== undefined) {
          this.pending.push({ item: scheduled.item, dueAt: Date.now() + scheduled.again, duplicate: true });
        }
        this.pump();
        if (this.pending.length === 0 && this.inFlight === 0 && this.idle) {
          const { resolve } = this.idle;
          this.idle = undefined;
          resolve();
        }
      });
  }
}
