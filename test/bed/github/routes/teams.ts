import type { RouteSpec } from '../bed.js';
import { notFound } from '../http.js';
import { ok } from './util.js';

/**
 * Team membership, for rules like "only the release team may promote to
 * prd". Teams exist only as names with members (`addTeamMember` on the
 * server handle); an unknown team and a non-member are both 404, as on GitHub.
 */
export const teamRoutes: RouteSpec[] = [
  {
    method: 'GET',
    route: '/orgs/{org}/teams/{team_slug}/memberships/{username}',
    access: { org: true, scope: 'members', level: 'read' },
    handle: (ctx) => {
      const { org = '', team_slug: slug = '', username = '' } = ctx.params;
      const membership = ctx.bed.state.teams.get(`${org}/${slug}`.toLowerCase())?.get(username.toLowerCase());
      if (!membership) throw notFound();
      const path = `/orgs/${encodeURIComponent(org)}/teams/${encodeURIComponent(slug)}/memberships/${encodeURIComponent(username)}`;
      return ok({ url: ctx.bed.urls.api(path), role: membership.role, state: membership.state });
    },
  },
];
