import type { RequestContext, RouteSpec } from '../bed.js';
import { nowIso } from '../bed.js';
import type { GitIdentity, TreeEdit } from '../git/objects.js';
import { isSha } from '../git/objects.js';
import { conflict, notFound, requireString, unprocessable } from '../http.js';
import { gitCommit, gitTree, wrappedBase64 } from '../shapes/git.js';
import { noreplyEmail } from '../shapes/users.js';
import { nodeId } from '../shapes/urls.js';
import { ok } from './util.js';

const MODES = new Set(['100644', '100755', '040000', '160000', '120000']);

interface TreeInput {
  path?: unknown;
  mode?: unknown;
  type?: unknown;
  sha?: unknown;
  content?: unknown;
}

/** Turns create-tree entries into edits, writing inline `content` as blobs first. */
async function treeEdits(ctx: RequestContext, entries: TreeInput[]): Promise<TreeEdit[]> {
  const { bed, repo } = ctx;
  const edits: TreeEdit[] = [];
  for (const [index, entry] of entries.entries()) {
    const path = typeof entry.path === 'string' ? entry.path : '';
    const mode = typeof entry.mode === 'string' ? entry.mode : '';
    const type = entry.type === 'tree' || entry.type === 'commit' ? entry.type : 'blob';
    if (!path || path.startsWith('/') || path.endsWith('/') || path.split('/').some((p) => p === '' || p === '.' || p === '..')) {
      throw unprocessable(`tree.path contains a malformed path component (tree[${index}])`);
    }
    if (!MODES.has(mode)) throw unprocessable(`tree.mode ${JSON.stringify(entry.mode)} is not a valid mode (tree[${index}])`);
    if (entry.content !== undefined && entry.sha !== undefined) {
      throw unprocessable('Must supply either tree.sha or tree.content. Request will be rejected if both are present.');
    }
    if (typeof entry.content === 'string') {
      const sha = await bed.git.writeBlob(repo.fullName, Buffer.from(entry.content, 'utf8'));
      edits.push({ path, mode, type: 'blob', sha });
      continue;
    }
    if (entry.sha === null) {
      edits.push({ path, mode, type, sha: null });
      continue;
    }
    const sha = typeof entry.sha === 'string' ? entry.sha : '';
    // Submodule entries point at commits of another repository, which need not exist here.
    if (type !== 'commit' && (!isSha(sha) || (await bed.git.objectType(repo.fullName, sha)) !== type)) {
      throw unprocessable(`tree.sha ${sha} is not a valid ${type}`);
    }
    edits.push({ path, mode, type, sha });
  }
  return edits;
}

function identity(value: unknown, fallback: GitIdentity): GitIdentity {
  if (!value || typeof value !== 'object') return fallback;
  const given = value as { name?: unknown; email?: unknown; date?: unknown };
  if (typeof given.name !== 'string' || typeof given.email !== 'string') {
    throw unprocessable('Invalid request.\n\nname and email are required for author and committer.');
  }
  const date = typeof given.date === 'string' ? given.date : fallback.date;
  if (Number.isNaN(Date.parse(date))) throw unprocessable(`Invalid request.\n\n${JSON.stringify(date)} is not a valid date.`);
  return { name: given.name, email: given.email, date: new Date(date).toISOString().replace('.000Z', 'Z') };
}

/** `GET git/trees/{tree_sha}` takes a tree, a commit or a ref name (GitHub documents "SHA1 value or ref"). */
async function resolveTree(ctx: RequestContext, treeish: string): Promise<string | null> {
  const { bed, repo } = ctx;
  if (isSha(treeish)) return bed.git.revParse(repo.fullName, `${treeish}^{tree}`);
  const commit = await bed.git.resolveCommitish(repo.fullName, treeish);
  return commit ? bed.git.revParse(repo.fullName, `${commit}^{tree}`) : null;
}

/**
 * `base_tree` must name a tree object: GitHub documents it as "the SHA1 of an existing Git tree
 * object" and answers a commit SHA with 422 `base_tree is not a valid tree oid`.
 */
async function baseTree(ctx: RequestContext, value: unknown): Promise<string | undefined> {
  if (value === undefined || value === null) return undefined;
  const sha = String(value);
  if (!isSha(sha) || (await ctx.bed.git.objectType(ctx.repo.fullName, sha)) !== 'tree') {
    throw unprocessable('base_tree is not a valid tree oid');
  }
  return sha;
}

/** Blobs and trees cannot be written before a repository's first commit: GitHub answers 409. */
async function refuseEmptyRepository(ctx: RequestContext): Promise<void> {
  if ((await ctx.bed.git.listRefs(ctx.repo.fullName)).length === 0) throw conflict('Git Repository is empty.');
}

