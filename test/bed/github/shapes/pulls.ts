import type { Bed } from '../bed.js';
import { diffCommits } from '../git/merge.js';
import { mergeability } from '../pull-status.js';
import type { PullState, RepoState, ReviewState } from '../state.js';
import { authorAssociation } from '../roles.js';
import { labelsOf, team, teamSimple } from './issues.js';
import { repository } from './repo.js';
import { simpleUser } from './users.js';
import { nodeId } from './urls.js';

/** A pull request's base or head; a fork's head names the fork, its owner and `owner:branch`. */
function branchSide(bed: Bed, repo: RepoState, side: { ref: string; sha: string; repo?: string }) {
  const where = (side.repo ? bed.state.repo(side.repo) : undefined) ?? repo;
  return {
    label: `${where.owner.login}:${side.ref}`,
    ref: side.ref,
    sha: side.sha,
    user: simpleUser(bed.urls, where.owner),
    repo: repository(bed.urls, where),
  };
}

/** GitHub's `pull-request-simple` (list results). Call `refreshPull` first. */
export function pullRequestSimple(bed: Bed, repo: RepoState, pull: PullState) {
  const { urls } = bed;
  const url = urls.repo(repo.fullName, `/pulls/${pull.number}`);
  const html = urls.repoHtml(repo.fullName, `/pull/${pull.number}`);
  const issue = urls.repo(repo.fullName, `/issues/${pull.number}`);
  const statuses = urls.repo(repo.fullName, `/statuses/${pull.head.sha}`);
  return {
    url,
    id: pull.id,
    node_id: nodeId('PR', pull.id),
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: issue,
    number: pull.number,
    state: pull.state,
    locked: false,
    title: pull.title,
    user: simpleUser(urls, pull.user),
    body: pull.body,
    labels: labelsOf(bed, repo, bed.state.issue(repo, pull.number).labels),
    milestone: null,
    active_lock_reason: null,
    created_at: pull.createdAt,
    updated_at: pull.updatedAt,
    closed_at: pull.closedAt,
    merged_at: pull.mergedAt,
    merge_commit_sha: pull.mergeCommitSha,
    assignee: null,
    assignees: [],
    requested_reviewers: pull.requestedReviewers.map((login) => simpleUser(urls, bed.state.user(login))),
    requested_teams: pull.requestedTeams.map((slug) => team(bed, repo, slug)),
    head: branchSide(bed, repo, pull.head),
    base: branchSide(bed, repo, pull.base),
    _links: {
      self: { href: url },
      html: { href: html },
      issue: { href: issue },
      comments: { href: `${issue}/comments` },
      review_comments: { href: `${url}/comments` },
      review_comment: { href: urls.repo(repo.fullName, '/pulls/comments{/number}') },
      commits: { href: `${url}/commits` },
      statuses: { href: statuses },
    },
    author_association: authorAssociation(bed.state, repo, pull.user),
    auto_merge: null,
    draft: pull.draft,
    commits_url: `${url}/commits`,
    review_comments_url: `${url}/comments`,
    review_comment_url: urls.repo(repo.fullName, '/pulls/comments{/number}'),
    comments_url: `${issue}/comments`,
    statuses_url: statuses,
  };
}

/** GitHub's `pull-request` (get, create, update): adds mergeability and diff statistics. */
export async function pullRequest(bed: Bed, repo: RepoState, pull: PullState) {
  const merge = await mergeability(bed, repo, pull);
  const mergeBase = (await bed.git.mergeBase(repo.fullName, pull.base.sha, pull.head.sha)) ?? pull.base.sha;
  const files = await diffCommits(bed.git, repo.fullName, mergeBase, pull.head.sha);
  const commits = await bed.git.commitsBetween(repo.fullName, pull.base.sha, pull.head.sha);
  return {
    ...pullRequestSimple(bed, repo, pull),
    // The full shape lists teams without their parent (`team-simple`), the list shape with it.
    requested_teams: pull.requestedTeams.map((slug) => teamSimple(bed, repo, slug)),
    // While open, GitHub reports the test merge commit here; after merging, the real one.
    merge_commit_sha: pull.mergeCommitSha ?? merge.testMergeSha,
    merged: pull.mergedAt !== null,
    mergeable: merge.mergeable,
    rebaseable: merge.mergeable,
    mergeable_state: merge.state,
    merged_by: pull.mergedBy ? simpleUser(bed.urls, pull.mergedBy) : null,
    comments: [...repo.comments.values()].filter((c) => c.issueNumber === pull.number).length,
    review_comments: 0,
    maintainer_can_modify: pull.maintainerCanModify,
    commits: commits.length,
    additions: files.reduce((sum, f) => sum + f.additions, 0),
    deletions: files.reduce((sum, f) => sum + f.deletions, 0),
    changed_files: files.length,
  };
}

export function pullRequestReview(bed: Bed, repo: RepoState, review: ReviewState) {
  const pullUrl = bed.urls.repo(repo.fullName, `/pulls/${review.pullNumber}`);
  const html = bed.urls.repoHtml(repo.fullName, `/pull/${review.pullNumber}#pullrequestreview-${review.id}`);
  return {
    id: review.id,
    node_id: nodeId('PRR', review.id),
    user: simpleUser(bed.urls, review.user),
    body: review.body,
    state: review.state,
    html_url: html,
    pull_request_url: pullUrl,
    _links: { html: { href: html }, pull_request: { href: pullUrl } },
    ...(review.submittedAt ? { submitted_at: review.submittedAt } : {}),
    commit_id: review.commitId,
    author_association: authorAssociation(bed.state, repo, review.user),
  };
}
