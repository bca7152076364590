import type { RequestContext, RouteSpec } from '../bed.js';
import { actingApp, nowIso } from '../bed.js';
import { ApiError, forbidden, notFound, optionalString, requireString, unprocessable } from '../http.js';
import { checkAnnotations, checkRun, commitStatus } from '../shapes/checks.js';
import { minimalRepository } from '../shapes/repo.js';
import { simpleUser } from '../shapes/users.js';
import type { Annotation, CheckRunState, CommitStatusState } from '../state.js';
import { statusPayload } from '../webhooks/status-payload.js';
import { emitRun, rollUp, suiteFor } from '../check-suites.js';
import { idParam, ok, paginate } from './util.js';

type Output = CheckRunState['output'];

/** Applies a create/update body to a check run; GitHub appends annotations across updates. */
function applyCheckBody(ctx: RequestContext, run: CheckRunState): void {
  const { body } = ctx;
  const name = optionalString(body, 'name');
  if (name !== undefined) run.name = name;
  const details = optionalString(body, 'details_url');
  if (details !== undefined) run.detailsUrl = details;
  const external = optionalString(body, 'external_id');
  if (external !== undefined) run.externalId = external;
  const started = optionalString(body, 'started_at');
  if (started !== undefined) run.startedAt = started;
  const status = optionalString(body, 'status') as CheckRunState['status'] | undefined;
  const conclusion = optionalString(body, 'conclusion');
  if (status !== undefined) run.status = status;
  if (conclusion !== undefined) {
    // A conclusion completes the run, whatever status was sent.
    run.conclusion = conclusion;
    run.status = 'completed';
  }
  if (run.status === 'completed') {
    if (!run.conclusion) throw unprocessable('Invalid request.\n\n"conclusion" wasn\'t supplied.');
    run.completedAt = optionalString(body, 'completed_at') ?? run.completedAt ?? nowIso(ctx.bed);
  }
  const output = body.output as (Partial<Output> & { annotations?: Annotation[] }) | undefined;
  if (output) {
    if (typeof output.title !== 'string' || typeof output.summary !== 'string') {
      throw unprocessable('Invalid request.\n\n"title" and "summary" are required in output.');
    }
    const annotations = output.annotations ?? [];
    if (annotations.length > 50) throw unprocessable('Only 50 annotations can be sent per request.');
    run.output = {
      title: output.title,
      summary: output.summary,
      text: output.text ?? run.output.text,
      annotations: [...run.output.annotations, ...annotations],
    };
  }
}

function runOrThrow(ctx: RequestContext): CheckRunState {
  const run = ctx.repo.checkRuns.get(idParam(ctx, 'check_run_id'));
  if (!run) throw notFound();
  return run;
}

async function commitOr422(ctx: RequestContext, ref: string): Promise<string> {
  const sha = await ctx.bed.git.resolveCommitish(ctx.repo.fullName, ref);
  if (!sha) throw new ApiError(422, `No commit found for SHA: ${ref}`);
  return sha;
}

