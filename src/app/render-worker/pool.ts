import { Worker } from 'node:worker_threads';
import { formatLocation, LadderInputError } from '../../core/errors.js';
import type { RenderedResource } from '../../core/render/render.js';
import { fromPortable } from '../../core/render/resources.js';
import type { RenderJob, RenderReply } from './protocol.js';

/** How long and how large one render may get in a worker. */
export interface RenderWorkerLimits {
  /** Wall-clock time of one render before its thread is stopped. */
  timeoutMs: number;
  /** V8 old-generation heap of a worker thread, in MB (`resourceLimits`). */
  heapMb: number;
  /** Worker threads, each rendering one job at a time. */
  threads: number;
}

export const defaultRenderWorkerLimits: RenderWorkerLimits = { timeoutMs: 10_000, heapMb: 256, threads: 2 };

/** Renders templates somewhere a runaway render cannot block the caller. */
export interface Renderer {
  render(job: RenderJob): Promise<RenderedResource[]>;
  /** Stops the threads (tests, shutdown); a later render starts new ones. */
  close(): Promise<void>;
}

interface Slot {
  worker?: Started;
  busy: boolean;
}

interface Started {
  worker: Worker;
  /** Resolves once the thread has loaded its modules and listens for jobs. */
  ready: Promise<void>;
}

/** How long a new render thread may take to load before the render it was started for fails. */
const startTimeoutMs = 60_000;

/**
 * The App's renders, in worker threads: templates are code from code
 * repositories (a fork's, for `/ladder diff`), and the render budgets of
 * src/core/limits.ts bound what they can do only as far as they are counted.
 * A thread that takes longer than `timeoutMs` is terminated, one that passes
 * its heap limit dies on its own, and either becomes a located error for
 * that render; the App's event loop, and every other promotion, go on.
 */
export function createRenderWorkers(limits: RenderWorkerLimits = defaultRenderWorkerLimits): Renderer {
  const slots: Slot[] = Array.from({ length: Math.max(1, limits.threads) }, () => ({ busy: false }));
  const waiting: (() => void)[] = [];

  const acquire = async (): Promise<Slot> => {
    for (;;) {
      const free = slots.find((slot) => !slot.busy);
      if (free) {
        free.busy = true;
        return free;
      }
      await new Promise<void>((resolve) => waiting.push(resolve));
    }
  };
  const release = (slot: Slot) => {
    slot.busy = false;
    waiting.shift()?.();
  };

  return {
    async render(job) {
      const slot = await acquire();
      try {
        return await runIn(slot, job, limits);
      } finally {
        release(slot);
      }
    },
    async close() {
      await Promise.all(slots.map(async (slot) => {
        const started = slot.worker;
        slot.worker = undefined;
        await started?.worker.terminate();
      }));
    },
  };
}

async function runIn(slot: Slot, job: RenderJob, limits: RenderWorkerLimits): Promise<RenderedResource[]> {
  const started = (slot.worker ??= startWorker(limits));
  const file = job.templatesDir ?? 'templates';
  try {
    await started.ready;
  } catch (error) {
    if (slot.worker === started) slot.worker = undefined;
    throw new Error(`could not start a render thread: ${error instanceof Error ? error.message : String(error)}`);
  }
  const worker = started.worker;
  return new Promise((resolve, reject) => {
    const done = (settle: () => void) => {
      clearTimeout(timer);
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      settle();
    };
    // The thread is gone or must go: the next render starts a fresh one.
    const discard = () => {
      if (slot.worker === started) slot.worker = undefined;
    };
    const onMessage = (reply: RenderReply) =>
      done(() => {
        if (reply.ok) resolve(reply.resources.map(fromPortable));
        else if (reply.input) reject(new LadderInputError(stripLocation(reply.message, reply.location), reply.location));
        else reject(new Error(`rendering failed: ${reply.message}`));
      });
    const onError = (error: Error & { code?: string }) =>
      done(() => {
        discard();
        const message = error.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? `rendering needed more than the ${limits.heapMb} MB a render may use; the templates or values make far more than any manifest set needs`
          : `the render thread failed: ${error.message}`;
        reject(new LadderInputError(message, { file }));
      });
    const onExit = () =>
      done(() => {
        discard();
        reject(new LadderInputError('the render thread stopped before it answered', { file }));
      });
    const timer = setTimeout(
      () =>
        done(() => {
          discard();
          void worker.terminate();
          reject(new LadderInputError(`rendering took longer than ${limits.timeoutMs / 1000} s and was stopped; templates that loop this much are a mistake or an attack`, { file }));
        }),
      limits.timeoutMs,
    );
    worker.on('message', onMessage);
    worker.once('error', onError);
    worker.once('exit', onExit);
    worker.postMessage(job);
  });
}

function startWorker(limits: RenderWorkerLimits): Started {
  // Built, the App runs worker.js beside this file; from source (tsx), worker.ts, with the parent's loader (execArgv is inherited).
  const extension = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
  const worker = new Worker(new URL(`./worker.${extension}`, import.meta.url), {
    resourceLimits: { maxOldGenerationSizeMb: limits.heapMb, maxYoungGenerationSizeMb: 32, stackSizeMb: 4 },
  });
  // An idle render thread must not keep the App's process alive.
  worker.unref();
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      void worker.terminate();
      reject(new Error(`it did not load within ${startTimeoutMs / 1000} s`));
    }, startTimeoutMs);
    timer.unref();
    worker.once('message', () => {
      clearTimeout(timer);
      resolve();
    });
    worker.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
  // A failure before anyone waits must not be an unhandled rejection; runIn reports it.
  ready.catch(() => undefined);
  return { worker, ready };
}

/** LadderInputError's message starts with its location; the error rebuilt here adds it again. */
function stripLocation(message: string, location: { file: string; line?: number; column?: number; key?: string }): string {
  const prefix = `${formatLocation(location)}: `;
  return message.startsWith(prefix) ? message.slice(prefix.length) : message;
}
