import type { RequestContext, RouteSpec } from '../bed.js';
import { nowIso } from '../bed.js';
import { notFound, requireString, validationFailed } from '../http.js';
import { issueComment, reaction } from '../shapes/issues.js';
import type { CommentState, PullState } from '../state.js';
import { issueCommentPayload } from '../webhooks/payloads.js';
import { idParam, noContent, ok, paginate } from './util.js';

const REACTIONS = new Set(['+1', '-1', 'laugh', 'confused', 'heart', 'hooray', 'rocket', 'eyes']);

/** Issue numbers here always belong to pull requests: Ladder comments only on those. */
export function issuePull(ctx: RequestContext): PullState {
  const pull = ctx.repo.pulls.get(idParam(ctx, 'issue_number'));
  if (!pull) throw notFound();
  return pull;
}

function commentOrThrow(ctx: RequestContext): CommentState {
  const comment = ctx.repo.comments.get(idParam(ctx, 'comment_id'));
  if (!comment) throw notFound();
  return comment;
}

function emitComment(ctx: RequestContext, comment: CommentState, action: 'created' | 'edited' | 'deleted', extra = {}) {
  const pull = ctx.repo.pulls.get(comment.issueNumber);
  if (!pull) return;
  const payload = issueCommentPayload(ctx.bed, ctx.repo, pull, comment, action, ctx.sender);
  ctx.bed.emit({ event: 'issue_comment', payload: { ...payload, ...extra } });
}

export const issueRoutes: RouteSpec[] = [
  {
    method: 'POST',
    route: '/repos/{owner}/{repo}/issues/{issue_number}/comments',
    // Anyone who can read a repository may comment on its pull requests, as on GitHub.
    access: { scope: 'issues', level: 'write', userLevel: 'read' },
    handle: (ctx) => {
      const { bed, repo } = ctx;
      const pull = issuePull(ctx);
      const now = nowIso(bed);
      const comment: CommentState = {
        id: bed.state.nextId(),
        issueNumber: pull.number,
        body: requireString(ctx.body, 'body'),
        user: ctx.sender,
        createdAt: now,
        updatedAt: now,
        reactions: [],
      };
      repo.comments.set(comment.id, comment);
      emitComment(ctx, comment, 'created');
      return ok(issueComment(bed, repo, comment), 201);
    },
  },
  {
    method: 'GET',
    route: '/repos/{owner}/{repo}/issues/{issue_number}/comments',
    access: { scope: 'issues', level: 'read' },
    handle: (ctx) => {
      const pull = issuePull(ctx);
      const since = ctx.query.get('since');
      const comments = [...ctx.repo.comments.values()].filter(
        (c) => c.issueNumber === pull.number && (!since || c.updatedAt >= since),
      );
      return paginate(ctx, comments.map((c) => issueComment(ctx.bed, ctx.repo, c)));
    },
  },
  {
    method: 'GET',
    route: '/repos/{owner}/{repo}/issues/comments/{comment_id}',
    access: { scope: 'issues', level: 'read' },
    handle: (ctx) => ok(issueComment(ctx.bed, ctx.repo, commentOrThrow(ctx))),
  },
  {
    method: 'PATCH',
    route: '/repos/{owner}/{repo}/issues/comments/{comment_id}',
    access: { scope: 'issues', level: 'write' },
    handle: (ctx) => {
      const comment = commentOrThrow(ctx);
      const before = comment.body;
      comment.body = requireString(ctx.body, 'body');
      comment.updatedAt = nowIso(ctx.bed);
      emitComment(ctx, comment, 'edited', { changes: { body: { from: before } } });
      return ok(issueComment(ctx.bed, ctx.repo, comment));
    },
  },
  {
    method: 'DELETE',
    route: '/repos/{owner}/{repo}/issues/comments/{comment_id}',
    access: { scope: 'issues', level: 'write' },
    handle: (ctx) => {
      const comment = commentOrThrow(ctx);
      ctx.repo.comments.delete(comment.id);
      emitComment(ctx, comment, 'deleted');
      return noContent();
    },
  },
  {
    method: 'POST',
    route: '/repos/{owner}/{repo}/issues/comments/{comment_id}/reactions',
    access: { scope: 'issues', level: 'write' },
    handle: (ctx) => {
      const comment = commentOrThrow(ctx);
      const content = requireString(ctx.body, 'content');
      if (!REACTIONS.has(content)) throw validationFailed({ resource: 'Reaction', field: 'content', code: 'invalid' });
      // Reacting twice with the same emoji returns the existing reaction with 200.
      const existing = comment.reactions.find((r) => r.user.id === ctx.sender.id && r.content === content);
      if (existing) return ok(reaction(ctx.bed, existing));
      const created = { id: ctx.bed.state.nextId(), user: ctx.sender, content, createdAt: nowIso(ctx.bed) };
      comment.reactions.push(created);
      return ok(reaction(ctx.bed, created), 201);
    },
  },
  {
    method: 'GET',
    route: '/repos/{owner}/{repo}/issues/comments/{comment_id}/reactions',
    access: { scope: 'issues', level: 'read' },
    handle: (ctx) => {
      const content = ctx.query.get('content');
      const reactions = commentOrThrow(ctx).reactions.filter((r) => !content || r.content === content);
      return paginate(ctx, reactions.map((r) => reaction(ctx.bed, r)));
    },
  },
];
