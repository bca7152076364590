import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { UnreadableInputError } from '../adapters/fs/read-manifests.js';
import { duplicateFinding, duplicatesAmong, type IdentityEntry, type ShardReport } from '../core/validate/run.js';
import type { Finding } from '../core/findings.js';
import type { Position } from '../core/manifests/document.js';
import { openShard, type ContextDocument, type ShardSettings, type ShardSummary } from './validate-shard.js';
import type { WorkerReply, WorkerRequest } from './validate-worker.js';
import { traceTiming } from './trace-timing.js';

/** Below this many files a second thread costs more (loading Ladder again) than it saves. */
export const filesPerThread = 1500;

export interface ShardedResult {
  files: string[];
  reports: ShardReport[];
  duplicates: Finding[];
  kubernetesVersion: string;
}

/**
 * Checks a manifest set on as many threads as it is worth (at most one per
 * core, at least `filesPerThread` files each): this thread takes the first
 * part, workers the rest. Each reads, parses and validates its own files, so
 * parsing, the largest cost, runs on every core. Rules that relate objects
 * across files still see the whole set: the shards exchange their CRDs and
 * autoscalers before checking, and duplicates are found here from their
 * identities. The result equals one thread's, finding for finding.
 */
export async function validateSharded(files: readonly string[], settings: ShardSettings, threads = threadsFor(files.length)): Promise<ShardedResult> {
  const parts = split(files, threads);
  const workers = parts.slice(1).map((part) => startWorker(part, settings));
  traceTiming(`sharded: ${workers.length} workers started`);
  try {
    const own = await openShard(parts[0]!, settings);
    const summaries: ShardSummary[] = [own.summary, ...(await Promise.all(workers.map((worker) => worker.summary)))];
    traceTiming('sharded: every summary here');
    const contextOf = (shard: number): ContextDocument[] => summaries.flatMap((summary, i) => (i === shard ? [] : summary.context));
    const pending = workers.map((worker, i) => worker.check(contextOf(i + 1)));
    const reports = [own.check(contextOf(0)), ...(await Promise.all(pending))];
    traceTiming('sharded: every report here');
    const locate = (shard: number, documents: number[]) => (shard === 0 ? Promise.resolve(own.namePositions(documents)) : workers[shard - 1]!.namePositions(documents));
    return {
      files: summaries.flatMap((summary) => summary.files),
      reports,
      duplicates: await duplicatesAcross(summaries, locate),
      kubernetesVersion: own.summary.kubernetesVersion,
    };
  } finally {
    await Promise.all(workers.map((worker) => worker.stop()));
  }
}

/**
 * The resources defined twice across the shards. Where a name is written is
 * asked of the shard that holds the document, and only for the duplicates.
 */
async function duplicatesAcross(summaries: readonly ShardSummary[], locate: (shard: number, documents: number[]) => Promise<Position[]>): Promise<Finding[]> {
  type Entry = IdentityEntry & { shard: number };
  const duplicates = duplicatesAmong<Entry>(summaries.flatMap((summary, shard) => summary.identities.map((entry) => ({ ...entry, shard }))));
  if (duplicates.length === 0) return [];
  const wanted = duplicates.flatMap(({ entry, first }) => [entry, first]);
  const positions = new Map<Entry, Position>();
  await Promise.all(summaries.map(async (_, shard) => {
    const entries = wanted.filter((entry) => entry.shard === shard);
    if (entries.length === 0) return;
    const found = await locate(shard, entries.map((entry) => entry.document));
    entries.forEach((entry, i) => positions.set(entry, found[i]!));
  }));
  return duplicates.map(({ entry, first }) => duplicateFinding(entry, positions.get(entry)!, first, positions.get(first)!.line));
}

/**
 * One thread per two cores: a thread of validation keeps about 1.4 cores busy, since V8 compiles
 * hot code and collects garbage on helper threads of its own (0.7 s of CPU beside the thread's
 * 1.3 s on the 10,000-resource benchmark). On 2 cores a second thread therefore had no core to
 * run on: it added 0.5 s of CPU (its own start-up and compiling) and saved no wall time
 * (docs/performance.md, LADDER_TRACE_TIMING=1). LADDER_THREADS overrides this.
 */
export function threadsFor(files: number, cores = availableParallelism()): number {
  return Math.max(1, Math.min(Math.floor(cores / 2), 4, Math.floor(files / filesPerThread)));
}

/** Contiguous parts of nearly equal size, in file order, so the set's order survives. */
function split(files: readonly string[], parts: number): string[][] {
  const size = Math.ceil(files.length / parts);
  return Array.from({ length: parts }, (_, i) => files.slice(i * size, (i + 1) * size)).filter((part, i) => i === 0 || part.length > 0);
}

interface ShardWorker {
  summary: Promise<ShardSummary>;
  check(context: ContextDocument[]): Promise<ShardReport>;
  namePositions(documents: number[]): Promise<Position[]>;
  stop(): Promise<void>;
}

function startWorker(files: string[], settings: ShardSettings): ShardWorker {
  // Under tsx (tests, development) the worker is the TypeScript source; built, it is the .js beside this file.
  const script = new URL(import.meta.url.endsWith('.ts') ? './validate-worker.ts' : './validate-worker.js', import.meta.url);
  const worker = new Worker(script, { workerData: { files, settings } });
  const replies: WorkerReply[] = [];
  const waiting: ((reply: WorkerReply) => void)[] = [];
  let failure: Error | undefined;
  const next = (): Promise<WorkerReply> => {
    const reply = replies.shift();
    if (reply) return Promise.resolve(reply);
    if (failure) return Promise.reject(failure);
    return new Promise((resolve) => waiting.push(resolve));
  };
  const deliver = (reply: WorkerReply) => {
    const resolve = waiting.shift();
    if (resolve) resolve(reply);
    else replies.push(reply);
  };
  worker.on('message', deliver);
  worker.on('error', (error) => deliver({ type: 'error', message: error.stack ?? error.message }));
  worker.on('exit', (code) => {
    failure = new Error(`a validation thread stopped (exit code ${code})`);
    for (const resolve of waiting.splice(0)) resolve({ type: 'error', message: failure.message });
  });
  const expect = async <T extends WorkerReply['type']>(type: T): Promise<Extract<WorkerReply, { type: T }>> => {
    const reply = await next();
    if (reply.type === 'error') throw reply.location ? new UnreadableInputError(reply.message, reply.location) : new Error(reply.message);
    if (reply.type !== type) throw new Error(`a validation thread answered ${reply.type}, not ${type}`);
    return reply as Extract<WorkerReply, { type: T }>;
  };
  const summary = expect('summary').then((reply) => reply.summary);
  summary.catch(() => undefined); // awaited by the caller; never an unhandled rejection here
  return {
    summary,
    async check(context) {
      worker.postMessage({ type: 'check', context } satisfies WorkerRequest);
      return (await expect('report')).report;
    },
    async namePositions(documents) {
      worker.postMessage({ type: 'locate', documents } satisfies WorkerRequest);
      return (await expect('positions')).positions;
    },
    async stop() {
      await worker.terminate();
    },
  };
}
