import type { Logger } from 'pino';
import type { Probot } from 'probot';
import { runForDelivery } from './delivery-scope.js';
import type { SeenDeliveries } from './seen-deliveries.js';

type Handler = (context: { id?: string; name?: string }) => unknown;

/**
 * The Probot app the features register on, with each handler run once per
 * delivery id: a delivery GitHub sends twice (same X-GitHub-Delivery) reaches
 * every handler the first time and none the second. Keyed per handler, since
 * one delivery runs several (promotion and gates both take a merged pull
 * request). A delivery whose work failed is forgotten, so a redelivery runs
 * it again. A delivery without an id (a test's `app.receive`) is never
 * deduplicated.
 */
export function oncePerDelivery(app: Probot, seen: SeenDeliveries, log: Logger): Probot {
  let handlers = 0;
  const on = (events: unknown, handler: Handler): void => {
    const slot = ++handlers;
    (app.on as (events: unknown, handler: Handler) => void)(events, async (context) => {
      const key = context.id ? `${context.id}#${slot}` : undefined;
      if (key && !seen.take(key)) {
        log.debug({ delivery: context.id, event: context.name }, 'duplicate delivery ignored: this handler already took it');
        return;
      }
      const release = () => key && seen.release(key);
      try {
        // Work the handler starts (on the queue) that fails releases the delivery too: see delivery-scope.ts.
        return await runForDelivery(release, () => handler(context));
      } catch (error) {
        release();
        throw error;
      }
    });
  };
  return new Proxy(app, {
    get(target, property) {
      if (property === 'on') return on;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
