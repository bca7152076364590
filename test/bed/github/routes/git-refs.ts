import { actingApp, type RequestContext, type RouteSpec } from '../bed.js';
import { notFound, requireString, unprocessable } from '../http.js';
import { bypasses, mayPush } from '../protection.js';
import { writeRef } from '../refs.js';
import { gitRef } from '../shapes/git.js';
import { noContent, ok } from './util.js';

/** `heads/main` in a URL means `refs/heads/main`; some clients send the `refs/` prefix anyway. */
function fullRef(ref: string): string {
  return ref.startsWith('refs/') ? ref : `refs/${ref}`;
}

/**
 * Branch protection on a ref update, as GitHub applies it to pushes: a branch
 * that requires checks or reviews changes only by merging a pull request; a
 * locked one not at all; force pushes and deletions only when allowed; push
 * restrictions name who may push. Admins pass unless the rule enforces them.
 */
async function refuseProtected(ctx: RequestContext, ref: string, change: { force?: boolean; deletion?: boolean; sha?: string }): Promise<void> {
  const branch = ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : undefined;
  const rule = branch === undefined ? undefined : ctx.repo.protections.get(branch);
  if (!rule) return;
  const app = actingApp(ctx)?.slug;
  const reason = await (async () => {
    if (rule.lockBranch) return 'Cannot change this locked branch';
    if (!mayPush(ctx.bed, rule, ctx.sender, app)) return 'You\'re not authorized to push to this branch.';
    if (bypasses(ctx.bed, ctx.repo, rule, ctx.sender, app !== undefined)) return undefined;
    if (change.deletion) return rule.allowDeletions ? undefined : 'Cannot delete this protected branch';
    if (change.force && !rule.allowForcePushes) return 'Cannot force-push to this branch';
    if (rule.requiredReviews || rule.requiredStatusChecks) return 'Changes must be made through a pull request.';
    if (rule.requiredSignatures && change.sha) {
      const commit = await ctx.bed.git.readCommit(ctx.repo.fullName, change.sha);
      if (!commit || !ctx.bed.webFlow.verification(commit).verified) return 'Commits must have verified signatures.';
    }
    return undefined;
  })();
  // GitHub's API answers with this message alone; the reason shows only to `git push`.
  if (reason) throw unprocessable(`Protected branch update failed for ${ref}.`);
}

async function refReply(ctx: RequestContext, ref: string, status = 200) {
  const { bed, repo } = ctx;
  const sha = await bed.git.revParse(repo.fullName, ref);
  if (!sha) throw notFound();
  const type = (await bed.git.objectType(repo.fullName, sha)) ?? 'commit';
  return ok(gitRef(bed, repo, ref, sha, type), status);
}

export const gitRefRoutes: RouteSpec[] = [
  {
    method: 'GET',
    route: '/repos/{owner}/{repo}/git/ref/{ref}',
    access: { scope: 'contents', level: 'read' },
    handle: (ctx) => refReply(ctx, fullRef(ctx.params.ref ?? '')),
  },
  {
    method: 'GET',
    route: '/repos/{owner}/{repo}/git/matching-refs/{ref}',
    access: { scope: 'contents', level: 'read' },
    handle: async (ctx) => {
      const { bed, repo } = ctx;
      // GitHub matches by string prefix: `heads/feat` finds `refs/heads/feature-x`.
      const prefix = fullRef(ctx.params.ref ?? '');
      const refs = (await bed.git.listRefs(repo.fullName))
        .filter((r) => r.ref.startsWith(prefix) && !r.ref.startsWith('refs/pull/'))
        .sort((a, b) => a.ref.localeCompare(b.ref));
      return ok(refs.map((r) => gitRef(bed, repo, r.ref, r.sha, r.type)));
    },
  },
  {
    method: 'POST',
    route: '/repos/{owner}/{repo}/git/refs',
    access: { scope: 'contents', level: 'write' },
    handle: async (ctx) => {
      const { bed, repo, body } = ctx;
      const ref = requireString(body, 'ref');
      const sha = requireString(body, 'sha');
      if (!ref.startsWith('refs/') || ref.split('/').length < 3 || !(await bed.git.isValidRefName(ref))) {
        throw unprocessable(`'${ref}' is not a valid ref name.`);
      }
      if (!(await bed.git.objectType(repo.fullName, sha))) throw unprocessable('Object does not exist');
      if (!(await writeRef(bed, repo, { ref, sha, expected: null }, ctx.sender))) {
        throw unprocessable('Reference already exists');
      }
      return refReply(ctx, ref, 201);
    },
  },
  {
    method: 'PATCH',
    route: '/repos/{owner}/{repo}/git/refs/{ref}',
    access: { scope: 'contents', level: 'write' },
    handle: async (ctx) => {
      const { bed, repo, body } = ctx;
      const ref = fullRef(ctx.params.ref ?? '');
      const sha = requireString(body, 'sha');
      const force = body.force === true;
      await refuseProtected(ctx, ref, { force, sha });
      if ((await bed.git.objectType(repo.fullName, sha)) === null) throw unprocessable('Object does not exist');
      // Retry when another writer moves the ref between our check and our write,
      // as GitHub serialises ref updates instead of failing them.
      for (let attempt = 0; attempt < 5; attempt++) {
        const current = await bed.git.revParse(repo.fullName, ref);
        if (!current) throw unprocessable('Reference does not exist');
        if (!force && current !== sha && !(await bed.git.isAncestor(repo.fullName, current, sha))) {
          throw unprocessable('Update is not a fast forward');
        }
        if (await writeRef(bed, repo, { ref, sha, expected: current, forced: force }, ctx.sender)) {
          return refReply(ctx, ref);
        }
      }
      throw unprocessable('Reference update failed');
    },
  },
  {
    method: 'DELETE',
    route: '/repos/{owner}/{repo}/git/refs/{ref}',
    access: { scope: 'contents', level: 'write' },
    handle: async (ctx) => {
      const { bed, repo } = ctx;
      const ref = fullRef(ctx.params.ref ?? '');
      await refuseProtected(ctx, ref, { deletion: true });
      const current = await bed.git.revParse(repo.fullName, ref);
      if (!current || !(await writeRef(bed, repo, { ref, sha: null, expected: current }, ctx.sender))) {
        throw unprocessable('Reference does not exist');
      }
      return noContent();
    },
  },
];
