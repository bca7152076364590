// waitForMessage: resolve on the first recorded message matching a predicate,
// whether it is already there or arrives (or is edited) later. On timeout the
// error lists what did arrive, which is usually the fastest route to the bug.
import type { SlackStore } from './store.js';
import type { SlackMessage } from './types.js';

export function waitForMessage(
  store: SlackStore,
  waiters: Set<(error: Error) => void>,
  predicate: (message: SlackMessage) => boolean,
  timeoutMs: number,
): Promise<SlackMessage> {
  const existing = store.all().find(predicate);
  if (existing) return Promise.resolve(existing);
  return new Promise((resolve, reject) => {
    const finish = (error?: Error, message?: SlackMessage): void => {
      clearTimeout(timer);
      unsubscribe();
      waiters.delete(cancel);
      if (message) resolve(message);
      else reject(error);
    };
    const cancel = (error: Error): void => finish(error);
    const timer = setTimeout(() => {
      const seen = store.all().map((m) => `${m.channel}/${m.ts}: ${JSON.stringify(m.text ?? '')}`);
      finish(new Error(`no matching Slack message within ${timeoutMs} ms; ${seen.length} recorded${seen.length ? `:\n  ${seen.join('\n  ')}` : ''}`));
    }, timeoutMs);
    const unsubscribe = store.onChange((message) => {
      try {
        if (predicate(message)) finish(undefined, message);
      } catch (error) {
        finish(error instanceof Error ? error : new Error(String(error)));
      }
    });
    waiters.add(cancel);
  });
}
