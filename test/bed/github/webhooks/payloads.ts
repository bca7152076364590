import type { components } from '@octokit/openapi-webhooks-types';
import type { Bed } from '../bed.js';
import { diffCommits } from '../git/merge.js';
import { ZERO_SHA, type GitCommitObject } from '../git/objects.js';
import { issueComment } from '../shapes/issues.js';
import { pullRequest, pullRequestReview, pullRequestSimple } from '../shapes/pulls.js';
import { repository } from '../shapes/repo.js';
import { simpleUser } from '../shapes/users.js';
import { nodeId } from '../shapes/urls.js';
import { deployment, deploymentStatus } from '../shapes/checks.js';
import { authorAssociation } from '../roles.js';
import type { CommentState, DeploymentState, DeploymentStatusState, PullState, RepoState, ReviewState, User } from '../state.js';

type Schemas = components['schemas'];

/**
 * Payload builders: the shapes of @octokit/webhooks-examples, filled from the
 * server's state and typed by @octokit/openapi-webhooks-types, so a payload
 * that drifts from GitHub's fails to compile as well as failing the contract check.
 */

/** The `installation` every App webhook carries, or nothing when the App is not installed there. */
function installationOf(bed: Bed, repo: RepoState): { installation?: Schemas['simple-installation'] } {
  // The first App's; deliveries to other Apps name their own installation (deliver.ts).
  const installation = bed.tokens.installationFor(repo, bed.app.id);
  return installation ? { installation: { id: installation.id, node_id: nodeId('MDIz', installation.id) } } : {};
}

function webhookRepository(bed: Bed, repo: RepoState): Schemas['repository-webhooks'] {
  // Webhooks carry the repository's custom properties (none are set here).
  return { ...repository(bed.urls, repo), custom_properties: {} } as Schemas['repository-webhooks'];
}

export interface RefChange {
  ref: string;
  before: string | null;
  after: string | null;
  forced: boolean;
}

/** `push`: sent for every ref the server moves, including API commits and merges. */
export async function pushPayload(bed: Bed, repo: RepoState, change: RefChange, pusher: User): Promise<Schemas['webhook-push']> {
  const { urls, git } = bed;
  const shas = change.after
    ? change.before
      ? await git.commitsBetween(repo.fullName, change.before, change.after)
      : [change.after]
    : [];
  // "The array includes a maximum of 2048 commits."
  const commits = await Promise.all(shas.slice(-2048).map((sha) => pushCommit(bed, repo, sha)));
  const base = repository(urls, repo);
  const createdAt = Math.floor(Date.parse(repo.createdAt) / 1000);
  const pushedAt = Math.floor(Date.parse(repo.pushedAt) / 1000);
  return {
    ref: change.ref,
    before: change.before ?? ZERO_SHA,
    after: change.after ?? ZERO_SHA,
    created: change.before === null,
    deleted: change.after === null,
    forced: change.forced,
    base_ref: null,
    compare: urls.repoHtml(repo.fullName, `/compare/${(change.before ?? ZERO_SHA).slice(0, 12)}...${(change.after ?? ZERO_SHA).slice(0, 12)}`),
    commits,
    head_commit: commits.at(-1) ?? null,
    // The push event's repository is the older shape: epoch-second timestamps, `stargazers`, `master_branch`.
    repository: {
      ...base,
      custom_properties: {},
      created_at: createdAt,
      pushed_at: pushedAt,
      stargazers: 0,
      master_branch: repo.defaultBranch,
      owner: { ...simpleUser(urls, repo.owner), name: repo.owner.login, email: null },
    } as Schemas['webhook-push']['repository'],
    pusher: { name: pusher.login, email: null },
    sender: simpleUser(urls, pusher) as Schemas['simple-user'],
    ...installationOf(bed, repo),
  };
}

async function pushCommit(bed: Bed, repo: RepoState, sha: string) {
  const commit = (await bed.git.readCommit(repo.fullName, sha)) as GitCommitObject;
  const files = commit.parents[0]
    ? await diffCommits(bed.git, repo.fullName, commit.parents[0], sha)
    : (await bed.git.readTree(repo.fullName, sha, true))
        .filter((e) => e.type === 'blob')
        .map((e) => ({ status: 'added' as const, path: e.path }));
  const pick = (status: string) => files.filter((f) => f.status === status).map((f) => f.path);
  return {
    id: sha,
    tree_id: commit.tree,
    distinct: true,
    message: commit.message,
    timestamp: commit.committer.date,
    url: bed.urls.repoHtml(repo.fullName, `/commit/${sha}`),
    author: { name: commit.author.name, email: commit.author.email, date: commit.author.date },
    committer: { name: commit.committer.name, email: commit.committer.email, date: commit.committer.date },
    added: [...pick('added'), ...pick('copied')],
    removed: pick('removed'),
    modified: [...pick('modified'), ...pick('renamed'), ...pick('changed')],
  };
}

type PullAction = 'opened' | 'closed' | 'reopened' | 'synchronize' | 'edited' | 'labeled' | 'unlabeled' | 'review_requested';

/** `pull_request` with any action; `closed` with `merged: true` is what Ladder's App reacts to. */
export async function pullRequestPayload(
  bed: Bed,
  repo: RepoState,
  pull: PullState,
  action: PullAction,
  sender: User,
  extra: { before?: string; after?: string } = {},
) {
  const body = {
    action,
    number: pull.number,
    // Via unknown: @octokit/openapi-webhooks-types is generated from a different
    // snapshot of the description (it requires labels' `archived_by`, which the
    // description this server is checked against does not allow). The runtime
    // contract check against x-webhooks is the one that decides.
    pull_request: withWebhookTeams(await pullRequest(bed, repo, pull), action) as unknown as Schemas['pull-request-webhook'],
    repository: webhookRepository(bed, repo),
    sender: simpleUser(bed.urls, sender) as Schemas['simple-user'],
    ...installationOf(bed, repo),
    ...extra,
  };
  return body;
}

