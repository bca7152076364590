import type { RequestContext, RouteSpec } from '../bed.js';
import { nowIso } from '../bed.js';
import { diffCommits } from '../git/merge.js';
import { notFound, optionalString, requireString, unprocessable, validationFailed } from '../http.js';
import { headRepoName, refreshPull } from '../pull-status.js';
import { diffEntry, restCommit } from '../shapes/git.js';
import { pullRequest, pullRequestSimple } from '../shapes/pulls.js';
import type { PullState, RepoState } from '../state.js';
import { forkOwnedBy } from './forks.js';
import { pullRequestPayload } from '../webhooks/payloads.js';
import { idParam, ok, paginate } from './util.js';

export async function pullOrThrow(ctx: RequestContext): Promise<PullState> {
  const pull = ctx.repo.pulls.get(idParam(ctx, 'pull_number'));
  if (!pull) throw notFound();
  await refreshPull(ctx.bed, ctx.repo, pull);
  return pull;
}

interface Head {
  ref: string;
  /** The fork the branch is in; undefined for a branch of the repository itself. */
  repo?: RepoState;
}

/** `branch`, or `owner:branch` naming this repository's owner or a fork in its network. */
function headOf(ctx: RequestContext, head: string): Head | null {
  const colon = head.indexOf(':');
  if (colon === -1) return { ref: head };
  const owner = head.slice(0, colon);
  const ref = head.slice(colon + 1);
  if (owner.toLowerCase() === ctx.repo.owner.login.toLowerCase()) return { ref };
  const fork = forkOwnedBy(ctx.bed.state, ctx.repo, owner);
  return fork ? { ref, repo: fork } : null;
}

function sameHead(pull: PullState, head: Head): boolean {
  return pull.head.ref === head.ref && (pull.head.repo ?? '').toLowerCase() === (head.repo?.fullName ?? '').toLowerCase();
}

function duplicateOf(ctx: RequestContext, head: Head, base: string, except?: number): PullState | undefined {
  return [...ctx.repo.pulls.values()].find((p) => p.state === 'open' && sameHead(p, head) && p.base.ref === base && p.number !== except);
}

function alreadyExists(ctx: RequestContext, head: Head) {
  return validationFailed({
    resource: 'PullRequest',
    code: 'custom',
    message: `A pull request already exists for ${(head.repo ?? ctx.repo).owner.login}:${head.ref}.`,
  });
}

async function emitPull(ctx: RequestContext, pull: PullState, action: 'opened' | 'closed' | 'reopened' | 'edited', extra = {}) {
  const payload = await pullRequestPayload(ctx.bed, ctx.repo, pull, action, ctx.sender);
  ctx.bed.emit({ event: 'pull_request', payload: { ...payload, ...extra } });
}

