import type { RequestContext, RouteSpec } from '../bed.js';
import { nowIso } from '../bed.js';
import { ApiError, notFound } from '../http.js';
import { checkRun, checkSuite } from '../shapes/checks.js';
import type { CheckSuiteState } from '../state.js';
import { checkSuitePayload } from '../webhooks/check-payloads.js';
import { idParam, intParam, ok, paginate } from './util.js';

function suiteOrThrow(ctx: RequestContext): CheckSuiteState {
  const suite = ctx.repo.checkSuites.get(idParam(ctx, 'check_suite_id'));
  if (!suite) throw notFound();
  return suite;
}

async function shaped(ctx: RequestContext, suite: CheckSuiteState) {
  const commit = await ctx.bed.git.readCommit(ctx.repo.fullName, suite.headSha);
  if (!commit) throw new Error(`check suite ${suite.id} on missing commit ${suite.headSha}`);
  return checkSuite(ctx.bed, ctx.repo, suite, commit);
}

/** Check suites: read one, list a commit's (`app_id`, `check_name`), list a suite's runs, re-request one. */
export const checkSuiteRoutes: RouteSpec[] = [
  {
    method: 'GET',
    route: '/repos/{owner}/{repo}/check-suites/{check_suite_id}',
    access: { scope: 'checks', level: 'read' },
    handle: async (ctx) => ok(await shaped(ctx, suiteOrThrow(ctx))),
  },
  {
    method: 'GET',
    route: '/repos/{owner}/{repo}/commits/{ref}/check-suites',
    access: { scope: 'checks', level: 'read' },
    handle: async (ctx) => {
      const { bed, repo, query } = ctx;
      const ref = ctx.params.ref ?? '';
      const sha = await bed.git.resolveCommitish(repo.fullName, ref);
      if (!sha) throw new ApiError(422, `No commit found for SHA: ${ref}`);
      const appId = intParam(ctx, 'app_id');
      const name = query.get('check_name');
      const suites = [...repo.checkSuites.values()].filter(
        (suite) =>
          suite.headSha === sha &&
          (appId === undefined || suite.appId === appId) &&
          (!name || [...repo.checkRuns.values()].some((run) => run.checkSuiteId === suite.id && run.name === name)),
      );
      const page = paginate(ctx, await Promise.all(suites.map((suite) => shaped(ctx, suite))));
      return { ...page, body: { total_count: suites.length, check_suites: page.body } };
    },
  },
  {
    method: 'GET',
    route: '/repos/{owner}/{repo}/check-suites/{check_suite_id}/check-runs',
    access: { scope: 'checks', level: 'read' },
    handle: (ctx) => {
      const suite = suiteOrThrow(ctx);
      const runs = [...ctx.repo.checkRuns.values()].filter((run) => run.checkSuiteId === suite.id).reverse();
      const page = paginate(ctx, runs.map((run) => checkRun(ctx.bed, ctx.repo, run)));
      return { ...page, body: { total_count: runs.length, check_runs: page.body } };
    },
  },
  {
    method: 'POST',
    route: '/repos/{owner}/{repo}/check-suites/{check_suite_id}/rerequest',
    access: { scope: 'checks', level: 'read' },
    handle: async (ctx) => {
      const { bed, repo } = ctx;
      const suite = suiteOrThrow(ctx);
      Object.assign(suite, { status: 'queued', conclusion: null, updatedAt: nowIso(bed) });
      bed.emit({ event: 'check_suite', payload: await checkSuitePayload(bed, repo, suite, 'rerequested', ctx.sender), onlyApp: suite.appId });
      return ok({}, 201);
    },
  },
];
