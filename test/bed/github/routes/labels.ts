import type { RequestContext, RouteSpec } from '../bed.js';
import { nowIso } from '../bed.js';
import { ApiError, notFound, optionalString, requireString, validationFailed } from '../http.js';
import { label, labelsOf } from '../shapes/issues.js';
import type { LabelState } from '../state.js';
import { pullRequestPayload } from '../webhooks/payloads.js';
import { labelPayload } from '../webhooks/status-payload.js';
import { issuePull } from './issues.js';
import { noContent, ok, paginate, sameName } from './util.js';

function createLabel(ctx: RequestContext, name: string, color = 'ededed', description: string | null = null): LabelState {
  const created: LabelState = { id: ctx.bed.state.nextId(), name, color, description, default: false };
  ctx.repo.labels.set(name.toLowerCase(), created);
  return created;
}

/** Names from `{labels: [...]}` (strings or `{name}` objects, both accepted by GitHub). */
function requestedNames(body: Record<string, unknown>): string[] {
  const raw = Array.isArray(body.labels) ? body.labels : [];
  return raw.map((item) => (typeof item === 'string' ? item : String((item as { name?: unknown }).name ?? ''))).filter(Boolean);
}

async function emitLabel(ctx: RequestContext, action: 'labeled' | 'unlabeled', name: string): Promise<void> {
  const pull = issuePull(ctx);
  const state = ctx.repo.labels.get(name.toLowerCase());
  if (!state) return;
  const payload = await pullRequestPayload(ctx.bed, ctx.repo, pull, action, ctx.sender);
  ctx.bed.emit({ event: 'pull_request', payload: { ...payload, label: label(ctx.bed, ctx.repo, state) } });
}

async function setIssueLabels(ctx: RequestContext, names: string[], replace: boolean) {
  const pull = issuePull(ctx);
  const issue = ctx.bed.state.issue(ctx.repo, pull.number);
  const before = [...issue.labels];
  const next = replace ? [] : [...issue.labels];
  for (const name of names) {
    // Unknown labels are created on the fly, as GitHub does.
    const state = ctx.repo.labels.get(name.toLowerCase()) ?? createLabel(ctx, name);
    if (!next.some((n) => sameName(n, state.name))) next.push(state.name);
  }
  issue.labels = next;
  pull.updatedAt = nowIso(ctx.bed);
  for (const name of next.filter((n) => !before.includes(n))) await emitLabel(ctx, 'labeled', name);
  for (const name of before.filter((n) => !next.includes(n))) await emitLabel(ctx, 'unlabeled', name);
  return ok(labelsOf(ctx.bed, ctx.repo, issue.labels));
}

/** The repository label named in the path (names compare without case), or GitHub's 404. */
function repoLabel(ctx: RequestContext): LabelState {
  const state = ctx.repo.labels.get((ctx.params.name ?? '').toLowerCase());
  if (!state) throw notFound();
  return state;
}

export const labelRoutes: RouteSpec[] = [
  {
    method: 'GET',
    route: '/repos/{owner}/{repo}/labels',
    access: { scope: 'issues', level: 'read' },
    handle: (ctx) => paginate(ctx, [...ctx.repo.labels.values()].map((l) => label(ctx.bed, ctx.repo, l))),
  },
  {
    method: 'GET',
    route: '/repos/{owner}/{repo}/labels/{name}',
    access: { scope: 'issues', level: 'read' },
    handle: (ctx) => ok(label(ctx.bed, ctx.repo, repoLabel(ctx))),
  },
  {
    method: 'DELETE',
    route: '/repos/{owner}/{repo}/labels/{name}',
    access: { scope: 'issues', level: 'write' },
    handle: (ctx) => {
      const state = repoLabel(ctx);
      ctx.repo.labels.delete(state.name.toLowerCase());
      // Deleting a label takes it off every issue and pull request, as on GitHub.
      for (const issue of ctx.repo.issues.values()) issue.labels = issue.labels.filter((n) => !sameName(n, state.name));
      ctx.bed.emit({ event: 'label', payload: labelPayload(ctx.bed, ctx.repo, state, 'deleted', ctx.sender) });
      return noContent();
    },
  },
  {
    method: 'POST',
    route: '/repos/{owner}/{repo}/labels',
    access: { scope: 'issues', level: 'write' },
    handle: (ctx) => {
      const name = requireString(ctx.body, 'name');
      const color = (optionalString(ctx.body, 'color') ?? 'ededed').replace(/^#/, '');
      if (!/^[0-9a-fA-F]{6}$/.test(color)) throw validationFailed({ resource: 'Label', code: 'invalid', field: 'color' });
      if (ctx.repo.labels.has(name.toLowerCase())) {
        throw validationFailed({ resource: 'Label', code: 'already_exists', field: 'name' });
      }
      const created = createLabel(ctx, name, color.toLowerCase(), optionalString(ctx.body, 'description') ?? null);
      ctx.bed.emit({ event: 'label', payload: labelPayload(ctx.bed, ctx.repo, created, 'created', ctx.sender) });
      return ok(label(ctx.bed, ctx.repo, created), 201);
    },
  },
  {
    method: 'GET',
    route: '/repos/{owner}/{repo}/issues/{issue_number}/labels',
    access: { scope: 'issues', level: 'read' },
    handle: (ctx) => {
      const issue = ctx.bed.state.issue(ctx.repo, issuePull(ctx).number);
      return paginate(ctx, labelsOf(ctx.bed, ctx.repo, issue.labels));
    },
  },
  {
    method: 'POST',
    route: '/repos/{owner}/{repo}/issues/{issue_number}/labels',
    access: { scope: 'issues', level: 'write', userLevel: 'triage' },
    handle: (ctx) => setIssueLabels(ctx, requestedNames(ctx.body), false),
  },
  {
    method: 'PUT',
    route: '/repos/{owner}/{repo}/issues/{issue_number}/labels',
    access: { scope: 'issues', level: 'write', userLevel: 'triage' },
    handle: (ctx) => setIssueLabels(ctx, requestedNames(ctx.body), true),
  },
  {
    method: 'DELETE',
    route: '/repos/{owner}/{repo}/issues/{issue_number}/labels',
    access: { scope: 'issues', level: 'write', userLevel: 'triage' },
    handle: async (ctx) => {
      await setIssueLabels(ctx, [], true);
      return noContent();
    },
  },
  {
    method: 'DELETE',
    route: '/repos/{owner}/{repo}/issues/{issue_number}/labels/{name}',
    access: { scope: 'issues', level: 'write', userLevel: 'triage' },
    handle: async (ctx) => {
      const issue = ctx.bed.state.issue(ctx.repo, issuePull(ctx).number);
      const name = ctx.params.name ?? '';
      if (!issue.labels.some((n) => sameName(n, name))) throw new ApiError(404, 'Label does not exist');
      return setIssueLabels(ctx, issue.labels.filter((n) => !sameName(n, name)), true);
    },
  },
];