export const gitObjectRoutes: RouteSpec[] = [
  {
    method: 'POST',
    route: '/repos/{owner}/{repo}/git/blobs',
    access: { scope: 'contents', level: 'write' },
    handle: async (ctx) => {
      const { bed, repo, body } = ctx;
      const content = requireString(body, 'content');
      await refuseEmptyRepository(ctx);
      const encoding = body.encoding ?? 'utf-8';
      if (encoding !== 'utf-8' && encoding !== 'utf8' && encoding !== 'base64') {
        throw unprocessable(`encoding must be "utf-8" or "base64", not ${JSON.stringify(encoding)}`);
      }
      const bytes = Buffer.from(content, encoding === 'base64' ? 'base64' : 'utf8');
      const sha = await bed.git.writeBlob(repo.fullName, bytes);
      return ok({ url: bed.urls.repo(repo.fullName, `/git/blobs/${sha}`), sha }, 201);
    },
  },
  {
    method: 'GET',
    route: '/repos/{owner}/{repo}/git/blobs/{file_sha}',
    access: { scope: 'contents', level: 'read' },
    handle: async ({ bed, repo, params }) => {
      const sha = params.file_sha ?? '';
      const content = isSha(sha) ? await bed.git.readBlob(repo.fullName, sha) : null;
      if (!content) throw notFound();
      return ok({
        sha,
        node_id: nodeId('B', sha),
        size: content.length,
        url: bed.urls.repo(repo.fullName, `/git/blobs/${sha}`),
        content: wrappedBase64(content),
        encoding: 'base64',
      });
    },
  },
  {
    method: 'POST',
    route: '/repos/{owner}/{repo}/git/trees',
    access: { scope: 'contents', level: 'write' },
    handle: async (ctx) => {
      const { bed, repo, body } = ctx;
      if (!Array.isArray(body.tree)) throw unprocessable('Invalid request.\n\n"tree" wasn\'t supplied.');
      await refuseEmptyRepository(ctx);
      const base = await baseTree(ctx, body.base_tree);
      const edits = await treeEdits(ctx, body.tree as TreeInput[]);
      // "Returns an error if you try to delete a file that does not exist."
      for (const [index, edit] of edits.entries()) {
        if (edit.sha === null && !(base && (await bed.git.entryAt(repo.fullName, base, edit.path)))) {
          throw unprocessable(`tree.path ${edit.path} does not exist in base_tree, so it cannot be deleted (tree[${index}])`);
        }
      }
      const sha = await bed.git.createTree(repo.fullName, base, edits);
      return ok(gitTree(bed, repo, sha, await bed.git.readTree(repo.fullName, sha, false)), 201);
    },
  },
  {
    method: 'GET',
    route: '/repos/{owner}/{repo}/git/trees/{tree_sha}',
    access: { scope: 'contents', level: 'read' },
    handle: async (ctx) => {
      const { bed, repo } = ctx;
      const requested = ctx.params.tree_sha ?? '';
      const sha = await resolveTree(ctx, requested);
      if (!sha) throw notFound();
      // Any value of `recursive` turns recursion on, as GitHub documents.
      const recursive = ctx.query.has('recursive');
      // Asked for a commit or a ref, GitHub has been seen answering with the requested value as
      // `sha` instead of the tree's; the strict reading is the one a client cannot rely on past.
      return ok(gitTree(bed, repo, requested, await bed.git.readTree(repo.fullName, sha, recursive), recursive ? bed.treeLimits : undefined));
    },
  },
  {
    method: 'POST',
    route: '/repos/{owner}/{repo}/git/commits',
    access: { scope: 'contents', level: 'write' },
    handle: async (ctx) => {
      const { bed, repo, body } = ctx;
      const message = requireString(body, 'message');
      const tree = requireString(body, 'tree');
      if (!isSha(tree) || (await bed.git.objectType(repo.fullName, tree)) !== 'tree') {
        throw unprocessable('Tree SHA does not exist');
      }
      const parents = Array.isArray(body.parents) ? body.parents.map(String) : [];
      for (const parent of parents) {
        if (!isSha(parent) || (await bed.git.objectType(repo.fullName, parent)) !== 'commit') {
          throw unprocessable('Parent SHA does not exist or is not a commit object');
        }
      }
      const fallback = { name: ctx.sender.login, email: noreplyEmail(ctx.sender), date: nowIso(bed) };
      const author = identity(body.author, fallback);
      const committer = identity(body.committer, author);
      // GitHub signs an App's commits made with its bot identity (no author or committer given);
      // a `signature` given is stored as the commit's and verified like any other.
      const given = typeof body.signature === 'string' ? body.signature : undefined;
      const botCommit = ctx.actor.kind === 'installation' && body.author === undefined && body.committer === undefined;
      const sign = given !== undefined ? () => given : botCommit ? (payload: string) => bed.webFlow.sign(payload) : undefined;
      const sha = await bed.git.createCommit(repo.fullName, { tree, parents, message, author, committer }, sign);
      const commit = await bed.git.readCommit(repo.fullName, sha);
      if (!commit) throw new Error(`commit ${sha} was not written`);
      return ok(gitCommit(bed, repo, commit), 201);
    },
  },
  {
    method: 'GET',
    route: '/repos/{owner}/{repo}/git/commits/{commit_sha}',
    access: { scope: 'contents', level: 'read' },
    handle: async ({ bed, repo, params }) => {
      const sha = params.commit_sha ?? '';
      const commit = isSha(sha) ? await bed.git.readCommit(repo.fullName, sha) : null;
      if (!commit) throw notFound();
      return ok(gitCommit(bed, repo, commit));
    },
  },
];