export const pullRoutes: RouteSpec[] = [
  {
    method: 'POST',
    route: '/repos/{owner}/{repo}/pulls',
    // Anyone who can read a repository may open a pull request into it (from a fork; a branch of its own needs push to exist).
    access: { scope: 'pull_requests', level: 'write', userLevel: 'read' },
    handle: async (ctx) => {
      const { bed, repo, body } = ctx;
      const title = requireString(body, 'title');
      const base = requireString(body, 'base');
      const head = headOf(ctx, requireString(body, 'head'));
      const baseSha = await bed.git.revParse(repo.fullName, `refs/heads/${base}^{commit}`);
      if (!baseSha) throw validationFailed({ resource: 'PullRequest', field: 'base', code: 'invalid' });
      const headSha = head ? await bed.git.revParse((head.repo ?? repo).fullName, `refs/heads/${head.ref}^{commit}`) : null;
      if (!head || !headSha) throw validationFailed({ resource: 'PullRequest', field: 'head', code: 'invalid' });
      if ((await bed.git.commitsBetween(repo.fullName, baseSha, headSha)).length === 0) {
        throw validationFailed({ resource: 'PullRequest', code: 'custom', message: `No commits between ${base} and ${head.ref}` });
      }
      // No await between the duplicate check and the insert: concurrent creates
      // for the same head and base must leave exactly one pull request, as on GitHub.
      if (duplicateOf(ctx, head, base)) throw alreadyExists(ctx, head);
      const now = nowIso(bed);
      const pull: PullState = {
        id: bed.state.nextId(),
        number: repo.nextNumber++,
        title,
        body: optionalString(body, 'body') ?? null,
        state: 'open',
        draft: body.draft === true,
        head: { ref: head.ref, sha: headSha, ...(head.repo ? { repo: head.repo.fullName } : {}) },
        base: { ref: base, sha: baseSha },
        user: ctx.sender,
        createdAt: now,
        updatedAt: now,
        closedAt: null,
        mergedAt: null,
        mergedBy: null,
        mergeCommitSha: null,
        maintainerCanModify: body.maintainer_can_modify !== false,
        requestedReviewers: [],
        requestedTeams: [],
      };
      repo.pulls.set(pull.number, pull);
      await bed.git.updateRef(repo.fullName, `refs/pull/${pull.number}/head`, headSha);
      await emitPull(ctx, pull, 'opened');
      return ok(await pullRequest(bed, repo, pull), 201);
    },
  },
  {
    method: 'GET',
    route: '/repos/{owner}/{repo}/pulls',
    access: { scope: 'pull_requests', level: 'read' },
    handle: async (ctx) => {
      const { bed, repo, query } = ctx;
      const state = query.get('state') ?? 'open';
      const head = query.get('head');
      const wanted = head ? headOf(ctx, head) : undefined;
      const base = query.get('base');
      const pulls = [...repo.pulls.values()].filter(
        (p) =>
          (state === 'all' || p.state === state) &&
          (wanted === undefined || (wanted !== null && sameHead(p, wanted))) &&
          (base === null || p.base.ref === base),
      );
      for (const pull of pulls) await refreshPull(bed, repo, pull);
      const sort = query.get('sort') ?? 'created';
      const key = (p: PullState) => (sort === 'updated' ? p.updatedAt : p.createdAt) + String(p.number).padStart(9, '0');
      const direction = query.get('direction') ?? (sort === 'created' || sort === 'updated' ? 'desc' : 'asc');
      pulls.sort((a, b) => (direction === 'desc' ? key(b).localeCompare(key(a)) : key(a).localeCompare(key(b))));
      return paginate(ctx, pulls.map((p) => pullRequestSimple(bed, repo, p)));
    },
  },
  {
    method: 'GET',
    route: '/repos/{owner}/{repo}/pulls/{pull_number}',
    access: { scope: 'pull_requests', level: 'read' },
    handle: async (ctx) => ok(await pullRequest(ctx.bed, ctx.repo, await pullOrThrow(ctx))),
  },
  {
    method: 'PATCH',
    route: '/repos/{owner}/{repo}/pulls/{pull_number}',
    access: { scope: 'pull_requests', level: 'write' },
    handle: async (ctx) => {
      const { bed, repo, body } = ctx;
      const pull = await pullOrThrow(ctx);
      const changes: Record<string, { from: string }> = {};
      const title = optionalString(body, 'title');
      if (title !== undefined && title !== pull.title) {
        changes.title = { from: pull.title };
        pull.title = title;
      }
      if ('body' in body && body.body !== pull.body) {
        changes.body = { from: pull.body ?? '' };
        pull.body = optionalString(body, 'body') ?? null;
      }
      const base = optionalString(body, 'base');
      if (base !== undefined && base !== pull.base.ref) {
        if (!(await bed.git.revParse(repo.fullName, `refs/heads/${base}`))) {
          throw validationFailed({ resource: 'PullRequest', field: 'base', code: 'invalid' });
        }
        changes.base = { from: pull.base.ref };
        pull.base.ref = base;
        await refreshPull(bed, repo, pull);
      }
      if (typeof body.maintainer_can_modify === 'boolean') pull.maintainerCanModify = body.maintainer_can_modify;
      const state = optionalString(body, 'state');
      let action: 'closed' | 'reopened' | 'edited' | undefined = Object.keys(changes).length ? 'edited' : undefined;
      if (state === 'closed' && pull.state === 'open') {
        pull.state = 'closed';
        pull.closedAt = nowIso(bed);
        action = 'closed';
      } else if (state === 'open' && pull.state === 'closed') {
        if (pull.mergedAt) throw unprocessable('Cannot reopen a merged pull request');
        if (!(await bed.git.revParse(headRepoName(repo, pull), `refs/heads/${pull.head.ref}`))) {
          throw validationFailed({ resource: 'PullRequest', field: 'state', code: 'invalid', message: 'state cannot be changed. The head branch was deleted.' });
        }
        const head = { ref: pull.head.ref, ...(pull.head.repo ? { repo: bed.state.repo(pull.head.repo) } : {}) } as Head;
        if (duplicateOf(ctx, head, pull.base.ref, pull.number)) throw alreadyExists(ctx, head);
        pull.state = 'open';
        pull.closedAt = null;
        await refreshPull(bed, repo, pull);
        action = 'reopened';
      }
      pull.updatedAt = nowIso(bed);
      if (action) await emitPull(ctx, pull, action, action === 'edited' ? { changes } : {});
      return ok(await pullRequest(bed, repo, pull));
    },
  },
  {
    method: 'GET',
    route: '/repos/{owner}/{repo}/pulls/{pull_number}/files',
    access: { scope: 'pull_requests', level: 'read' },
    handle: async (ctx) => {
      const { bed, repo } = ctx;
      const pull = await pullOrThrow(ctx);
      const mergeBase = (await bed.git.mergeBase(repo.fullName, pull.base.sha, pull.head.sha)) ?? pull.base.sha;
      // "Responses include a maximum of 3000 files."
      const files = (await diffCommits(bed.git, repo.fullName, mergeBase, pull.head.sha)).slice(0, 3000);
      return paginate(ctx, files.map((f) => diffEntry(bed, repo, pull.head.sha, f)));
    },
  },
  {
    method: 'GET',
    route: '/repos/{owner}/{repo}/pulls/{pull_number}/commits',
    access: { scope: 'pull_requests', level: 'read' },
    handle: async (ctx) => {
      const { bed, repo } = ctx;
      const pull = await pullOrThrow(ctx);
      // "Lists a maximum of 250 commits for a pull request."
      const shas = (await bed.git.commitsBetween(repo.fullName, pull.base.sha, pull.head.sha)).slice(0, 250);
      const commits = [];
      for (const sha of shas) {
        const commit = await bed.git.readCommit(repo.fullName, sha);
        if (commit) commits.push(restCommit(bed, repo, commit));
      }
      return paginate(ctx, commits);
    },
  },
];
