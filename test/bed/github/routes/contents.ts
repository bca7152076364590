import type { RequestContext, RouteSpec } from '../bed.js';
import { nowIso } from '../bed.js';
import type { GitTreeEntry } from '../git/objects.js';
import { ApiError, conflict, notFound, requireString, unprocessable } from '../http.js';
import { writeRef } from '../refs.js';
import { gitCommit, wrappedBase64 } from '../shapes/git.js';
import { noreplyEmail } from '../shapes/users.js';
import { ok } from './util.js';

function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

/** The common fields of every contents item (file, dir, submodule, symlink). */
function contentItem(ctx: RequestContext, ref: string, entry: GitTreeEntry, size: number) {
  const { bed, repo } = ctx;
  const type = entry.type === 'tree' ? 'dir' : entry.type === 'commit' ? 'submodule' : entry.mode === '120000' ? 'symlink' : 'file';
  const self = bed.urls.repo(repo.fullName, `/contents/${encodePath(entry.path)}?ref=${encodeURIComponent(ref)}`);
  const git = bed.urls.repo(repo.fullName, `/git/${entry.type === 'tree' ? 'trees' : 'blobs'}/${entry.sha}`);
  const html = bed.urls.repoHtml(repo.fullName, `/${type === 'dir' ? 'tree' : 'blob'}/${ref}/${encodePath(entry.path)}`);
  return {
    type,
    size,
    name: entry.path.split('/').pop() ?? entry.path,
    path: entry.path,
    sha: entry.sha,
    url: self,
    git_url: type === 'submodule' ? null : git,
    html_url: type === 'submodule' ? null : html,
    download_url: type === 'file' ? bed.urls.repoHtml(repo.fullName, `/raw/${ref}/${encodePath(entry.path)}`) : null,
    _links: { self, git: type === 'submodule' ? null : git, html: type === 'submodule' ? null : html },
  };
}

const symlinkMode = '120000';

/**
 * A symbolic link asked for by its path, as GitHub's REST description says:
 * when its target is a normal file in the repository, the answer is that
 * file's content; otherwise an object describing the link, with its `target`
 * and no content. (Git stores a link as a blob of mode 120000 holding the
 * target path.)
 */
async function symlinkAnswer(ctx: RequestContext, ref: string, commit: string, link: GitTreeEntry) {
  const { bed, repo } = ctx;
  const target = ((await bed.git.readBlob(repo.fullName, link.sha)) ?? Buffer.alloc(0)).toString('utf8');
  const resolved = resolveLink(link.path, target);
  const file = resolved === undefined ? null : await bed.git.entryAt(repo.fullName, commit, resolved);
  if (file && file.type === 'blob' && file.mode !== symlinkMode) {
    const content = (await bed.git.readBlob(repo.fullName, file.sha)) ?? Buffer.alloc(0);
    if (wantsRaw(ctx)) return { status: 200, raw: content, headers: { 'content-type': 'application/vnd.github.raw; charset=utf-8' } };
    return ok({ ...contentItem(ctx, ref, file, content.length), content: wrappedBase64(content), encoding: 'base64' });
  }
  if (wantsRaw(ctx)) return { status: 200, raw: Buffer.from(target), headers: { 'content-type': 'application/vnd.github.raw; charset=utf-8' } };
  return ok({ ...contentItem(ctx, ref, link, Buffer.byteLength(target)), target });
}

/** A link's target as a path from the repository's root, or undefined when it is absolute or climbs out. */
function resolveLink(linkPath: string, target: string): string | undefined {
  if (target.startsWith('/')) return undefined;
  const parts = linkPath.split('/').slice(0, -1);
  for (const part of target.split('/')) {
    if (part === '' || part === '.') continue;
    if (part !== '..') parts.push(part);
    else if (parts.pop() === undefined) return undefined;
  }
  return parts.length > 0 ? parts.join('/') : undefined;
}

function wantsRaw(ctx: RequestContext): boolean {
  return /application\/vnd\.github(\.v3)?\.raw/.test(String(ctx.headers.accept ?? ''));
}

async function branchOrDefault(ctx: RequestContext): Promise<{ branch: string; head: string | null }> {
  const { bed, repo, body } = ctx;
  const branch = typeof body.branch === 'string' ? body.branch : repo.defaultBranch;
  const head = await bed.git.revParse(repo.fullName, `refs/heads/${branch}^{commit}`);
  // An empty repository takes its first commit on the default branch; any other branch must exist.
  if (!head && (branch !== repo.defaultBranch || (await bed.git.listRefs(repo.fullName)).length > 0)) {
    throw new ApiError(404, `Branch ${branch} not found`);
  }
  return { branch, head };
}