export const checkRoutes: RouteSpec[] = [
  {
    method: 'POST',
    route: '/repos/{owner}/{repo}/check-runs',
    access: { scope: 'checks', level: 'write' },
    handle: async (ctx) => {
      const { bed, repo } = ctx;
      // Check runs belong to Apps; people and OAuth tokens cannot create them.
      if (ctx.actor.kind !== 'installation') throw forbidden('You must authenticate via a GitHub App.');
      const headSha = await commitOr422(ctx, requireString(ctx.body, 'head_sha'));
      const run: CheckRunState = {
        id: bed.state.nextId(),
        headSha,
        name: requireString(ctx.body, 'name'),
        status: 'queued',
        conclusion: null,
        startedAt: nowIso(bed),
        completedAt: null,
        detailsUrl: null,
        externalId: null,
        output: { title: null, summary: null, text: null, annotations: [] },
        checkSuiteId: 0,
        appId: actingApp(ctx)?.id ?? bed.app.id,
      };
      applyCheckBody(ctx, run);
      // The App's suite for the commit, made by its first run there.
      run.checkSuiteId = suiteFor(bed, repo, run.appId, headSha).id;
      repo.checkRuns.set(run.id, run);
      await emitRun(bed, repo, run, 'created', ctx.sender);
      if (run.status === 'completed') await emitRun(bed, repo, run, 'completed', ctx.sender);
      await rollUp(bed, repo, repo.checkSuites.get(run.checkSuiteId)!, ctx.sender);
      return ok(checkRun(bed, repo, run), 201);
    },
  },
  {
    method: 'PATCH',
    route: '/repos/{owner}/{repo}/check-runs/{check_run_id}',
    access: { scope: 'checks', level: 'write' },
    handle: async (ctx) => {
      const { bed, repo } = ctx;
      const run = runOrThrow(ctx);
      const wasCompleted = run.status === 'completed';
      applyCheckBody(ctx, run);
      if (run.status === 'completed' && !wasCompleted) await emitRun(bed, repo, run, 'completed', ctx.sender);
      const suite = repo.checkSuites.get(run.checkSuiteId);
      if (suite) await rollUp(bed, repo, suite, ctx.sender);
      return ok(checkRun(bed, repo, run));
    },
  },
  {
    method: 'POST',
    route: '/repos/{owner}/{repo}/check-runs/{check_run_id}/rerequest',
    access: { scope: 'checks', level: 'read' },
    handle: async (ctx) => {
      const { bed, repo } = ctx;
      const run = runOrThrow(ctx);
      // "its status is reset to queued and the conclusion is cleared", and its App is asked to run it again.
      Object.assign(run, { status: 'queued', conclusion: null, completedAt: null });
      const suite = repo.checkSuites.get(run.checkSuiteId);
      if (suite) await rollUp(bed, repo, suite, ctx.sender);
      await emitRun(bed, repo, run, 'rerequested', ctx.sender);
      return ok({}, 201);
    },
  },
  {
    method: 'GET',
    route: '/repos/{owner}/{repo}/check-runs/{check_run_id}',
    access: { scope: 'checks', level: 'read' },
    handle: (ctx) => ok(checkRun(ctx.bed, ctx.repo, runOrThrow(ctx))),
  },
  {
    method: 'GET',
    route: '/repos/{owner}/{repo}/check-runs/{check_run_id}/annotations',
    access: { scope: 'checks', level: 'read' },
    handle: (ctx) => paginate(ctx, checkAnnotations(ctx.bed, ctx.repo, runOrThrow(ctx))),
  },
  {
    method: 'GET',
    route: '/repos/{owner}/{repo}/commits/{ref}/check-runs',
    access: { scope: 'checks', level: 'read' },
    handle: async (ctx) => {
      const { bed, repo, query } = ctx;
      const sha = await commitOr422(ctx, ctx.params.ref ?? '');
      let runs = [...repo.checkRuns.values()].filter((r) => r.headSha === sha).reverse();
      if (query.get('filter') !== 'all') {
        // `latest` (the default): only the most recent run of each name.
        const seen = new Set<string>();
        runs = runs.filter((r) => !seen.has(r.name) && seen.add(r.name));
      }
      const name = query.get('check_name');
      const status = query.get('status');
      runs = runs.filter((r) => (!name || r.name === name) && (!status || r.status === status));
      const page = paginate(ctx, runs.map((r) => checkRun(bed, repo, r)));
      return { ...page, body: { total_count: runs.length, check_runs: page.body } };
    },
  },
  {
    method: 'POST',
    route: '/repos/{owner}/{repo}/statuses/{sha}',
    access: { scope: 'statuses', level: 'write' },
    handle: async (ctx) => {
      const { bed, repo, body } = ctx;
      const sha = ctx.params.sha ?? '';
      if (!/^[0-9a-f]{40}$/.test(sha) || (await bed.git.objectType(repo.fullName, sha)) !== 'commit') {
        throw new ApiError(422, `No commit found for SHA: ${sha}`);
      }
      const status: CommitStatusState = {
        id: bed.state.nextId(),
        sha,
        state: requireString(body, 'state') as CommitStatusState['state'],
        targetUrl: optionalString(body, 'target_url') ?? null,
        description: optionalString(body, 'description') ?? null,
        context: optionalString(body, 'context') ?? 'default',
        creator: ctx.sender,
        createdAt: nowIso(bed),
        appId: actingApp(ctx)?.id ?? null,
      };
      repo.statuses.push(status);
      bed.emit({ event: 'status', payload: await statusPayload(bed, repo, status) });
      return ok({ ...commitStatus(bed, repo, status), creator: simpleUser(bed.urls, status.creator) }, 201);
    },
  },
  {
    method: 'GET',
    route: '/repos/{owner}/{repo}/commits/{ref}/statuses',
    access: { scope: 'statuses', level: 'read' },
    handle: async (ctx) => {
      const sha = await commitOr422(ctx, ctx.params.ref ?? '');
      const statuses = ctx.repo.statuses.filter((s) => s.sha === sha).reverse();
      return paginate(
        ctx,
        statuses.map((s) => ({ ...commitStatus(ctx.bed, ctx.repo, s), creator: simpleUser(ctx.bed.urls, s.creator) })),
      );
    },
  },
  {
    method: 'GET',
    route: '/repos/{owner}/{repo}/commits/{ref}/status',
    access: { scope: 'statuses', level: 'read' },
    handle: async (ctx) => {
      const { bed, repo } = ctx;
      const sha = await commitOr422(ctx, ctx.params.ref ?? '');
      const latest = new Map<string, CommitStatusState>();
      for (const status of repo.statuses.filter((s) => s.sha === sha)) latest.set(status.context, status);
      const statuses = [...latest.values()];
      // GitHub's rule: any error/failure → failure; none or any pending → pending; else success.
      const state = statuses.some((s) => s.state === 'error' || s.state === 'failure')
        ? 'failure'
        : statuses.length === 0 || statuses.some((s) => s.state === 'pending')
          ? 'pending'
          : 'success';
      return ok({
        state,
        statuses: statuses.map((s) => commitStatus(bed, repo, s)),
        sha,
        total_count: statuses.length,
        repository: minimalRepository(bed.urls, repo),
        commit_url: bed.urls.repo(repo.fullName, `/commits/${sha}`),
        url: bed.urls.repo(repo.fullName, `/commits/${sha}/status`),
      });
    },
  },
];
