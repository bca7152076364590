import type { RequestContext, RouteSpec } from '../bed.js';
import { nowIso } from '../bed.js';
import { ApiError, optionalString, unprocessableSimple } from '../http.js';
import { team } from '../shapes/issues.js';
import { pullRequestReview, pullRequestSimple } from '../shapes/pulls.js';
import { simpleUser } from '../shapes/users.js';
import type { PullState, ReviewState } from '../state.js';
import { pullRequestReviewPayload } from '../webhooks/payloads.js';
import { atLeast, roleOf } from '../roles.js';
import { ok, paginate, sameName } from './util.js';
import { pullOrThrow } from './pulls.js';

const EVENTS: Record<string, ReviewState['state']> = {
  APPROVE: 'APPROVED',
  REQUEST_CHANGES: 'CHANGES_REQUESTED',
  COMMENT: 'COMMENTED',
};

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** The pull request and the users and teams a requested-reviewers call names. */
async function reviewRequest(ctx: RequestContext): Promise<{ pull: PullState; users: string[]; teams: string[] }> {
  const pull = await pullOrThrow(ctx);
  return { pull, users: stringList(ctx.body.reviewers), teams: stringList(ctx.body.team_reviewers) };
}

/** GitHub refuses review requests for people without access to the repository. */
function checkReviewers(ctx: RequestContext, logins: string[], author: string): void {
  for (const login of logins) {
    if (sameName(login, author)) {
      throw new ApiError(422, 'Review cannot be requested from pull request author.');
    }
    if (!atLeast(roleOf(ctx.bed.state, ctx.repo, ctx.bed.state.user(login)), 'read')) {
      throw new ApiError(
        422,
        `Reviews may only be requested from collaborators. One or more of the users or teams you specified is not a collaborator of the ${ctx.repo.fullName} repository.`,
      );
    }
  }
}

export const reviewRoutes: RouteSpec[] = [
  {
    method: 'POST',
    route: '/repos/{owner}/{repo}/pulls/{pull_number}/reviews',
    // Anyone who can read a repository may review its pull requests.
    access: { scope: 'pull_requests', level: 'write', userLevel: 'read' },
    handle: async (ctx) => {
      const { bed, repo, body } = ctx;
      const pull = await pullOrThrow(ctx);
      const event = optionalString(body, 'event');
      const text = optionalString(body, 'body') ?? '';
      const state = event === undefined ? 'PENDING' : EVENTS[event];
      if (!state) throw unprocessableSimple(`Unknown review event: ${event}`);
      if (pull.user.id === ctx.sender.id && state === 'APPROVED') {
        throw unprocessableSimple('Review Can not approve your own pull request');
      }
      if (pull.user.id === ctx.sender.id && state === 'CHANGES_REQUESTED') {
        throw unprocessableSimple('Review Can not request changes on your own pull request');
      }
      if ((state === 'CHANGES_REQUESTED' || state === 'COMMENTED') && !text) {
        throw unprocessableSimple(`Review body is required for ${event}`);
      }
      const review: ReviewState = {
        id: bed.state.nextId(),
        pullNumber: pull.number,
        user: ctx.sender,
        body: text,
        state,
        commitId: optionalString(body, 'commit_id') ?? pull.head.sha,
        submittedAt: state === 'PENDING' ? null : nowIso(bed),
      };
      repo.reviews.push(review);
      // A review satisfies the request for that reviewer, as on GitHub.
      pull.requestedReviewers = pull.requestedReviewers.filter((login) => !sameName(login, ctx.sender.login));
      if (state !== 'PENDING') {
        bed.emit({ event: 'pull_request_review', payload: pullRequestReviewPayload(bed, repo, pull, review) });
      }
      return ok(pullRequestReview(bed, repo, review));
    },
  },
  {
    method: 'GET',
    route: '/repos/{owner}/{repo}/pulls/{pull_number}/reviews',
    access: { scope: 'pull_requests', level: 'read' },
    handle: async (ctx) => {
      const pull = await pullOrThrow(ctx);
      const reviews = ctx.repo.reviews.filter((r) => r.pullNumber === pull.number);
      return paginate(ctx, reviews.map((r) => pullRequestReview(ctx.bed, ctx.repo, r)));
    },
  },
  {
    method: 'GET',
    route: '/repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers',
    access: { scope: 'pull_requests', level: 'read' },
    handle: async (ctx) => {
      const { bed, repo } = ctx;
      const pull = await pullOrThrow(ctx);
      return ok({
        users: pull.requestedReviewers.map((login) => simpleUser(bed.urls, bed.state.user(login))),
        teams: pull.requestedTeams.map((slug) => team(bed, repo, slug)),
      });
    },
  },
  {
    method: 'POST',
    route: '/repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers',
    access: { scope: 'pull_requests', level: 'write', userLevel: 'triage' },
    handle: async (ctx) => {
      const { bed, repo } = ctx;
      const { pull, users, teams } = await reviewRequest(ctx);
      checkReviewers(ctx, users, pull.user.login);
      for (const login of users) {
        if (!pull.requestedReviewers.some((r) => sameName(r, login))) pull.requestedReviewers.push(bed.state.user(login).login);
      }
      for (const slug of teams) if (!pull.requestedTeams.includes(slug)) pull.requestedTeams.push(slug);
      pull.updatedAt = nowIso(bed);
      return ok(pullRequestSimple(bed, repo, pull), 201);
    },
  },
  {
    method: 'DELETE',
    route: '/repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers',
    access: { scope: 'pull_requests', level: 'write', userLevel: 'triage' },
    handle: async (ctx) => {
      const { repo, bed } = ctx;
      const { pull, users, teams } = await reviewRequest(ctx);
      pull.requestedReviewers = pull.requestedReviewers.filter((login) => !users.some((u) => sameName(u, login)));
      pull.requestedTeams = pull.requestedTeams.filter((slug) => !teams.includes(slug));
      return ok(pullRequestSimple(bed, repo, pull));
    },
  },
];