/** Writes one file change as a commit on the branch; `content` null deletes. */
async function commitFileChange(ctx: RequestContext, path: string, content: Buffer | null) {
  const { bed, repo, body } = ctx;
  const message = requireString(body, 'message');
  const { branch, head } = await branchOrDefault(ctx);
  const existing = head ? await bed.git.entryAt(repo.fullName, head, path) : null;
  const given = typeof body.sha === 'string' ? body.sha : undefined;
  if (existing && existing.type !== 'blob') throw unprocessable(`${path} is a directory`);
  if (content === null && !existing) throw notFound();
  if (existing && given === undefined) throw unprocessable('Invalid request.\n\n"sha" wasn\'t supplied.');
  if (existing && given !== existing.sha) throw conflict(`${path} does not match ${given}`);
  const blob = content === null ? null : await bed.git.writeBlob(repo.fullName, content);
  const tree = await bed.git.createTree(repo.fullName, head ? `${head}^{tree}` : undefined, [
    { path, mode: '100644', type: 'blob', sha: blob },
  ]);
  const now = nowIso(bed);
  const fallback = { name: ctx.sender.login, email: noreplyEmail(ctx.sender), date: now };
  const person = (value: unknown) => {
    const given = value as { name?: string; email?: string; date?: string } | undefined;
    return given?.name && given.email ? { name: given.name, email: given.email, date: given.date ?? now } : undefined;
  };
  const author = person(body.author) ?? person(body.committer) ?? fallback;
  // Without a committer of the caller's choosing, GitHub commits as itself and signs (web-flow).
  const chosen = person(body.committer);
  const committer = chosen ?? { name: 'GitHub', email: 'noreply@github.com', date: now };
  const sign = chosen ? undefined : (payload: string) => bed.webFlow.sign(payload);
  const sha = await bed.git.createCommit(repo.fullName, { tree, parents: head ? [head] : [], message, author, committer }, sign);
  if (!(await writeRef(bed, repo, { ref: `refs/heads/${branch}`, sha, expected: head }, ctx.sender))) {
    throw conflict(`${branch} was updated by someone else; fetch the new sha and try again`);
  }
  const commit = await bed.git.readCommit(repo.fullName, sha);
  if (!commit) throw new Error(`commit ${sha} was not written`);
  const fileEntry = blob ? await bed.git.entryAt(repo.fullName, sha, path) : null;
  return {
    status: existing || content === null ? 200 : 201,
    body: {
      content: fileEntry ? contentItem(ctx, branch, fileEntry, content?.length ?? 0) : null,
      commit: gitCommit(bed, repo, commit),
    },
  };
}

export const contentRoutes: RouteSpec[] = [
  {
    method: 'GET',
    route: '/repos/{owner}/{repo}/contents/{path}',
    access: { scope: 'contents', level: 'read' },
    handle: async (ctx) => {
      const { bed, repo } = ctx;
      const path = (ctx.params.path ?? '').replace(/\/+$/, '');
      const ref = ctx.query.get('ref') || repo.defaultBranch;
      const commit = await bed.git.resolveCommitish(repo.fullName, ref);
      if (!commit) throw notFound();
      const entry = await bed.git.entryAt(repo.fullName, commit, path);
      if (!entry) throw notFound();
      if (entry.type === 'tree') {
        const children = await bed.git.readTree(repo.fullName, entry.sha, false);
        return ok(
          children.map((child) => {
            const full = { ...child, path: path ? `${path}/${child.path}` : child.path };
            return contentItem(ctx, ref, full, child.size ?? 0);
          }),
        );
      }
      if (entry.mode === symlinkMode) return symlinkAnswer(ctx, ref, commit, entry);
      const content = (await bed.git.readBlob(repo.fullName, entry.sha)) ?? Buffer.alloc(0);
      if (wantsRaw(ctx) && entry.type === 'blob') {
        return { status: 200, raw: content, headers: { 'content-type': 'application/vnd.github.raw; charset=utf-8' } };
      }
      return ok({ ...contentItem(ctx, ref, entry, content.length), content: wrappedBase64(content), encoding: 'base64' });
    },
  },
  {
    method: 'PUT',
    route: '/repos/{owner}/{repo}/contents/{path}',
    access: { scope: 'contents', level: 'write' },
    handle: (ctx) => {
      const encoded = requireString(ctx.body, 'content');
      if (!/^[A-Za-z0-9+/=\s]*$/.test(encoded)) throw unprocessable('content is not valid Base64');
      return commitFileChange(ctx, ctx.params.path ?? '', Buffer.from(encoded, 'base64'));
    },
  },
  {
    method: 'DELETE',
    route: '/repos/{owner}/{repo}/contents/{path}',
    access: { scope: 'contents', level: 'write' },
    handle: (ctx) => commitFileChange(ctx, ctx.params.path ?? '', null),
  },
];
