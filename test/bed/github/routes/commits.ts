import type { RequestContext, RouteSpec } from '../bed.js';
import { diffCommits } from '../git/merge.js';
import type { GitCommitObject } from '../git/objects.js';
import { ApiError, notFound } from '../http.js';
import { diffEntry, restCommit } from '../shapes/git.js';
import { gitText } from '../git/run.js';
import { intParam, ok, paginate } from './util.js';

/** A comparison without paging parameters lists this many commits, the newest last. */
const MAX_UNPAGED_COMMITS = 250;
/** A comparison lists this many changed files at most, on its first page. */
const MAX_FILES = 300;

async function readCommitOrThrow(ctx: RequestContext, sha: string): Promise<GitCommitObject> {
  const commit = await ctx.bed.git.readCommit(ctx.repo.fullName, sha);
  if (!commit) throw new Error(`commit ${sha} vanished`);
  return commit;
}

/** `base...head`, where each side may be `owner:branch` (same repository only here). */
function splitBasehead(basehead: string): [string, string] | null {
  const parts = basehead.split('...');
  if (parts.length !== 2 || !parts[0] || !parts[1]) return null;
  const strip = (side: string) => side.replace(/^[^:]+:/, '');
  return [strip(parts[0]), strip(parts[1])];
}

export const commitRoutes: RouteSpec[] = [
  {
    method: 'GET',
    route: '/repos/{owner}/{repo}/commits/{ref}',
    access: { scope: 'contents', level: 'read' },
    handle: async (ctx) => {
      const { bed, repo } = ctx;
      const ref = ctx.params.ref ?? '';
      const sha = await bed.git.resolveCommitish(repo.fullName, ref);
      if (!sha) throw new ApiError(422, `No commit found for SHA: ${ref}`);
      // `Accept: application/vnd.github.sha` answers with the bare sha: the cheapest
      // way to poll a branch, and with If-None-Match a 304 costs no rate limit.
      if (/application\/vnd\.github(\.v3)?\.sha/.test(String(ctx.headers.accept ?? ''))) {
        return { status: 200, raw: Buffer.from(sha), headers: { 'content-type': 'application/vnd.github.sha; charset=utf-8' } };
      }
      const commit = await readCommitOrThrow(ctx, sha);
      const parent = commit.parents[0] ?? (await bed.git.createTree(repo.fullName, undefined, []));
      const files = await diffCommits(bed.git, repo.fullName, parent, sha);
      return ok(restCommit(bed, repo, commit, files));
    },
  },
  {
    method: 'GET',
    route: '/repos/{owner}/{repo}/commits',
    access: { scope: 'contents', level: 'read' },
    handle: async (ctx) => {
      const { bed, repo } = ctx;
      const start = ctx.query.get('sha') || repo.defaultBranch;
      const head = await bed.git.resolveCommitish(repo.fullName, start);
      if (!head) throw notFound();
      const path = ctx.query.get('path');
      const args = ['rev-list', '--topo-order', head, ...(path ? ['--', path] : [])];
      const shas = (await gitText(bed.git.path(repo.fullName), args)).split('\n').filter(Boolean);
      const commits = await Promise.all(shas.map((sha) => readCommitOrThrow(ctx, sha)));
      return paginate(ctx, commits.map((c) => restCommit(bed, repo, c)));
    },
  },
  {
    method: 'GET',
    route: '/repos/{owner}/{repo}/compare/{basehead}',
    access: { scope: 'contents', level: 'read' },
    handle: async (ctx) => {
      const { bed, repo } = ctx;
      const sides = splitBasehead(ctx.params.basehead ?? '');
      if (!sides) throw notFound();
      const base = await bed.git.resolveCommitish(repo.fullName, sides[0]);
      const head = await bed.git.resolveCommitish(repo.fullName, sides[1]);
      if (!base || !head) throw notFound();
      const mergeBase = await bed.git.mergeBase(repo.fullName, base, head);
      if (!mergeBase) throw notFound();
      const ahead = await bed.git.commitsBetween(repo.fullName, base, head);
      const behind = await bed.git.commitsBetween(repo.fullName, head, base);
      const status =
        base === head ? 'identical' : behind.length === 0 ? 'ahead' : ahead.length === 0 ? 'behind' : 'diverged';
      // GitHub's two modes (its description of this operation): without `page` or `per_page`, at
      // most 250 commits ending with the newest; with either, pages in chronological order. The
      // changed files come on the first page only, at most 300 of them.
      const paged = ctx.query.has('page') || ctx.query.has('per_page');
      const page = paged ? paginate(ctx, ahead) : { status: 200, body: ahead.slice(-MAX_UNPAGED_COMMITS), headers: {} };
      const firstPage = !paged || (intParam(ctx, 'page') ?? 1) <= 1;
      const files = firstPage ? (await diffCommits(bed.git, repo.fullName, mergeBase, head)).slice(0, MAX_FILES) : [];
      const commits = await Promise.all((page.body as string[]).map((sha) => readCommitOrThrow(ctx, sha)));
      const range = `${sides[0]}...${sides[1]}`;
      return {
        status: 200,
        headers: page.headers ?? {},
        body: {
          url: bed.urls.repo(repo.fullName, `/compare/${range}`),
          html_url: bed.urls.repoHtml(repo.fullName, `/compare/${range}`),
          permalink_url: bed.urls.repoHtml(repo.fullName, `/compare/${repo.owner.login}:${base.slice(0, 7)}...${repo.owner.login}:${head.slice(0, 7)}`),
          diff_url: bed.urls.repoHtml(repo.fullName, `/compare/${range}.diff`),
          patch_url: bed.urls.repoHtml(repo.fullName, `/compare/${range}.patch`),
          base_commit: restCommit(bed, repo, await readCommitOrThrow(ctx, base)),
          merge_base_commit: restCommit(bed, repo, await readCommitOrThrow(ctx, mergeBase)),
          status,
          ahead_by: ahead.length,
          behind_by: behind.length,
          total_commits: ahead.length,
          commits: commits.map((c) => restCommit(bed, repo, c)),
          files: files.map((f) => diffEntry(bed, repo, head, f)),
        },
      };
    },
  },
];
