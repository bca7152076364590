import { KubeApiError, type KubeStatus } from './errors.js';
import type { StreamedResponse } from './transport.js';
import type { KubeObject, WatchEventType } from './types.js';

export interface WatchHandle {
  abort(): void;
}

/**
 * Reads a watch response: one JSON event per line. `onDone` is called exactly
 * once — without an error when the server ends the stream (watches time out
 * normally) or after `abort()`, with a KubeApiError for an `ERROR` event (410
 * Gone when the resourceVersion is too old) or the HTTP error, and with the
 * socket error when the connection breaks.
 */
export function readWatchStream(
  opening: Promise<StreamedResponse>,
  controller: AbortController,
  describe: { method: string; path: string },
  onEvent: (type: WatchEventType, object: KubeObject) => void,
  onDone: (error?: Error) => void,
  onOpen?: () => void,
): WatchHandle {
  let finished = false;
  const finish = (error?: Error) => {
    if (finished) return;
    finished = true;
    if (!controller.signal.aborted) controller.abort();
    onDone(controller.signal.aborted && !error ? undefined : error);
  };

  opening.then(
    async (response) => {
      let pending = '';
      // Everything inside the try: a connection that breaks while the body is read (the error
      // body included) must end the watch through onDone, not escape as an unhandled rejection.
      try {
        if (response.status >= 300) {
          const chunks: Buffer[] = [];
          for await (const chunk of response.body) chunks.push(chunk as Buffer);
          finish(new KubeApiError(response.status, describe.method, describe.path, parseStatus(Buffer.concat(chunks).toString('utf8'))));
          return;
        }
        onOpen?.();
        response.body.setEncoding('utf8');
        for await (const chunk of response.body as AsyncIterable<string>) {
          // Look for line ends in the new chunk only: one large object arriving in many chunks stays linear.
          let from = pending.length;
          pending += chunk;
          let newline: number;
          while ((newline = pending.indexOf('\n', from)) >= 0) {
            const line = pending.slice(0, newline).trim();
            pending = pending.slice(newline + 1);
            from = 0;
            if (!line || finished) continue;
            const event = JSON.parse(line) as { type: string; object: KubeObject };
            if (event.type === 'ERROR') {
              const status = event.object as KubeStatus;
              finish(new KubeApiError(status.code ?? 500, describe.method, describe.path, status));
              return;
            }
            onEvent(event.type as WatchEventType, event.object);
          }
        }
        finish();
      } catch (error) {
        finish(controller.signal.aborted ? undefined : (error as Error));
      }
    },
    (error: Error) => finish(controller.signal.aborted ? undefined : error),
  );

  return {
    abort() {
      if (finished) return;
      controller.abort();
      finish();
    },
  };
}

export function parseStatus(text: string): KubeStatus | string {
  try {
    const parsed = JSON.parse(text) as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as KubeStatus) : text;
  } catch {
    return text;
  }
}
