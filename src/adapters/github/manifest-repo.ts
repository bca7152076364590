import type { GitHubClient } from './client.js';
import { branchHead, deleteBranch, forceBranch, listFiles, moveBranch, pollHead, readBlob, readBlobIds, readCommit, readTextFile, subtree, writeCommit, writeTree } from './git.js';
import { changedFiles, historyPage, versionAt, versionOnBranch, versionsBetween } from './history.js';
import type { ManifestRepo } from './port.js';
import type { RepoRef } from './types.js';

/** A manifest repository: environment branches written through the Git Data API, and read by the agent. */
export function manifestRepoOf(octokit: GitHubClient, repo: RepoRef): ManifestRepo {
  return {
    repo,
    readTextFile: (path, ref) => readTextFile(octokit, repo, path, ref),
    branchHead: (branch) => branchHead(octokit, repo, branch),
    treeOf: async (commit) => (await readCommit(octokit, repo, commit)).tree,
    readCommit: (sha) => readCommit(octokit, repo, sha),
    readBlobIds: (commit) => readBlobIds(octokit, repo, commit),
    subtree: (ref, path) => subtree(octokit, repo, ref, path),
    listFiles: (ref, dir, options) => listFiles(octokit, repo, ref, dir, options.recursive),
    readBlob: (blob) => readBlob(octokit, repo, blob),
    writeTree: (baseTree, edits) => writeTree(octokit, repo, baseTree, edits),
    writeCommit: (commit) => writeCommit(octokit, repo, commit),
    moveBranch: (branch, expected, sha) => moveBranch(octokit, repo, branch, expected, sha),
    forceBranch: (branch, sha) => forceBranch(octokit, repo, branch, sha),
    deleteBranch: (branch) => deleteBranch(octokit, repo, branch),
    changedFiles: (base, head) => changedFiles(octokit, repo, base, head),
    history: (head, page, pageSize) => historyPage(octokit, repo, head, page, pageSize),
    versionOnBranch: (branch, path, match) => versionOnBranch(octokit, repo, branch, path, match),
    versionAt: (ref, match) => versionAt(octokit, repo, ref, match),
    versionsBetween: (base, head, environment) => versionsBetween(octokit, repo, base, head, environment),
    pollHead: (branch, etag) => pollHead(octokit, repo, branch, etag),
  };
}
