import type { Bed } from '../bed.js';
import { authorAssociation } from '../roles.js';
import type { CommentState, LabelState, ReactionState, RepoState } from '../state.js';
import { appOfBot } from '../apps.js';
import { integration } from './app.js';
import { simpleUser } from './users.js';
import { nodeId } from './urls.js';

export function label(bed: Bed, repo: RepoState, state: LabelState) {
  return {
    id: state.id,
    node_id: nodeId('LA', state.id),
    url: bed.urls.repo(repo.fullName, `/labels/${encodeURIComponent(state.name)}`),
    name: state.name,
    description: state.description,
    color: state.color,
    default: state.default,
  };
}

/** Labels on an issue or pull request, in the order they were added. */
export function labelsOf(bed: Bed, repo: RepoState, names: readonly string[]) {
  return names.flatMap((name) => {
    const state = repo.labels.get(name.toLowerCase());
    return state ? [label(bed, repo, state)] : [];
  });
}

const REACTIONS = ['+1', '-1', 'laugh', 'confused', 'heart', 'hooray', 'eyes', 'rocket'] as const;

export function reactionRollup(url: string, reactions: readonly ReactionState[]) {
  const counts = Object.fromEntries(REACTIONS.map((content) => [content, 0])) as Record<(typeof REACTIONS)[number], number>;
  for (const reaction of reactions) counts[reaction.content as (typeof REACTIONS)[number]] += 1;
  return { url, total_count: reactions.length, ...counts };
}

export function issueComment(bed: Bed, repo: RepoState, comment: CommentState) {
  const url = bed.urls.repo(repo.fullName, `/issues/comments/${comment.id}`);
  return {
    id: comment.id,
    node_id: nodeId('IC', comment.id),
    url,
    html_url: bed.urls.repoHtml(repo.fullName, `/pull/${comment.issueNumber}#issuecomment-${comment.id}`),
    body: comment.body,
    user: simpleUser(bed.urls, comment.user),
    created_at: comment.createdAt,
    updated_at: comment.updatedAt,
    issue_url: bed.urls.repo(repo.fullName, `/issues/${comment.issueNumber}`),
    author_association: authorAssociation(bed.state, repo, comment.user),
    reactions: reactionRollup(`${url}/reactions`, comment.reactions),
    performed_via_github_app: appOfBot(bed.apps, comment.user) ? integration(bed, appOfBot(bed.apps, comment.user)) : null,
  };
}

export function reaction(bed: Bed, state: ReactionState) {
  return {
    id: state.id,
    node_id: nodeId('REA', state.id),
    user: simpleUser(bed.urls, state.user),
    content: state.content,
    created_at: state.createdAt,
  };
}

/** GitHub's `team-simple` for a team requested as reviewer (teams are only names here). */
export function teamSimple(bed: Bed, repo: RepoState, slug: string) {
  const id = [...slug].reduce((hash, ch) => (hash * 31 + ch.charCodeAt(0)) % 1_000_000, 7);
  const org = repo.owner.login;
  const url = bed.urls.api(`/organizations/${repo.owner.id}/team/${id}`);
  return {
    id,
    node_id: nodeId('T', id),
    url,
    html_url: bed.urls.html(`/orgs/${org}/teams/${slug}`),
    name: slug,
    slug,
    description: null,
    privacy: 'closed',
    notification_setting: 'notifications_enabled',
    permission: 'pull',
    members_url: `${url}/members{/member}`,
    repositories_url: `${url}/repos`,
    type: 'organization',
  };
}

/** GitHub's `team` (lists of requested teams): `team-simple` plus its parent. */
export function team(bed: Bed, repo: RepoState, slug: string) {
  return { ...teamSimple(bed, repo, slug), parent: null };
}
