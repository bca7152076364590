import type { Reply, RequestContext } from '../bed.js';
import { notFound } from '../http.js';

/** One page of a list with GitHub's `Link` header, so octokit.paginate walks it like the real thing. */
export function paginate<T>(ctx: RequestContext, items: readonly T[], status = 200): Reply {
  const perPage = Math.min(Math.max(intParam(ctx, 'per_page') ?? 30, 1), 100);
  const page = Math.max(intParam(ctx, 'page') ?? 1, 1);
  const last = Math.max(Math.ceil(items.length / perPage), 1);
  const body = items.slice((page - 1) * perPage, page * perPage);
  const links: string[] = [];
  const link = (n: number, rel: string) => {
    const query = new URLSearchParams(ctx.query);
    query.set('page', String(n));
    query.set('per_page', String(perPage));
    const path = ctx.route.replace(/\{([^}]+)\}/g, (_, name: string) => encodeParam(name, ctx.params[name] ?? ''));
    links.push(`<${ctx.bed.urls.api(path)}?${query.toString()}>; rel="${rel}"`);
  };
  if (page > 1) link(page - 1, 'prev');
  if (page < last) {
    link(page + 1, 'next');
    link(last, 'last');
  }
  if (page > 1) link(1, 'first');
  return { status, body, headers: links.length ? { link: links.join(', ') } : {} };
}

function encodeParam(name: string, value: string): string {
  return name === 'path' || name === 'ref' ? value.split('/').map(encodeURIComponent).join('/') : encodeURIComponent(value);
}

export function intParam(ctx: RequestContext, name: string): number | undefined {
  const raw = ctx.query.get(name);
  if (raw === null || raw === '') return undefined;
  const value = Number(raw);
  return Number.isInteger(value) ? value : undefined;
}

/** A numeric path parameter (`{pull_number}`); anything else is a 404 like GitHub's router gives. */
export function idParam(ctx: RequestContext, name: string): number {
  const value = Number(ctx.params[name]);
  if (!Number.isSafeInteger(value) || value <= 0) throw notFound();
  return value;
}

export function ok(body: unknown, status = 200): Reply {
  return { status, body };
}

export function noContent(): Reply {
  return { status: 204 };
}

/** GitHub compares label names, logins and branch filters without case. */
export function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
