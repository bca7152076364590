import type { AppConfig } from '../apps.js';
import type { Reply, RequestContext, RouteSpec } from '../bed.js';
import { ApiError, notFound } from '../http.js';
import type { Delivery, DeliveryAttempt } from '../webhooks/deliver.js';
import { idParam, intParam, ok } from './util.js';

/**
 * An App's own webhook: its configuration, and the log of deliveries with
 * redelivery (`POST …/attempts`), what an App uses to recover deliveries its
 * endpoint missed. Each attempt is a delivery of its own (own `id`, the
 * event's `guid`), newest first, paged by cursor.
 */

function callingApp(ctx: RequestContext): AppConfig {
  if (ctx.actor.kind !== 'app') throw new Error('an /app route without a JWT');
  return ctx.actor.app;
}

interface Listed {
  delivery: Delivery;
  attempt: DeliveryAttempt;
}

function attemptsOf(ctx: RequestContext): Listed[] {
  const app = callingApp(ctx);
  return ctx.bed.hooks.deliveries
    .filter((d) => d.appId === app.id)
    .flatMap((delivery) => delivery.attempts.map((attempt) => ({ delivery, attempt })))
    .sort((a, b) => b.attempt.id - a.attempt.id);
}

/** GitHub's `status` text for an attempt. */
function statusText(attempt: DeliveryAttempt): string {
  if (attempt.status === null) return 'failed to connect to host';
  return attempt.status >= 200 && attempt.status < 300 ? 'OK' : `Invalid HTTP Response: ${attempt.status}`;
}

function item({ delivery, attempt }: Listed) {
  return {
    id: attempt.id,
    guid: delivery.id,
    delivered_at: attempt.deliveredAt,
    redelivery: attempt.redelivery,
    duration: Math.round(attempt.durationMs) / 1000,
    status: statusText(attempt),
    status_code: attempt.status ?? 0,
    event: delivery.event,
    action: delivery.action ?? null,
    installation_id: delivery.installationId,
    repository_id: delivery.repositoryId,
    throttled_at: null,
  };
}

function findAttempt(ctx: RequestContext): Listed {
  const id = idParam(ctx, 'delivery_id');
  const found = attemptsOf(ctx).find((listed) => listed.attempt.id === id);
  if (!found) throw notFound();
  return found;
}

function configOf(app: AppConfig) {
  return { content_type: 'json', insecure_ssl: '0', secret: app.webhookSecret ? '********' : undefined, url: app.webhookUrl ?? '' };
}

export const appHookRoutes: RouteSpec[] = [
  {
    method: 'GET',
    route: '/app/hook/config',
    access: { app: true },
    handle: (ctx) => ok(configOf(callingApp(ctx))),
  },
  {
    method: 'PATCH',
    route: '/app/hook/config',
    access: { app: true },
    handle: (ctx) => {
      const app = callingApp(ctx);
      if (typeof ctx.body.url === 'string') app.webhookUrl = ctx.body.url;
      if (typeof ctx.body.secret === 'string') app.webhookSecret = ctx.body.secret;
      return ok(configOf(app));
    },
  },
  {
    method: 'GET',
    route: '/app/hook/deliveries',
    access: { app: true },
    handle: (ctx): Reply => {
      const perPage = Math.min(Math.max(intParam(ctx, 'per_page') ?? 30, 1), 100);
      const status = ctx.query.get('status');
      if (status !== null && status !== 'success' && status !== 'failure') throw new ApiError(422, 'Validation Failed');
      const cursor = ctx.query.get('cursor');
      let listed = attemptsOf(ctx).filter(({ attempt }) => {
        const code = attempt.status ?? 0;
        return status === null || (status === 'success' ? code >= 200 && code < 400 : code >= 400 || code === 0);
      });
      // The cursor is the id of the last delivery of the previous page.
      if (cursor) listed = listed.filter(({ attempt }) => attempt.id < Number(cursor));
      const page = listed.slice(0, perPage);
      const headers: Record<string, string> = {};
      if (listed.length > perPage) {
        const query = new URLSearchParams(ctx.query);
        query.set('per_page', String(perPage));
        query.set('cursor', String(page.at(-1)!.attempt.id));
        headers.link = `<${ctx.bed.urls.api('/app/hook/deliveries')}?${query.toString()}>; rel="next"`;
      }
      return { status: 200, body: page.map(item), headers };
    },
  },
  {
    method: 'GET',
    route: '/app/hook/deliveries/{delivery_id}',
    access: { app: true },
    handle: (ctx) => {
      const found = findAttempt(ctx);
      return ok({
        ...item(found),
        url: found.delivery.url,
        request: { headers: found.delivery.headers, payload: JSON.parse(found.delivery.body) as Record<string, unknown> },
        response: { headers: found.attempt.response.headers, payload: found.attempt.response.body },
      });
    },
  },
  {
    method: 'POST',
    route: '/app/hook/deliveries/{delivery_id}/attempts',
    access: { app: true },
    handle: (ctx) => {
      const { delivery } = findAttempt(ctx);
      // Accepted now, delivered in the background, as GitHub does.
      setImmediate(() => void ctx.bed.hooks.redeliver(delivery.id));
      return ok({}, 202);
    },
  },
];
