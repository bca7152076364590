import type { RequestContext, RouteSpec } from '../bed.js';
import { ApiError, unprocessableSimple } from '../http.js';
import { integration } from '../shapes/app.js';
import { team } from '../shapes/issues.js';
import { simpleUser } from '../shapes/users.js';
import type { Protection } from '../state.js';
import { noContent, ok } from './util.js';

/**
 * Classic branch protection through GitHub's REST API: `PUT` replaces the
 * whole rule (its four nullable keys are required), `GET` reads it, `DELETE`
 * removes it; required signatures have endpoints of their own. People need
 * the admin role; Apps the `administration` permission. Merges, ref updates
 * and mergeability follow the rule (protection.ts).
 */

type Body = Record<string, unknown>;

function object(value: unknown): Body | null {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Body) : null;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function enabled(body: Body, key: string): boolean {
  return body[key] === true;
}

/** The rule a PUT body describes (input validation has checked the shape against GitHub's description). */
function parseProtection(body: Body, previous: Protection | undefined): Protection {
  const checksBody = object(body.required_status_checks);
  const reviewsBody = object(body.required_pull_request_reviews);
  const restrictionsBody = object(body.restrictions);
  const checks = checksBody
    ? [
        ...strings(checksBody.contexts).map((context) => ({ context, appId: null })),
        ...(Array.isArray(checksBody.checks) ? checksBody.checks : []).map((check) => {
          const c = object(check) ?? {};
          const appId = typeof c.app_id === 'number' && c.app_id !== -1 ? c.app_id : null;
          return { context: String(c.context), appId };
        }),
      ]
    : [];
  return {
    requiredStatusChecks: checksBody ? { strict: checksBody.strict === true, checks } : null,
    enforceAdmins: body.enforce_admins === true,
    requiredReviews: reviewsBody
      ? {
          count: typeof reviewsBody.required_approving_review_count === 'number' ? reviewsBody.required_approving_review_count : 1,
          dismissStale: enabled(reviewsBody, 'dismiss_stale_reviews'),
          codeOwners: enabled(reviewsBody, 'require_code_owner_reviews'),
          lastPushApproval: enabled(reviewsBody, 'require_last_push_approval'),
        }
      : null,
    restrictions: restrictionsBody ? { users: strings(restrictionsBody.users), teams: strings(restrictionsBody.teams), apps: strings(restrictionsBody.apps) } : null,
    linearHistory: enabled(body, 'required_linear_history'),
    allowForcePushes: enabled(body, 'allow_force_pushes'),
    allowDeletions: enabled(body, 'allow_deletions'),
    blockCreations: enabled(body, 'block_creations'),
    conversationResolution: enabled(body, 'required_conversation_resolution'),
    lockBranch: enabled(body, 'lock_branch'),
    allowForkSyncing: enabled(body, 'allow_fork_syncing'),
    requiredSignatures: previous?.requiredSignatures ?? false,
  };
}

function protectionUrl(ctx: RequestContext, branch: string): string {
  return ctx.bed.urls.repo(ctx.repo.fullName, `/branches/${encodeURIComponent(branch)}/protection`);
}

/** The body GitHub answers both GET and PUT with. */
function protectionShape(ctx: RequestContext, branch: string, rule: Protection) {
  const { bed, repo } = ctx;
  const url = protectionUrl(ctx, branch);
  const flag = (on: boolean) => ({ enabled: on });
  const body: Record<string, unknown> = {
    url,
    required_signatures: { url: `${url}/required_signatures`, enabled: rule.requiredSignatures },
    enforce_admins: { url: `${url}/enforce_admins`, enabled: rule.enforceAdmins },
    required_linear_history: flag(rule.linearHistory),
    allow_force_pushes: flag(rule.allowForcePushes),
    allow_deletions: flag(rule.allowDeletions),
    block_creations: flag(rule.blockCreations),
    required_conversation_resolution: flag(rule.conversationResolution),
    lock_branch: flag(rule.lockBranch),
    allow_fork_syncing: flag(rule.allowForkSyncing),
  };
  if (rule.requiredStatusChecks) {
    body.required_status_checks = {
      url: `${url}/required_status_checks`,
      strict: rule.requiredStatusChecks.strict,
      contexts: rule.requiredStatusChecks.checks.map((c) => c.context),
      checks: rule.requiredStatusChecks.checks.map((c) => ({ context: c.context, app_id: c.appId })),
      contexts_url: `${url}/required_status_checks/contexts`,
    };
  }
  if (rule.requiredReviews) {
    body.required_pull_request_reviews = {
      url: `${url}/required_pull_request_reviews`,
      dismiss_stale_reviews: rule.requiredReviews.dismissStale,
      require_code_owner_reviews: rule.requiredReviews.codeOwners,
      required_approving_review_count: rule.requiredReviews.count,
      require_last_push_approval: rule.requiredReviews.lastPushApproval,
    };
  }
  if (rule.restrictions) {
    body.restrictions = {
      url: `${url}/restrictions`,
      users_url: `${url}/restrictions/users`,
      teams_url: `${url}/restrictions/teams`,
      apps_url: `${url}/restrictions/apps`,
      users: rule.restrictions.users.map((login) => simpleUser(bed.urls, bed.state.user(login))),
      teams: rule.restrictions.teams.map((slug) => team(bed, repo, slug.slice(slug.indexOf('/') + 1))),
      apps: [...bed.apps.values()]
        .filter((registered) => rule.restrictions?.apps.includes(registered.slug))
        .map((registered) => integration(bed, registered))
        .map((app) => ({ id: app.id, slug: app.slug, node_id: app.node_id, owner: app.owner, name: app.name, client_id: app.client_id, external_url: app.external_url, html_url: app.html_url, created_at: app.created_at, updated_at: app.updated_at, permissions: { metadata: 'read', contents: 'write', issues: 'write' }, events: app.events })),
    };
  }
  return body;
}

