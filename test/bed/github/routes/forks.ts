import type { RequestContext, RouteSpec } from '../bed.js';
import { iso } from '../bed.js';
import { forkRepository } from '../git/fork.js';
import { unprocessable } from '../http.js';
import { fullRepository } from '../shapes/repo.js';
import type { RepoState, State } from '../state.js';
import { ok } from './util.js';

/** The repository a fork network grew from (itself when it is no fork). */
export function sourceOf(state: State, repo: RepoState): RepoState {
  let current = repo;
  while (current.parent) current = state.repo(current.parent) ?? current;
  return current;
}

/** `owner`'s repository in the same network as `repo` (a fork of it, or its parent), if any. */
export function forkOwnedBy(state: State, repo: RepoState, owner: string): RepoState | undefined {
  const source = sourceOf(state, repo);
  return [...state.repos.values()].find((candidate) => candidate.owner.login.toLowerCase() === owner.toLowerCase() && sourceOf(state, candidate) === source);
}

export function forksOf(state: State, repo: RepoState): number {
  return [...state.repos.values()].filter((candidate) => candidate.parent?.toLowerCase() === repo.fullName.toLowerCase()).length;
}

/** `full-repository` with the network (`parent`, `source`) and fork count filled in. */
export function networkRepository(ctx: Pick<RequestContext, 'bed'>, repo: RepoState, viewer?: Parameters<typeof fullRepository>[2]) {
  const { state, urls } = ctx.bed;
  const parent = repo.parent ? state.repo(repo.parent) : undefined;
  return fullRepository(urls, repo, viewer, parent ? { parent, source: sourceOf(state, repo) } : undefined, forksOf(state, repo));
}

/**
 * `POST /repos/{owner}/{repo}/forks`: a repository in the caller's account
 * (or `organization`) sharing the network's objects, private when the
 * parent is, with its branches (or only the default one). Answered 202
 * with the fork, as GitHub does; forking again returns the existing fork.
 */
export const forkRoutes: RouteSpec[] = [
  {
    method: 'POST',
    route: '/repos/{owner}/{repo}/forks',
    access: { scope: 'contents', level: 'read', userLevel: 'read' },
    handle: async (ctx) => {
      const { bed, repo, body } = ctx;
      const orgName = typeof body.organization === 'string' ? body.organization : undefined;
      if (!orgName && ctx.actor.kind !== 'user') throw unprocessable('An App can fork only into an organization (`organization`).');
      const owner = orgName ? bed.state.user(orgName, 'Organization') : ctx.sender;
      const existing = forkOwnedBy(bed.state, repo, owner.login);
      if (existing && existing !== repo) return ok(networkRepository(ctx, existing), 202);
      const name = typeof body.name === 'string' ? body.name : repo.name;
      if (bed.state.repo(`${owner.login}/${name}`)) throw unprocessable(`${owner.login}/${name} already exists`);
      const fork = bed.state.addRepo(owner, name, repo.defaultBranch, repo.private, iso(bed.now()));
      fork.parent = repo.fullName;
      if (owner.type === 'User') fork.permissions.set(owner.login.toLowerCase(), 'admin');
      await forkRepository(bed.git, repo.fullName, fork.fullName, body.default_branch_only === true ? repo.defaultBranch : undefined);
      return ok(networkRepository(ctx, fork), 202);
    },
  },
];
