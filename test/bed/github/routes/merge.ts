import type { RequestContext, RouteSpec } from '../bed.js';
import { actingApp, nowIso } from '../bed.js';
import { mergeCommits, mergeTrees } from '../git/merge.js';
import { ApiError, conflict, optionalString, unprocessable } from '../http.js';
import { bypasses, mayPush, protectionBlockers } from '../protection.js';
import { headRepoName, refreshPull } from '../pull-status.js';
import { writeRef } from '../refs.js';
import { noreplyEmail } from '../shapes/users.js';
import { serializeMerge, type PullState } from '../state.js';
import { pullRequestPayload } from '../webhooks/payloads.js';
import { ok } from './util.js';
import { pullOrThrow } from './pulls.js';

function notMergeable(message = 'Pull Request is not mergeable'): ApiError {
  return new ApiError(405, message);
}

async function mergeMessage(ctx: RequestContext, pull: PullState, method: string): Promise<string> {
  const { body, repo, bed } = ctx;
  const title = optionalString(body, 'commit_title');
  const message = optionalString(body, 'commit_message');
  if (method === 'merge') {
    const headOwner = bed.state.repo(headRepoName(repo, pull))?.owner.login ?? repo.owner.login;
    const subject = title ?? `Merge pull request #${pull.number} from ${headOwner}/${pull.head.ref}`;
    return `${subject}\n\n${message ?? pull.title}`;
  }
  const subject = title ?? `${pull.title} (#${pull.number})`;
  if (message !== undefined) return `${subject}\n\n${message}`;
  const lines: string[] = [];
  for (const sha of await bed.git.commitsBetween(repo.fullName, pull.base.sha, pull.head.sha)) {
    const commit = await bed.git.readCommit(repo.fullName, sha);
    if (commit) lines.push(`* ${commit.message.trim()}`);
  }
  return `${subject}\n\n${lines.join('\n\n')}`;
}


async function mergePull(ctx: RequestContext, method: 'merge' | 'squash' | 'rebase', expectedHead: string | undefined) {
  const { bed, repo } = ctx;
  const pull = await pullOrThrow(ctx);
  // Merges are queued per repository, but pushes and ref updates are not: when
  // the base moves under us, recompute from the new tip like GitHub would.
  for (let attempt = 0; attempt < 5; attempt++) {
    if (pull.state !== 'open') throw notMergeable();
    if (expectedHead !== undefined && expectedHead !== pull.head.sha) {
      throw conflict('Head branch was modified. Review and try the merge again.');
    }
    if (pull.draft) throw notMergeable('Pull Request is still a draft');
    const rule = repo.protections.get(pull.base.ref);
    const app = actingApp(ctx)?.slug;
    if (rule && !mayPush(bed, rule, ctx.sender, app)) throw notMergeable('You\'re not authorized to push to this branch.');
    if (rule?.linearHistory && method === 'merge') throw notMergeable('Merge commits are not allowed on this branch: it requires a linear history.');
    // Admins may merge past the rule's requirements unless it enforces them on admins.
    const blockers = rule && bypasses(bed, repo, rule, ctx.sender, app !== undefined) ? [] : await protectionBlockers(bed, repo, pull);
    if (blockers[0]) throw notMergeable(blockers[0]);
    const when = nowIso(bed);
    // A merge commit is the merger's; a squash keeps the pull request's author (rebase keeps each commit's).
    const by = method === 'merge' ? ctx.sender : pull.user;
    const author = { name: by.login, email: noreplyEmail(by), date: when };
    const committer = { name: 'GitHub', email: 'noreply@github.com', date: when };
    const result = await mergeCommits(bed.git, repo.fullName, {
      base: pull.base.sha,
      head: pull.head.sha,
      method,
      message: await mergeMessage(ctx, pull, method),
      author,
      committer,
      sign: (payload) => bed.webFlow.sign(payload),
    });
    if ('conflicts' in result) throw notMergeable();
    const base = pull.base.sha;
    const moved = await writeRef(bed, repo, { ref: `refs/heads/${pull.base.ref}`, sha: result.sha, expected: base }, ctx.sender);
    if (!moved) {
      await refreshPull(bed, repo, pull);
      continue;
    }
    pull.state = 'closed';
    pull.mergedAt = when;
    pull.closedAt = when;
    pull.updatedAt = when;
    pull.mergedBy = ctx.sender;
    pull.mergeCommitSha = result.sha;
    const payload = await pullRequestPayload(bed, repo, pull, 'closed', ctx.sender);
    bed.emit({ event: 'pull_request', payload });
    return ok({ sha: result.sha, merged: true, message: 'Pull Request successfully merged' });
  }
  throw conflict('Base branch was modified. Review and try the merge again.');
}

export const mergeRoutes: RouteSpec[] = [
  {
    method: 'PUT',
    route: '/repos/{owner}/{repo}/pulls/{pull_number}/merge',
    access: { scope: 'contents', level: 'write' },
    handle: async (ctx) => {
      const { repo, body } = ctx;
      const method = optionalString(body, 'merge_method') ?? 'merge';
      if (method !== 'merge' && method !== 'squash' && method !== 'rebase') {
        throw unprocessable(`Invalid request.\n\nFor 'properties/merge_method', "${method}" is not one of merge, squash, rebase.`);
      }
      const expectedHead = optionalString(body, 'sha');
      return serializeMerge(repo, () => mergePull(ctx, method, expectedHead));
    },
  },
  {
    method: 'PUT',
    route: '/repos/{owner}/{repo}/pulls/{pull_number}/update-branch',
    access: { scope: 'pull_requests', level: 'write' },
    handle: async (ctx) => {
      const { bed, repo, body } = ctx;
      const pull = await pullOrThrow(ctx);
      const expected = optionalString(body, 'expected_head_sha');
      if (expected !== undefined && expected !== pull.head.sha) {
        throw unprocessable('expected head sha didn’t match current head ref.');
      }
      if (pull.state !== 'open') throw unprocessable('Pull request is closed.');
      if (await bed.git.isAncestor(repo.fullName, pull.base.sha, pull.head.sha)) {
        throw unprocessable('There are no new commits on the base branch.');
      }
      const merged = await mergeTrees(bed.git, repo.fullName, pull.head.sha, pull.base.sha);
      if (!merged.tree) throw unprocessable('merge conflict between base and head');
      const when = nowIso(bed);
      const identity = { name: ctx.sender.login, email: noreplyEmail(ctx.sender), date: when };
      const sha = await bed.git.createCommit(
        repo.fullName,
        {
          tree: merged.tree,
          parents: [pull.head.sha, pull.base.sha],
          message: `Merge branch '${pull.base.ref}' into ${pull.head.ref}`,
          author: identity,
          committer: { name: 'GitHub', email: 'noreply@github.com', date: when },
        },
        (payload) => bed.webFlow.sign(payload),
      );
      const head = `refs/heads/${pull.head.ref}`;
      // A fork's pull request updates the fork's branch (GitHub lets maintainers when the author allows it).
      const headRepo = bed.state.repo(headRepoName(repo, pull)) ?? repo;
      if (headRepo !== repo && !pull.maintainerCanModify) throw unprocessable('The head repository does not allow maintainers to modify the branch.');
      if (!(await writeRef(bed, headRepo, { ref: head, sha, expected: pull.head.sha }, ctx.sender))) {
        throw unprocessable('expected head sha didn’t match current head ref.');
      }
      return ok({ message: 'Updating pull request branch.', url: bed.urls.repoHtml(repo.fullName, `/pull/${pull.number}`) }, 202);
    },
  },
];