async function existingBranch(ctx: RequestContext): Promise<string> {
  const branch = ctx.params.branch ?? '';
  if (!(await ctx.bed.git.revParse(ctx.repo.fullName, `refs/heads/${branch}^{commit}`))) throw new ApiError(404, 'Branch not found');
  return branch;
}

function ruleOrThrow(ctx: RequestContext, branch: string): Protection {
  const rule = ctx.repo.protections.get(branch);
  if (!rule) throw new ApiError(404, 'Branch not protected');
  return rule;
}

const admin = { scope: 'administration', level: 'write', userLevel: 'admin' } as const;
const adminRead = { scope: 'administration', level: 'read', userLevel: 'admin' } as const;

export const protectionRoutes: RouteSpec[] = [
  {
    method: 'PUT',
    route: '/repos/{owner}/{repo}/branches/{branch}/protection',
    access: admin,
    handle: async (ctx) => {
      const branch = await existingBranch(ctx);
      const missing = ['required_status_checks', 'enforce_admins', 'required_pull_request_reviews', 'restrictions'].filter((key) => !(key in ctx.body));
      if (missing.length) throw unprocessableSimple(...missing.map((key) => `${key} wasn't supplied`));
      if (object(ctx.body.restrictions) && ctx.repo.owner.type !== 'Organization') {
        throw unprocessableSimple('Only organization repositories can have users and team restrictions');
      }
      const rule = parseProtection(ctx.body, ctx.repo.protections.get(branch));
      ctx.repo.protections.set(branch, rule);
      return ok(protectionShape(ctx, branch, rule));
    },
  },
  {
    method: 'GET',
    route: '/repos/{owner}/{repo}/branches/{branch}/protection',
    access: adminRead,
    handle: async (ctx) => {
      const branch = await existingBranch(ctx);
      return ok(protectionShape(ctx, branch, ruleOrThrow(ctx, branch)));
    },
  },
  {
    method: 'DELETE',
    route: '/repos/{owner}/{repo}/branches/{branch}/protection',
    access: admin,
    handle: async (ctx) => {
      const branch = await existingBranch(ctx);
      ruleOrThrow(ctx, branch);
      ctx.repo.protections.delete(branch);
      return noContent();
    },
  },
  {
    method: 'GET',
    route: '/repos/{owner}/{repo}/branches/{branch}/protection/required_signatures',
    access: adminRead,
    handle: async (ctx) => {
      const branch = await existingBranch(ctx);
      return ok({ url: `${protectionUrl(ctx, branch)}/required_signatures`, enabled: ruleOrThrow(ctx, branch).requiredSignatures });
    },
  },
  {
    method: 'POST',
    route: '/repos/{owner}/{repo}/branches/{branch}/protection/required_signatures',
    access: admin,
    handle: async (ctx) => {
      const branch = await existingBranch(ctx);
      ruleOrThrow(ctx, branch).requiredSignatures = true;
      return ok({ url: `${protectionUrl(ctx, branch)}/required_signatures`, enabled: true });
    },
  },
  {
    method: 'DELETE',
    route: '/repos/{owner}/{repo}/branches/{branch}/protection/required_signatures',
    access: admin,
    handle: async (ctx) => {
      const branch = await existingBranch(ctx);
      ruleOrThrow(ctx, branch).requiredSignatures = false;
      return noContent();
    },
  },
];