/** `issue_comment` on a pull request (how `/ladder …` commands arrive). */
export function issueCommentPayload(
  bed: Bed,
  repo: RepoState,
  pull: PullState,
  comment: CommentState,
  action: 'created' | 'edited' | 'deleted',
  sender: User,
) {
  const issueUrl = bed.urls.repo(repo.fullName, `/issues/${pull.number}`);
  return {
    action,
    issue: {
      url: issueUrl,
      repository_url: bed.urls.repo(repo.fullName),
      labels_url: `${issueUrl}/labels{/name}`,
      comments_url: `${issueUrl}/comments`,
      events_url: `${issueUrl}/events`,
      html_url: bed.urls.repoHtml(repo.fullName, `/pull/${pull.number}`),
      id: pull.id,
      node_id: nodeId('I', pull.id),
      number: pull.number,
      title: pull.title,
      // This payload's issue user is the older user shape, without `user_view_type`.
      user: (({ user_view_type: _, ...rest }) => rest)(simpleUser(bed.urls, pull.user)),
      labels: [],
      state: pull.state,
      locked: false,
      assignee: null,
      assignees: [],
      milestone: null,
      comments: [...repo.comments.values()].filter((c) => c.issueNumber === pull.number).length,
      created_at: pull.createdAt,
      updated_at: pull.updatedAt,
      closed_at: pull.closedAt,
      author_association: authorAssociation(bed.state, repo, pull.user),
      active_lock_reason: null,
      body: pull.body,
      pull_request: {
        url: bed.urls.repo(repo.fullName, `/pulls/${pull.number}`),
        html_url: bed.urls.repoHtml(repo.fullName, `/pull/${pull.number}`),
        diff_url: bed.urls.repoHtml(repo.fullName, `/pull/${pull.number}.diff`),
        patch_url: bed.urls.repoHtml(repo.fullName, `/pull/${pull.number}.patch`),
        merged_at: pull.mergedAt,
      },
      reactions: { url: `${issueUrl}/reactions`, total_count: 0, '+1': 0, '-1': 0, laugh: 0, hooray: 0, confused: 0, heart: 0, rocket: 0, eyes: 0 },
      timeline_url: `${issueUrl}/timeline`,
      performed_via_github_app: null,
      state_reason: null,
    },
    comment: issueComment(bed, repo, comment),
    repository: webhookRepository(bed, repo),
    sender: simpleUser(bed.urls, sender),
    ...installationOf(bed, repo),
  };
}

/** `pull_request_review` submitted. */
export function pullRequestReviewPayload(bed: Bed, repo: RepoState, pull: PullState, review: ReviewState) {
  return {
    action: 'submitted' as const,
    review: { ...pullRequestReview(bed, repo, review), state: review.state.toLowerCase() },
    // Review events carry the list shape of the pull request (no mergeability or stats).
    pull_request: pullRequestSimple(bed, repo, pull),
    repository: webhookRepository(bed, repo),
    sender: simpleUser(bed.urls, review.user),
    ...installationOf(bed, repo),
  };
}

/** `deployment_status` created: how the App learns an environment is deployed and healthy. */
export function deploymentStatusPayload(
  bed: Bed,
  repo: RepoState,
  parent: DeploymentState,
  status: DeploymentStatusState,
  sender: User,
): Schemas['webhook-deployment-status-created'] {
  // The webhook's copies of the App have no `client_id`.
  const withoutClientId = <T extends { performed_via_github_app?: { client_id: string } }>(shape: T) => {
    const { performed_via_github_app: app, ...rest } = shape;
    return app ? { ...rest, performed_via_github_app: (({ client_id: _, ...keep }) => keep)(app) } : rest;
  };
  type Payload = Schemas['webhook-deployment-status-created'];
  return {
    action: 'created',
    // Via unknown for the same reason as pull_request above (snapshot drift of the types package).
    deployment: withoutClientId(deployment(bed, repo, parent)) as unknown as Payload['deployment'],
    deployment_status: withoutClientId(deploymentStatus(bed, repo, parent, status)) as unknown as Payload['deployment_status'],
    repository: webhookRepository(bed, repo),
    sender: simpleUser(bed.urls, sender) as Schemas['simple-user'],
    ...installationOf(bed, repo),
  };
}

export { installationOf, webhookRepository };

/** Actions whose description lists requested teams in REST's team shape; the others use the webhook `Team`. */
const restTeamActions = new Set(['opened', 'closed', 'edited', 'reopened', 'converted_to_draft']);

/**
 * GitHub's description gives `pull_request` webhooks two shapes of requested
 * team, by action: REST's (with `notification_setting` and `type`, without
 * `parent`), or the webhook `Team` (with `parent`, without those two).
 */
function withWebhookTeams<T extends { requested_teams: Array<Record<string, unknown>> }>(pull: T, action: string): T {
  const requested_teams = pull.requested_teams.map(({ notification_setting, type, parent: _parent, ...team }) =>
    restTeamActions.has(action) ? { ...team, notification_setting, type } : { ...team, parent: null });
  return { ...pull, requested_teams };
}
