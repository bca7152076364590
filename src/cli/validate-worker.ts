import { parentPort, workerData } from 'node:worker_threads';
import { formatLocation, LadderInputError } from '../core/errors.js';
import { openShard, type OpenShard, type ShardSettings } from './validate-shard.js';
import { traceTiming } from './trace-timing.js';

traceTiming('worker: modules loaded');

/**
 * A thread of `ladder validate` for a large set (validate-shards.ts): reads
 * and parses its files and sends a summary, then checks them once the
 * context of the other shards arrives. Errors go back as data.
 */
export type WorkerRequest =
  | { type: 'check'; context: import('./validate-shard.js').ContextDocument[] }
  | { type: 'locate'; documents: number[] };
export type WorkerReply =
  | { type: 'summary'; summary: OpenShard['summary'] }
  | { type: 'report'; report: ReturnType<OpenShard['check']> }
  | { type: 'positions'; positions: ReturnType<OpenShard['namePositions']> }
  | { type: 'error'; message: string; location?: LadderInputError['location'] };

const port = parentPort!;
const { files, settings } = workerData as { files: string[]; settings: ShardSettings };

function fail(error: unknown): void {
  // A LadderInputError (an unreadable file) keeps its location; the main thread raises it again.
  const reply: WorkerReply = error instanceof LadderInputError
    ? { type: 'error', message: error.message.slice(formatLocation(error.location).length + 2), location: error.location }
    : { type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  port.postMessage(reply);
}

try {
  const shard = await openShard(files, settings);
  port.postMessage({ type: 'summary', summary: shard.summary } satisfies WorkerReply);
  port.on('message', (request: WorkerRequest) => {
    try {
      const reply: WorkerReply = request.type === 'check'
        ? { type: 'report', report: shard.check(request.context) }
        : { type: 'positions', positions: shard.namePositions(request.documents) };
      port.postMessage(reply);
    } catch (error) {
      fail(error);
    }
  });
} catch (error) {
  fail(error);
}
