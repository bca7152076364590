import type { Installation, Permissions } from '../auth/tokens.js';
import type { AppConfig } from '../apps.js';
import { iso, type Bed, type RequestContext, type RouteSpec } from '../bed.js';
import { notFound, unprocessable } from '../http.js';
import { integration } from '../shapes/app.js';
import { repository } from '../shapes/repo.js';
import { simpleUser } from '../shapes/users.js';
import type { RepoState } from '../state.js';
import { idParam, ok, paginate } from './util.js';

function installationShape(bed: Bed, installation: Installation) {
  const { urls } = bed;
  const app = bed.apps.get(installation.appId) ?? bed.app;
  return {
    id: installation.id,
    client_id: app.clientId,
    account: simpleUser(urls, installation.account),
    repository_selection: installation.repositorySelection,
    access_tokens_url: urls.api(`/app/installations/${installation.id}/access_tokens`),
    repositories_url: urls.api('/installation/repositories'),
    html_url: urls.html(`/organizations/${installation.account.login}/settings/installations/${installation.id}`),
    app_id: app.id,
    app_slug: app.slug,
    target_id: installation.account.id,
    target_type: installation.account.type === 'Organization' ? 'Organization' : 'User',
    permissions: installation.permissions,
    events: installation.events,
    created_at: installation.createdAt,
    updated_at: installation.createdAt,
    single_file_name: null,
    has_multiple_single_files: false,
    single_file_paths: [],
    suspended_by: null,
    suspended_at: null,
  };
}

/** The calling App (JWT). */
function callingApp(ctx: RequestContext): AppConfig {
  if (ctx.actor.kind !== 'app') throw new Error('an /app route without a JWT');
  return ctx.actor.app;
}

/** One of the calling App's installations; another App's is a 404, as on GitHub. */
function installationById(ctx: RequestContext, id: number): Installation {
  const installation = ctx.bed.tokens.installations.get(id);
  if (!installation || installation.appId !== callingApp(ctx).id) throw notFound();
  return installation;
}

function installationsOf(ctx: RequestContext): Installation[] {
  return [...ctx.bed.tokens.installations.values()].filter((i) => i.appId === callingApp(ctx).id);
}

function reposOf(bed: Bed, installation: Installation): RepoState[] {
  return [...bed.state.repos.values()].filter((repo) => bed.tokens.installationFor(repo, installation.appId)?.id === installation.id);
}

export const appRoutes: RouteSpec[] = [
  {
    method: 'GET',
    route: '/app',
    access: { app: true },
    handle: (ctx) => ok({ ...integration(ctx.bed, callingApp(ctx)), installations_count: installationsOf(ctx).length }),
  },
  {
    method: 'GET',
    route: '/app/installations',
    access: { app: true },
    handle: (ctx) => paginate(ctx, installationsOf(ctx).map((i) => installationShape(ctx.bed, i))),
  },
  {
    method: 'GET',
    route: '/app/installations/{installation_id}',
    access: { app: true },
    handle: (ctx) => ok(installationShape(ctx.bed, installationById(ctx, idParam(ctx, 'installation_id')))),
  },
  {
    method: 'GET',
    route: '/repos/{owner}/{repo}/installation',
    access: { app: true },
    handle: (ctx) => {
      const { bed, params } = ctx;
      const repo = bed.state.repo(`${params.owner}/${params.repo}`);
      const installation = repo && bed.tokens.installationFor(repo, callingApp(ctx).id);
      if (!installation) throw notFound();
      return ok(installationShape(bed, installation));
    },
  },
  {
    method: 'POST',
    route: '/app/installations/{installation_id}/access_tokens',
    access: { app: true },
    handle: (ctx) => {
      const { bed, body } = ctx;
      const installation = installationById(ctx, idParam(ctx, 'installation_id'));
      const available = reposOf(bed, installation);
      const names = body.repositories as string[] | undefined;
      const ids = body.repository_ids as number[] | undefined;
      let narrowed: RepoState[] | undefined;
      if (names || ids) {
        narrowed = available.filter((r) => names?.some((n) => n.toLowerCase() === r.name.toLowerCase()) || ids?.includes(r.id));
        if (narrowed.length !== (names?.length ?? 0) + (ids?.length ?? 0)) {
          throw unprocessable('There is at least one repository that does not exist or is not accessible to the parent installation.');
        }
      }
      const asked = body.permissions as Permissions | undefined;
      if (asked) {
        for (const [scope, level] of Object.entries(asked)) {
          const granted = installation.permissions[scope];
          if (!granted || (level === 'write' && granted !== 'write')) {
            throw unprocessable('The permissions requested are not granted to this installation.');
          }
        }
      }
      const token = bed.tokens.issueInstallationToken(installation, {
        repositories: narrowed && new Set(narrowed.map((r) => r.fullName.toLowerCase())),
        permissions: asked,
      });
      const response: Record<string, unknown> = {
        token: token.token,
        expires_at: iso(token.expiresAt),
        permissions: token.permissions,
        repository_selection: narrowed ? 'selected' : installation.repositorySelection,
      };
      if (narrowed) response.repositories = narrowed.map((r) => repository(bed.urls, r));
      return ok(response, 201);
    },
  },
  {
    method: 'GET',
    route: '/installation/repositories',
    access: { token: true },
    handle: (ctx) => {
      const { actor, bed } = ctx;
      if (actor.kind !== 'installation') throw unprocessable('Only installation tokens can list installation repositories.');
      const repos = reposOf(bed, actor.token.installation).filter(
        (r) => !actor.token.repositories || actor.token.repositories.has(r.fullName.toLowerCase()),
      );
      const page = paginate(ctx, repos.map((r) => repository(bed.urls, r)));
      return {
        ...page,
        body: {
          total_count: repos.length,
          repositories: page.body,
          repository_selection: actor.token.installation.repositorySelection,
        },
      };
    },
  },
];
