import type { RequestContext, RouteSpec } from '../bed.js';
import { ApiError, notFound } from '../http.js';
import { restCommit } from '../shapes/git.js';
import { networkRepository } from './forks.js';
import { simpleUser } from '../shapes/users.js';
import { legacyPermission, permissionFlags, roleOf } from '../roles.js';
import type { Permission, RepoState } from '../state.js';
import { ok, paginate } from './util.js';

/** What the caller may do, as GitHub reports it in `permissions` of the repository. */
function viewerPermission(ctx: RequestContext): Permission {
  if (ctx.actor.kind === 'user') return roleOf(ctx.bed.state, ctx.repo, ctx.actor.user);
  return 'write';
}

function branchProtection(ctx: RequestContext, repo: RepoState, branch: string) {
  const protection = repo.protections.get(branch);
  const url = ctx.bed.urls.repo(repo.fullName, `/branches/${encodeURIComponent(branch)}/protection`);
  const checks = protection?.requiredStatusChecks;
  return {
    enabled: Boolean(protection),
    required_status_checks: {
      enforcement_level: checks ? (protection?.enforceAdmins ? 'everyone' : 'non_admins') : 'off',
      contexts: checks?.checks.map((c) => c.context) ?? [],
      checks: checks?.checks.map((c) => ({ context: c.context, app_id: c.appId })) ?? [],
      ...(checks ? { strict: checks.strict, url: `${url}/required_status_checks` } : {}),
    },
  };
}

export const repoRoutes: RouteSpec[] = [
  {
    method: 'GET',
    route: '/repos/{owner}/{repo}',
    access: { scope: 'metadata', level: 'read' },
    handle: (ctx) => ok(networkRepository(ctx, ctx.repo, viewerPermission(ctx))),
  },
  {
    method: 'GET',
    route: '/repos/{owner}/{repo}/branches',
    access: { scope: 'contents', level: 'read' },
    handle: async (ctx) => {
      const { bed, repo } = ctx;
      const refs = (await bed.git.listRefs(repo.fullName)).filter((r) => r.ref.startsWith('refs/heads/'));
      const wantProtected = ctx.query.get('protected');
      const branches = refs
        .map((r) => {
          const name = r.ref.slice('refs/heads/'.length);
          return {
            name,
            commit: { sha: r.sha, url: bed.urls.repo(repo.fullName, `/commits/${r.sha}`) },
            protected: repo.protections.has(name),
          };
        })
        .filter((b) => wantProtected === null || String(b.protected) === wantProtected)
        .sort((a, b) => a.name.localeCompare(b.name));
      return paginate(ctx, branches);
    },
  },
  {
    method: 'GET',
    route: '/repos/{owner}/{repo}/branches/{branch}',
    access: { scope: 'contents', level: 'read' },
    handle: async (ctx) => {
      const { bed, repo } = ctx;
      const branch = ctx.params.branch ?? '';
      const sha = await bed.git.revParse(repo.fullName, `refs/heads/${branch}^{commit}`);
      const commit = sha ? await bed.git.readCommit(repo.fullName, sha) : null;
      if (!commit) throw new ApiError(404, 'Branch not found');
      const self = bed.urls.repo(repo.fullName, `/branches/${encodeURIComponent(branch)}`);
      return ok({
        name: branch,
        commit: restCommit(bed, repo, commit),
        _links: { self, html: bed.urls.repoHtml(repo.fullName, `/tree/${branch}`) },
        protected: repo.protections.has(branch),
        protection: branchProtection(ctx, repo, branch),
        protection_url: `${self}/protection`,
      });
    },
  },
  {
    method: 'GET',
    route: '/repos/{owner}/{repo}/collaborators/{username}/permission',
    access: { scope: 'metadata', level: 'read' },
    handle: (ctx) => {
      const { bed, repo } = ctx;
      const user = bed.state.users.get((ctx.params.username ?? '').toLowerCase());
      if (!user) throw notFound();
      // Every source of grants counts (repository, organization base permission, ownership);
      // `permission` is the legacy base role, `role_name` the role itself.
      const role = roleOf(bed.state, repo, user);
      return ok({
        permission: legacyPermission(role),
        role_name: role,
        user: { ...simpleUser(bed.urls, user), permissions: permissionFlags(role), role_name: role },
      });
    },
  },
];
