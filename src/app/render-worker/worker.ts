import { parentPort } from 'node:worker_threads';
import { LadderInputError } from '../../core/errors.js';
import { renderResources } from '../../core/render/render.js';
import { toPortable } from '../../core/render/resources.js';
import type { RenderJob, RenderReply } from './protocol.js';

/**
 * A render worker (src/app/render-worker/pool.ts): runs the templates of one
 * job at a time, off the App's event loop and under the memory limits the
 * pool gave this thread, and answers with plain data.
 */
// Static imports are loaded by now: the pool starts a job's clock only after this, so loading (tsx compiling, in tests) is not counted.
parentPort?.postMessage({ ready: true });

parentPort?.on('message', (job: RenderJob) => {
  let reply: RenderReply;
  try {
    reply = { ok: true, resources: renderResources(job).map(toPortable) };
  } catch (error) {
    reply =
      error instanceof LadderInputError
        ? { ok: false, input: true, message: error.message, location: error.location }
        : { ok: false, input: false, message: error instanceof Error ? error.message : String(error) };
  }
  parentPort!.postMessage(reply);
});
