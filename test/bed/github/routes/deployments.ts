import type { RequestContext, RouteSpec } from '../bed.js';
import { nowIso } from '../bed.js';
import { mergeTrees } from '../git/merge.js';
import { ApiError, conflict, notFound, optionalString, requireString } from '../http.js';
import { checkStates } from '../protection.js';
import { writeRef } from '../refs.js';
import { deployment, deploymentStatus } from '../shapes/checks.js';
import { noreplyEmail } from '../shapes/users.js';
import type { DeploymentState, DeploymentStatusState } from '../state.js';
import { deploymentStatusPayload } from '../webhooks/payloads.js';
import { idParam, ok, paginate } from './util.js';

function deploymentOrThrow(ctx: RequestContext): DeploymentState {
  const found = ctx.repo.deployments.get(idParam(ctx, 'deployment_id'));
  if (!found) throw notFound();
  return found;
}

/**
 * GitHub's `auto_merge` (on by default): a branch behind the default branch
 * gets the default branch merged in first, and the call answers 202.
 */
async function autoMerge(ctx: RequestContext, ref: string, sha: string): Promise<boolean> {
  const { bed, repo } = ctx;
  const tip = await bed.git.resolveCommitish(repo.fullName, repo.defaultBranch);
  const isBranch = Boolean(await bed.git.revParse(repo.fullName, `refs/heads/${ref}`));
  if (!tip || !isBranch || ref === repo.defaultBranch || (await bed.git.isAncestor(repo.fullName, tip, sha))) return false;
  const merged = await mergeTrees(bed.git, repo.fullName, sha, tip);
  if (!merged.tree) throw conflict(`Conflict merging ${repo.defaultBranch} into ${ref}.`);
  const identity = { name: ctx.sender.login, email: noreplyEmail(ctx.sender), date: nowIso(bed) };
  const commit = await bed.git.createCommit(
    repo.fullName,
    {
      tree: merged.tree,
      parents: [sha, tip],
      message: `Auto-merged ${repo.defaultBranch} into ${ref} on deployment.`,
      author: identity,
      committer: { name: 'GitHub', email: 'noreply@github.com', date: identity.date },
    },
    (payload) => bed.webFlow.sign(payload),
  );
  if (!(await writeRef(bed, repo, { ref: `refs/heads/${ref}`, sha: commit, expected: sha }, ctx.sender))) {
    throw conflict(`Conflict merging ${repo.defaultBranch} into ${ref}.`);
  }
  return true;
}

export const deploymentRoutes: RouteSpec[] = [
  {
    method: 'POST',
    route: '/repos/{owner}/{repo}/deployments',
    access: { scope: 'deployments', level: 'write' },
    handle: async (ctx) => {
      const { bed, repo, body } = ctx;
      const ref = requireString(body, 'ref');
      const sha = await bed.git.resolveCommitish(repo.fullName, ref);
      if (!sha) throw new ApiError(422, `No ref found for: ${ref}`);
      if (body.auto_merge !== false && (await autoMerge(ctx, ref, sha))) {
        return ok({ message: `Auto-merged ${repo.defaultBranch} into ${ref} on deployment.` }, 202);
      }
      // Without `required_contexts` every status context on the commit must be green.
      const states = checkStates(repo, sha);
      const required = Array.isArray(body.required_contexts) ? body.required_contexts.map(String) : [...states.keys()];
      const failing = required.filter((context) => states.get(context) !== 'success');
      if (failing.length) throw conflict(`Conflict: Commit status checks failed for ${ref}.`);
      const environment = optionalString(body, 'environment') ?? 'production';
      const now = nowIso(bed);
      const created: DeploymentState = {
        id: bed.state.nextId(),
        sha,
        ref,
        task: optionalString(body, 'task') ?? 'deploy',
        payload: (body.payload as DeploymentState['payload'] | undefined) ?? {},
        environment,
        originalEnvironment: environment,
        description: optionalString(body, 'description') ?? null,
        creator: ctx.sender,
        createdAt: now,
        updatedAt: now,
        transient: body.transient_environment === true,
        production: typeof body.production_environment === 'boolean' ? body.production_environment : environment === 'production',
        statuses: [],
      };
      repo.deployments.set(created.id, created);
      return ok(deployment(bed, repo, created), 201);
    },
  },
  {
    method: 'GET',
    route: '/repos/{owner}/{repo}/deployments',
    access: { scope: 'deployments', level: 'read' },
    handle: (ctx) => {
      const { query } = ctx;
      const matches = (value: string, name: string) => !query.get(name) || query.get(name) === value;
      const list = [...ctx.repo.deployments.values()]
        .filter((d) => matches(d.sha, 'sha') && matches(d.ref, 'ref') && matches(d.task, 'task') && matches(d.environment, 'environment'))
        .reverse();
      return paginate(ctx, list.map((d) => deployment(ctx.bed, ctx.repo, d)));
    },
  },
  {
    method: 'GET',
    route: '/repos/{owner}/{repo}/deployments/{deployment_id}',
    access: { scope: 'deployments', level: 'read' },
    handle: (ctx) => ok(deployment(ctx.bed, ctx.repo, deploymentOrThrow(ctx))),
  },
  {
    method: 'POST',
    route: '/repos/{owner}/{repo}/deployments/{deployment_id}/statuses',
    access: { scope: 'deployments', level: 'write' },
    handle: (ctx) => {
      const { bed, repo, body } = ctx;
      const parent = deploymentOrThrow(ctx);
      const now = nowIso(bed);
      const environment = optionalString(body, 'environment') ?? parent.environment;
      const status: DeploymentStatusState = {
        id: bed.state.nextId(),
        state: requireString(body, 'state') as DeploymentStatusState['state'],
        description: optionalString(body, 'description') ?? '',
        environment,
        logUrl: optionalString(body, 'log_url') ?? optionalString(body, 'target_url') ?? '',
        environmentUrl: optionalString(body, 'environment_url') ?? '',
        creator: ctx.sender,
        createdAt: now,
      };
      parent.statuses.push(status);
      parent.environment = environment;
      parent.updatedAt = now;
      if (status.state === 'success' && body.auto_inactive !== false) markOlderInactive(ctx, parent, now);
      bed.emit({ event: 'deployment_status', payload: deploymentStatusPayload(bed, repo, parent, status, ctx.sender) });
      return ok(deploymentStatus(bed, repo, parent, status), 201);
    },
  },
  {
    method: 'GET',
    route: '/repos/{owner}/{repo}/deployments/{deployment_id}/statuses',
    access: { scope: 'deployments', level: 'read' },
    handle: (ctx) => {
      const parent = deploymentOrThrow(ctx);
      return paginate(ctx, [...parent.statuses].reverse().map((s) => deploymentStatus(ctx.bed, ctx.repo, parent, s)));
    },
  },
];

/**
 * `auto_inactive`: earlier non-transient, non-production deployments to the
 * same environment whose latest state is success get an `inactive` status.
 */
function markOlderInactive(ctx: RequestContext, current: DeploymentState, now: string): void {
  for (const other of ctx.repo.deployments.values()) {
    if (other.id === current.id || other.environment !== current.environment) continue;
    if (other.transient || other.production || other.statuses.at(-1)?.state !== 'success') continue;
    other.statuses.push({
      id: ctx.bed.state.nextId(),
      state: 'inactive',
      description: '',
      environment: other.environment,
      logUrl: '',
      environmentUrl: '',
      creator: ctx.sender,
      createdAt: now,
    });
  }
}
